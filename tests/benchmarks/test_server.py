"""Figures 6 to 13: the server on a generated graph of more than a million quads.

newsgraph's server runs as its own process (serve.py) over a store written through the bulk
path; every figure is measured through HTTP on 127.0.0.1, against the same query run by
pyoxigraph in this process ("the engine") or by a bare ASGI app (bare_app.py).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import generated
import httpx
import measure
import psutil
import pytest
from pyoxigraph import NamedNode, QueryResultsFormat, Store

from newsgraph import queries
from newsgraph.ontology import PREFIXES, Minter
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

QUADS = 1_050_000
SAMPLE = 25  # entities asked about, each once (a canned result is cached per snapshot)
PER_ENTITY_MS = 25.0
REPEATED_MS = 5.0
MIN_RPS_RATIO = 0.8
MIN_UNCACHED_RPS_RATIO = 0.6  # /sparql with every query new, never answered from the cache
CONCURRENCY, REQUESTS, SECONDS = 16, 6000, 8.0
LARGE_ROWS, SMALL_ROWS = 1_000_000, 1_000
MAX_MEMORY_GROWTH = 1.2
AGGREGATES = ("top_actors", "top_speakers", "timeline")
NG, SCHEMA = PREFIXES["ng"], PREFIXES["schema"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int, ready_path: str, log: Path) -> subprocess.Popen:
    """Start a server process, its output going to `log` (a pipe nobody reads would fill up
    with the access log and block it), and wait until it answers `ready_path`."""
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen(command, cwd=measure.ROOT, stdout=output, stderr=output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command} did not answer: {log.read_text(encoding='utf-8')[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


class Served:
    def __init__(self, folder: Path, port: int, process: subprocess.Popen) -> None:
        self.folder = folder
        self.port = port
        self.process = process
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
        self.actors_graph = Minter(Settings().base).actors_graph()

    def engine(self) -> Store:
        return StoreFolder(self.folder).reader()

    def canned(self, name: str, **params: str) -> tuple[float, bytes]:
        """Milliseconds for one call of a canned query, and its body."""
        started = time.perf_counter()
        response = self.client.get(f"/api/queries/{name}", params=params)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed, response.content

    def ingest(self, count: int, first: int) -> float:
        """Store `count` more generated articles, numbered from `first`, and publish a snapshot
        with its materialized results; the seconds that took."""
        graphs = generated.graphs(10**12, Settings().base, start=first)
        started = time.perf_counter()
        with StoreFolder(self.folder).writer() as writer:
            for graph in itertools.islice(graphs, count):
                writer.write_article(
                    NamedNode(graph.article),
                    graph.triples,
                    self.actors_graph,
                    graph.actor_triples,
                    graph.derived,
                )
        return time.perf_counter() - started


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served") / "store"
    actors = Minter(Settings().base).actors_graph()
    with StoreFolder(folder).writer() as writer:
        for graph in generated.graphs(QUADS, Settings().base):
            writer.write_article(
                NamedNode(graph.article), graph.triples, actors, graph.actor_triples, graph.derived
            )
    assert len(StoreFolder(folder).reader()) >= 1_000_000
    port = free_port()
    script = str(measure.HERE / "serve.py")
    command = [sys.executable, script, str(folder), str(port), str(LARGE_ROWS)]
    process = start(command, port, "/health", folder.parent / "server.log")
    try:
        yield Served(folder, port, process)
    finally:
        stop(process)


def engine_ms(store: Store, text: str, repeat: int = 3, **bindings: NamedNode) -> float:
    """Best time of the query on pyoxigraph, its results serialized as the API does (JSON)."""
    from pyoxigraph import Variable

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        results = store.query(
            text,
            use_default_graph_as_union=True,
            substitutions={Variable(k): v for k, v in bindings.items()},
        )
        results.serialize(format=QueryResultsFormat.JSON)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def sample_entities(store: Store) -> dict[str, list[dict[str, str]]]:
    rng = random.Random(7)
    speakers = sorted(
        {
            row["s"].value
            for row in store.query(
                f"SELECT DISTINCT ?s WHERE {{ ?x <{NG}speaker> ?s }}",
                use_default_graph_as_union=True,
            )
        }
    )
    pairs = sorted(
        {
            (row["a"].value, row["b"].value)
            for row in store.query(
                f"SELECT ?a ?b WHERE {{ ?e <{NG}sourceActor> ?a ; <{NG}targetActor> ?b }}",
                use_default_graph_as_union=True,
            )
        }
    )
    return {
        "statements_by_speaker": [{"speaker": s} for s in rng.sample(speakers, SAMPLE)],
        "events_between": [{"first": a, "second": b} for a, b in rng.sample(pairs, SAMPLE)],
        "actor_profile": [{"actor": s} for s in rng.sample(speakers, SAMPLE)],
    }


def test_per_entity_queries_answer_in_25_ms_and_aggregates_come_from_the_cache(
    served: Served, record
) -> None:
    catalog = queries.load()
    engine = served.engine()
    entities = sample_entities(engine)
    measure.wait_for_quiet()
    order = 6
    per_entity = {}
    for name, calls in entities.items():
        latencies = [served.canned(name, **params)[0] for params in calls]
        query = catalog[name]
        on_engine = [
            engine_ms(engine, query.text, 1, **{k: NamedNode(v) for k, v in params.items()})
            for params in calls
        ]
        median = statistics.median(latencies)
        per_entity[name] = {"latency_median": median}
        record(
            f"per_entity_{name}",
            order,
            f"{name}, median over {SAMPLE} entities (HTTP)",
            median,
            " ms",
            f"<= {PER_ENTITY_MS:.0f} ms",
            median <= PER_ENTITY_MS,
            f"p90 {statistics.quantiles(latencies, n=10)[-1]:.1f} ms, max {max(latencies):.1f} ms;"
            f" engine alone median {statistics.median(on_engine):.1f} ms",
            latencies_ms=[round(x, 2) for x in latencies],
            engine_ms=[round(x, 2) for x in on_engine],
        )
        order += 1

    before = aggregates(served, engine)
    ingest_s = served.ingest(20, first=1_000_000)
    after = aggregates(served, served.engine())
    repeated = max(max(before[n]["repeated_ms"], after[n]["repeated_ms"]) for n in AGGREGATES)
    record(
        "aggregates_repeated",
        9,
        "top_actors, top_speakers, timeline repeated, cached (slowest median)",
        repeated,
        " ms",
        f"<= {REPEATED_MS:.0f} ms",
        repeated <= REPEATED_MS,
        ", ".join(f"{n} {after[n]['repeated_ms']:.1f} ms" for n in AGGREGATES)
        + " (HTTP, between two ingests)",
        before=before,
        after=after,
        ingest_s=round(ingest_s, 2),
    )
    # No figure compares the first call after an ingest with the engine: the server reads a
    # result the ingest computed, the engine runs the query, and that is not like with like.
    # Its times stay in the JSON (figure 9's details), with the time the ingest took.
    for name in AGGREGATES:
        assert after[name]["correct"], f"{name} after the ingest differs from the engine's answer"
        assert after[name]["body"] != before[name]["body"], f"{name} did not see the ingest"
    slowest = max(figure["latency_median"] for figure in per_entity.values())
    assert slowest <= PER_ENTITY_MS, per_entity
    assert repeated <= REPEATED_MS


def aggregates(served: Served, engine: Store) -> dict[str, dict]:
    """First call, repeated calls and the engine's time for each aggregate on this snapshot."""
    catalog = queries.load()
    found = {}
    for name in AGGREGATES:
        first, body = served.canned(name)
        repeated = [served.canned(name)[0] for _ in range(20)]
        started = time.perf_counter()
        expected = engine.query(catalog[name].text, use_default_graph_as_union=True)
        cold = (time.perf_counter() - started) * 1000
        rows = json.loads(body)["results"]["bindings"]
        want = json.loads(expected.serialize(format=QueryResultsFormat.JSON))["results"]["bindings"]
        found[name] = {
            "first_ms": round(first, 2),
            "repeated_ms": round(statistics.median(repeated), 2),
            "engine_ms": round(engine_ms(engine, catalog[name].text), 2),
            "engine_first_ms": round(cold, 2),
            "rows": len(rows),
            "correct": rows == want,
            "body": hashlib.sha256(body).hexdigest()[:16],
        }
    return found


