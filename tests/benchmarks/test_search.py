"""Figures 15 to 17: full-text search and stories on the generated graph of a million quads.

The store is written as ingest writes it (LocalWriter: the search index journaled beside each
article, the stories computed as the writer finishes), so the index and the stories are the
ones a real ingest of this graph leaves.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import generated
import pytest
from pyoxigraph import NamedNode

from newsgraph import search, stories
from newsgraph.ontology import Minter
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

QUADS = 1_050_000
RUNS = 51
RARE_MS = 5.0
# A word of one statement or event in a few (an unpopular actor's number: the generated names
# are "Ana Abara-1234"), and one of every generated statement.
RARE, COMMON = "19997", "working"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, float]]:
    folder = tmp_path_factory.mktemp("search") / "store"
    actors = Minter(Settings().base).actors_graph()
    started = time.perf_counter()
    with StoreFolder(folder).writer() as writer:
        for graph in generated.graphs(QUADS, Settings().base):
            writer.write_article(
                NamedNode(graph.article), graph.triples, actors, graph.actor_triples, graph.derived
            )
    yield folder, time.perf_counter() - started


def median_ms(index: search.SearchIndex, words: str) -> tuple[float, int]:
    times = []
    total = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        total = index.search(words, limit=20).total
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), total


def test_search_median_for_a_rare_and_a_common_term(store, record) -> None:  # noqa: ANN001
    folder, _ = store
    quads = len(StoreFolder(folder).reader())
    assert quads >= 1_000_000
    index = search.SearchIndex(StoreFolder(folder).search_index, read_only=True)
    entries = index.db.execute("SELECT count(*) FROM entry").fetchone()[0]
    rare, rare_hits = median_ms(index, RARE)
    common, common_hits = median_ms(index, COMMON)
    index.close()
    assert 0 < rare_hits < 20 and common_hits > 1000
    record(
        "search_rare",
        15,
        "full-text search, a rare term, median",
        rare,
        " ms",
        f"<= {RARE_MS:g} ms",
        rare <= RARE_MS,
        f"{rare_hits} hits of {entries} entries ({quads / 1e6:.2f} M quads); {RUNS} runs, "
        "20 hits and the total count each",
    )
    record(
        "search_common",
        16,
        "full-text search, a common term, median",
        common,
        " ms",
        "reported",
        None,
        f"{common_hits} hits ranked by bm25 for the best 20, and counted; {RUNS} runs",
    )


def test_stories_kept_up_on_a_million_quads(store, record) -> None:  # noqa: ANN001
    folder, build_seconds = store
    actors = Minter(Settings().base).actors_graph()
    with StoreFolder(folder).writer() as writer:
        for graph in itertools.islice(generated.graphs(10**12, Settings().base, 500_000), 20):
            writer.write_article(
                NamedNode(graph.article), graph.triples, actors, graph.actor_triples, graph.derived
            )
        writer.flush_bulk()
        started = time.perf_counter()
        writer.finish()  # the stories the 20 articles change
        incremental = time.perf_counter() - started
        started = time.perf_counter()
        change = stories.refresh(stories.LocalGraphs(writer.store))
        full = time.perf_counter() - started
    assert change.added == change.removed == 0  # kept up article by article = from scratch
    record(
        "stories_incremental",
        17,
        "stories updated at the end of an ingest of 20 articles, 1 M quads",
        incremental,
        " s",
        "reported",
        None,
        f"all {change.stories} stories computed from scratch: {full:.1f} s; writing the whole "
        f"store, search index and stories included, took {build_seconds:.0f} s",
    )
