"""`--workers 2`: a pool of worker processes gives the very graph one process gives, reports a
bad input by name and goes on, and stops with a clear error when a worker dies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_DATA, ingest_into

from newsgraph.errors import InputError, NewsgraphError
from newsgraph.ingest import articles
from newsgraph.ingest.workers import Pool
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder


def test_two_workers_store_the_same_graph_as_one(tmp_path: Path, settings: Settings) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for article in sorted(SAMPLE_DATA.glob("*.txt")):
        shutil.copy(article, inputs / article.name)
        # A second copy under another name and with its own last line: another article.
        text = article.read_text(encoding="utf-8") + "\nA line of its own for this copy.\n"
        (inputs / f"copy_{article.name}").write_text(text, encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")

    graphs = {}
    for workers in (1, 2):
        folder = tmp_path / f"store-{workers}"
        # Batches of one article, so that both workers get some of them.
        summary = ingest_into(folder, [str(inputs)], settings, workers=workers, batch_size=1)
        assert summary.articles == 4, summary
        assert [error.source for error in summary.skipped] == [str(inputs / "empty.txt")]
        graphs[workers] = sorted(map(str, StoreFolder(folder).reader()))
    assert len(graphs[1]) > 3000
    assert graphs[2] == graphs[1]


def test_a_worker_that_dies_stops_the_run_with_an_error_naming_it(settings: Settings) -> None:
    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    inputs = [
        articles.from_text(f"{text}\nCopy {number}.\n", f"copy-{number}") for number in range(10)
    ]
    pool = Pool(settings.replace(workers=2, batch_size=1))
    try:
        results = pool.map(iter(inputs))
        assert not isinstance(next(results), InputError)
        # At most four of the ten articles are given out yet, so the worker has work left.
        pool.processes[1].kill()
        with pytest.raises(NewsgraphError, match=r"ingest worker 1 stopped \(exit code -9\)"):
            list(results)
    finally:
        pool.close()