def load(
    port: int, accept: str, paths: list[str], requests: int = REQUESTS, seconds: float = SECONDS
) -> dict:
    script = str(measure.HERE / "load.py")
    command = [
        sys.executable,
        script,
        str(port),
        str(CONCURRENCY),
        str(requests),
        str(seconds),
        accept,
        *paths,
    ]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def test_http_serves_small_results_at_four_fifths_of_a_bare_asgi_app(
    served: Served, record, tmp_path: Path
) -> None:
    engine = served.engine()
    rarest = min(
        (
            row["s"].value
            for row in engine.query(
                f"SELECT ?s (COUNT(?x) AS ?n) WHERE {{ ?x <{NG}speaker> ?s }} GROUP BY ?s "
                "ORDER BY ?n ?s LIMIT 1",
                use_default_graph_as_union=True,
            )
        ),
    )

    def sparql(speaker: str, limit: int) -> str:
        text = (
            f"SELECT ?statement ?text WHERE {{ ?statement <{NG}speaker> <{speaker}> ; "
            f"<{SCHEMA}text> ?text }} LIMIT {limit}"
        )
        return "/sparql?" + urlencode({"query": text})

    def distinct(run: str, first: int) -> str:
        """A file of queries each asked once: the same small result, each time a new LIMIT."""
        path = tmp_path / f"{run}.txt"
        path.write_text(
            "\n".join(sparql(rarest, 1_000 + first + i) for i in range(REQUESTS)), encoding="utf-8"
        )
        return "@" + str(path)

    loads = {  # figure order, label, what the warm-up asks, what the measured run asks
        "sparql": (
            11,
            "/sparql, a repeated query, cached",
            sparql(rarest, 1000),
            sparql(rarest, 1000),
        ),
        "sparql_distinct": (
            12,
            "/sparql, every query new, uncached",
            distinct("warm", 0),
            distinct("measured", REQUESTS),
        ),
        "api": (
            13,
            "/api/queries/statements_by_speaker, cached",
            *["/api/queries/statements_by_speaker?" + urlencode({"speaker": rarest})] * 2,
        ),
    }
    snapshot = StoreFolder(served.folder).current()
    port = free_port()
    command = [sys.executable, str(measure.HERE / "bare_app.py"), str(snapshot), str(port)]
    bare = start(command, port, loads["sparql"][2], served.folder.parent / "bare.log")
    accept = "application/sparql-results+json"
    ratios = {}
    try:
        for name, (order, label, warm, measured) in loads.items():
            for target in (served.port, port):
                load(target, accept, [warm], requests=300, seconds=3)
            measure.wait_for_quiet()
            ours = load(served.port, accept, [measured])
            measure.wait_for_quiet()
            theirs = load(port, accept, [measured])
            assert ours["errors"] == 0 and theirs["errors"] == 0, (ours, theirs)
            ratios[name] = ratio = ours["rps"] / theirs["rps"]
            # A cached figure is answered from the per-snapshot result cache, which the bare
            # app does not have: it says so in its title. A query asked once pays the round trip
            # to a query worker (the price of a timeout that stops the work), and has a target
            # of its own.
            minimum = MIN_UNCACHED_RPS_RATIO if name == "sparql_distinct" else MIN_RPS_RATIO
            met = ratio >= minimum
            target = f">= {minimum:.1f}x of bare ASGI (no cache)"
            record(
                f"http_{name}",
                order,
                f"{label}, small result, concurrency {CONCURRENCY}",
                ratio,
                "x",
                target,
                met,
                f"{ours['rps']:.0f} vs {theirs['rps']:.0f} requests/s; p99 {ours['p99_ms']:.1f} "
                f"vs {theirs['p99_ms']:.1f} ms",
                newsgraph=ours,
                bare=theirs,
            )
    finally:
        stop(bare)
    assert ratios["sparql"] >= MIN_RPS_RATIO and ratios["api"] >= MIN_RPS_RATIO
    assert ratios["sparql_distinct"] >= MIN_UNCACHED_RPS_RATIO, ratios


