"""Figures 18 to 23: past one process and past the embedded store (docs/scaling.md).

18-19  `ingest --cluster local --workers 2` (Dask) over one process, and over the process pool
       of `--workers 2`: what the cluster machinery costs on one machine.
20-21  ingest into an external store (Oxigraph's own server, Virtuoso): the write path of
       `ingest --endpoint` (one SPARQL Update per article, as RemoteWriter sends it) in quads
       a second, over the same server's own bulk loader on the same quads.
22-23  query latency of the entity queries and an aggregate on generated graphs of 1 M and
       10 M quads (tests/benchmarks/generated.py), the engine alone: the capacity model's
       query inputs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import generated
import graphs as graph_maker
import measure
import pytest
from corpus import ARTICLES
from pyoxigraph import NamedNode, QueryResultsFormat, Store, Variable

sys.path.insert(0, str(measure.ROOT / "tests"))
from external_stores import ExternalStore, start_oxigraph, start_virtuoso  # noqa: E402

from newsgraph import queries  # noqa: E402
from newsgraph.ontology import Minter  # noqa: E402
from newsgraph.settings import Settings  # noqa: E402
from newsgraph.store import RemoteWriter, StoreFolder  # noqa: E402

REPEATS = 2
MIN_CLUSTER_SCALING = 1.6
MAX_CLUSTER_OVERHEAD = 1.10
EXTERNAL_ARTICLES = 300
SIZES = (1_000_000, 10_000_000)
ENTITIES = 25


def ingest(folder: Path, store: Path, *options: str) -> list[str]:
    settings = Settings()
    return [
        str(measure.BIN / "newsgraph"),
        "ingest",
        str(folder),
        "--store",
        str(store),
        "--batch-size",
        str(settings.batch_size),
        "--model",
        settings.model,
        *options,
    ]


def test_a_local_cluster_of_two_scales_like_the_process_pool(
    tmp_path: Path, corpora, record
) -> None:
    pytest.importorskip("distributed")
    folder = corpora(ARTICLES)
    env = measure.clean_env()
    configurations = {
        "one process": ("--workers", "1"),
        "--workers 2": ("--workers", "2"),
        "--cluster local --workers 2": ("--cluster", "local", "--workers", "2"),
    }
    runs: dict[str, list[measure.Run]] = {name: [] for name in configurations}
    for repeat in range(REPEATS):
        for number, (name, options) in enumerate(configurations.items()):
            measure.wait_for_quiet()
            run = measure.run(ingest(folder, tmp_path / f"store-{number}-{repeat}", *options), env)
            assert run.stdout.startswith(f"{ARTICLES} articles,"), run.stdout
            runs[name].append(run)
    best = {name: min(found, key=lambda r: r.wall) for name, found in runs.items()}
    one, pool, cluster = (best[name] for name in configurations)
    scaling = one.wall / cluster.wall
    overhead = cluster.wall / pool.wall
    walls = {name: [round(r.wall, 2) for r in found] for name, found in runs.items()}
    record(
        "cluster_scaling", 18, "ingest throughput, local Dask cluster of 2 over 1 process",
        scaling, "x", f">= {MIN_CLUSTER_SCALING:.1f}x", scaling >= MIN_CLUSTER_SCALING,
        f"{ARTICLES / cluster.wall:.1f} vs {ARTICLES / one.wall:.1f} articles/s "
        f"({cluster.wall:.1f} s vs {one.wall:.1f} s, start-up included)",
        articles=ARTICLES, cluster=cluster.as_json(), one=one.as_json(), all_walls=walls,
    )  # fmt: skip
    record(
        "cluster_overhead", 19, "ingest time, local Dask cluster of 2 over --workers 2",
        overhead, "x", f"<= {MAX_CLUSTER_OVERHEAD:.2f}x", overhead <= MAX_CLUSTER_OVERHEAD,
        f"{cluster.wall:.1f} s vs {pool.wall:.1f} s; peak memory {cluster.peak_rss / 2**20:.0f} "
        f"vs {pool.peak_rss / 2**20:.0f} MB, all processes",
        articles=ARTICLES, cluster=cluster.as_json(), pool=pool.as_json(), all_walls=walls,
    )  # fmt: skip
    exported = [
        sorted(map(str, StoreFolder(tmp_path / f"store-{number}-0").reader()))
        for number in range(3)
    ]
    assert exported[2] == exported[0]  # the same graph
    assert scaling >= MIN_CLUSTER_SCALING, scaling
    assert overhead <= MAX_CLUSTER_OVERHEAD, overhead


@pytest.fixture(scope="module")
def corpus_graphs() -> list:
    return graph_maker.copies(EXTERNAL_ARTICLES, Settings())


def _write(store: ExternalStore, corpus_graphs: list) -> float:
    """Seconds to write every graph as `ingest --endpoint` does."""
    writer = RemoteWriter(store.query_url, store.update_url)
    actors = Minter(Settings().base).actors_graph()
    started = time.perf_counter()
    for graph in corpus_graphs:
        writer.write_article(
            NamedNode(graph.article), graph.triples, actors, graph.actor_triples, graph.derived
        )
    return time.perf_counter() - started


def _oxigraph_load(folder: Path, data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "oxigraph"), "load", "--location", str(folder),
         "--file", str(data), "--lenient"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _virtuoso_load(store: ExternalStore, data: Path) -> float:
    target = store.folder / data.name
    target.write_bytes(data.read_bytes())
    started = time.perf_counter()
    store.sql(f"ld_dir('{store.folder}', '{data.name}', 'urn:newsgraph:unnamed');")
    store.sql("rdf_loader_run();")
    store.sql("checkpoint;")
    return time.perf_counter() - started


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_ingest_into_an_external_store_against_its_own_bulk_loader(
    tmp_path: Path, corpus_graphs: list, record, name: str
) -> None:
    quads = sum(graph.quads for graph in corpus_graphs)
    data = graph_maker.nquads_file(
        corpus_graphs, Minter(Settings().base).actors_graph().value, tmp_path / "corpus.nq"
    )
    measure.wait_for_quiet()
    if name == "oxigraph":
        store = start_oxigraph(tmp_path / "served")
        try:
            written = _write(store, corpus_graphs)
        finally:
            store.stop()
        loaded = _oxigraph_load(tmp_path / "loaded", data)
    else:
        store = start_virtuoso(tmp_path / "served", buffers=170_000)
        try:
            written = _write(store, corpus_graphs)
        finally:
            store.stop()
        loader = start_virtuoso(tmp_path / "loaded", buffers=170_000)
        try:
            loaded = _virtuoso_load(loader, data)
        finally:
            loader.stop()
    ratio = (quads / written) / (quads / loaded)
    record(
        f"external_ingest_{name}", 20 if name == "oxigraph" else 21,
        f"ingest --endpoint into {name}, over its own bulk loader (quads/s)",
        ratio, "x", "reported", None,
        f"{quads / written / 1000:.1f} k vs {quads / loaded / 1000:.1f} k quads/s "
        f"({written:.1f} s vs {loaded:.1f} s, {EXTERNAL_ARTICLES} articles, {quads} quads)",
        quads=quads, write_s=round(written, 2), load_s=round(loaded, 2),
    )  # fmt: skip


def _engine_ms(store: Store, text: str, **bindings: object) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        results = store.query(
            text,
            use_default_graph_as_union=True,
            substitutions={Variable(k): v for k, v in bindings.items()},
        )
        results.serialize(format=QueryResultsFormat.JSON)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def test_query_latency_at_one_and_ten_million_quads(tmp_path: Path, record) -> None:
    catalog = queries.load()
    settings = Settings()
    actors = Minter(settings.base).actors_graph()
    figures: dict[int, dict[str, float]] = {}
    graphs = generated.graphs(10**12, settings.base)
    folder = tmp_path / "store"
    stored = 0
    for order, size in enumerate(SIZES):
        started = time.perf_counter()
        with StoreFolder(folder).writer() as writer:
            while stored < size:
                graph = next(graphs)
                writer.write_article(
                    NamedNode(graph.article),
                    graph.triples,
                    actors,
                    graph.actor_triples,
                    graph.derived,
                )
                stored += graph.quads
        load_s = time.perf_counter() - started
        store = StoreFolder(folder).reader()
        speakers = [
            row["speaker"]
            for row in store.query(
                "SELECT ?speaker WHERE { ?s <https://w3id.org/newsgraph/ontology#speaker> "
                "?speaker } GROUP BY ?speaker ORDER BY ?speaker LIMIT 1000",
                use_default_graph_as_union=True,
            )
        ][:: max(1, 1000 // ENTITIES)][:ENTITIES]
        timings = {
            "statements_by_speaker": [
                _engine_ms(store, catalog["statements_by_speaker"].text, speaker=speaker)
                for speaker in speakers
            ],
            "actor_profile": [
                _engine_ms(store, catalog["actor_profile"].text, actor=speaker)
                for speaker in speakers
            ],
        }
        medians = {name: statistics.median(found) for name, found in timings.items()}
        for aggregate in ("top_actors", "top_speakers", "timeline"):
            medians[aggregate] = _engine_ms(store, catalog[aggregate].text)
        figures[size] = medians
        record(
            f"latency_{size // 1_000_000}m", 22 + order,
            f"query latency on {size / 1e6:g} M generated quads, engine alone (worst median)",
            max(medians[name] for name in timings), " ms", "reported", None,
            ", ".join(f"{name} {ms:.1f} ms" for name, ms in medians.items())
            + f"; {len(store) / 1e6:.2f} M quads stored, the last part in {load_s:.0f} s",
            quads=len(store), medians_ms={k: round(v, 2) for k, v in medians.items()},
        )  # fmt: skip
        del store