def server_tree_rss(pid: int) -> int:
    process = psutil.Process(pid)
    return process.memory_info().rss + measure.children_rss(process)


def stream_csv(served: Served, rows: int) -> dict:
    """Rows of a CSV SELECT of `rows` rows, read as they come, with the server's peak memory."""
    query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}"
    peak, stop_sampling = [0], threading.Event()

    def sample() -> None:
        while not stop_sampling.is_set():
            peak[0] = max(peak[0], server_tree_rss(served.process.pid))
            stop_sampling.wait(0.02)

    before = server_tree_rss(served.process.pid)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    size = 0

    def lines(response: httpx.Response) -> Iterator[str]:
        nonlocal size
        rest = ""
        for text in response.iter_text():
            size += len(text)
            *whole, rest = (rest + text).split("\n")
            yield from (line + "\n" for line in whole)
        if rest:
            yield rest

    try:
        with served.client.stream(
            "GET", "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
        ) as response:
            response.raise_for_status()
            # csv, not a line count: an article's text is a literal with line breaks in it
            rows = sum(1 for _ in csv.reader(lines(response))) - 1
    finally:
        stop_sampling.set()
        sampler.join()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": round(time.perf_counter() - started, 2),
        "rss_before_mb": round(before / 2**20, 1),
        "peak_rss_mb": round(peak[0] / 2**20, 1),
    }


def test_a_million_row_csv_streams_with_flat_server_memory(served: Served, record) -> None:
    # Each query worker reads the whole store once first: Oxigraph's block cache then holds
    # what it will hold, and the comparison is of streaming alone, not of a cache warming up
    # in one of the two measured calls (which earlier tests may or may not have done).
    for _ in range(2):  # one call per worker: an idle worker goes to the back of the line
        stream_csv(served, LARGE_ROWS)
    measure.wait_for_quiet()
    small = stream_csv(served, SMALL_ROWS)
    large = stream_csv(served, LARGE_ROWS)
    assert small["rows"] == SMALL_ROWS and large["rows"] == LARGE_ROWS, (small, large)
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    record(
        "large_result_memory",
        14,
        f"server peak memory, {LARGE_ROWS:,} CSV rows over {SMALL_ROWS:,}",
        growth,
        "x",
        f"<= {MAX_MEMORY_GROWTH:.1f}x",
        growth <= MAX_MEMORY_GROWTH,
        f"{large['peak_rss_mb']:.0f} MB vs {small['peak_rss_mb']:.0f} MB (server and its query "
        f"workers); {large['bytes'] / 2**20:.0f} MB of CSV in {large['seconds']:.1f} s",
        small=small,
        large=large,
    )
    assert growth <= MAX_MEMORY_GROWTH
