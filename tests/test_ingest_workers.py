"""`--workers 2`: a pool of worker processes gives the very graph one process gives, reports a
bad input by name and goes on, and when a worker dies loses at most the article it was on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psutil
from fixtures import SAMPLE_DATA, ingest_into

from newsgraph import search
from newsgraph.errors import InputError
from newsgraph.ingest import articles, pipeline
from newsgraph.ingest.workers import Pool
from newsgraph.settings import Settings
from newsgraph.store import LocalWriter, StoreFolder, Writer


def test_two_workers_store_the_same_graph_as_one(tmp_path: Path, settings: Settings) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for article in sorted(SAMPLE_DATA.glob("*.txt")):
        shutil.copy(article, inputs / article.name)
        # A second copy under another name and with its own last line: another article.
        text = article.read_text(encoding="utf-8") + "\nA line of its own for this copy.\n"
        (inputs / f"copy_{article.name}").write_text(text, encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")

    graphs, indexed = {}, {}
    for workers in (1, 2):
        folder = tmp_path / f"store-{workers}"
        # Batches of one article, so that both workers get some of them.
        summary = ingest_into(folder, [str(inputs)], settings, workers=workers, batch_size=1)
        assert summary.articles == 4, summary
        assert [error.source for error in summary.skipped] == [str(inputs / "empty.txt")]
        graphs[workers] = sorted(map(str, StoreFolder(folder).reader()))
        # The workers derive the search entries and story reports the storing process writes.
        with StoreFolder(folder).writer() as writer:
            indexed[workers] = writer.search.articles()
            assert indexed[workers] == search.entries_from_store(writer.store)
    assert len(graphs[1]) > 3000
    assert graphs[2] == graphs[1]  # the stories graph included
    assert len(indexed[1]) == 4
    assert indexed[2] == indexed[1]


def ten_articles() -> list[articles.Article]:
    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    return [
        articles.from_text(f"{text}\nCopy {number}.\n", f"copy-{number}") for number in range(10)
    ]


def test_a_worker_killed_mid_article_loses_nothing_its_articles_go_to_a_new_one(
    settings: Settings,
) -> None:
    pool = Pool(settings.replace(workers=2, batch_size=1))
    try:
        results = pool.map(iter(ten_articles()))
        assert not isinstance(next(results), InputError)
        # At most four of the ten articles are given out yet, so the worker has work in hand.
        killed = pool.processes[1]
        killed.kill()
        rest = list(results)
        assert pool.processes[1] is not killed  # replaced
    finally:
        pool.close()
    assert len(rest) == 9
    assert not [result for result in rest if isinstance(result, InputError)]


def test_an_article_on_two_workers_that_die_is_reported_and_the_other_nine_come_back(
    settings: Settings,
) -> None:
    """The article a second worker dies on is given up, by name; the batch goes on."""
    pool = Pool(settings.replace(workers=2, batch_size=1))
    replacement_killed = threading.Event()

    def kill_the_replacement(first: object) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            process = pool.processes[1]
            if process is not first and process.pid is not None:
                process.kill()  # it was given its one article before it was started
                replacement_killed.set()
                return
            time.sleep(0.005)

    try:
        results = pool.map(iter(ten_articles()))
        assert not isinstance(next(results), InputError)
        first = pool.processes[1]
        killer = threading.Thread(target=kill_the_replacement, args=(first,), daemon=True)
        killer.start()
        first.kill()
        rest = list(results)
        killer.join()
    finally:
        pool.close()
    assert replacement_killed.is_set()
    errors = [result for result in rest if isinstance(result, InputError)]
    assert len(rest) == 9 and len(errors) == 1, rest
    assert errors[0].source.startswith("copy-") and "died twice" in errors[0].reason


def is_forked(process: psutil.Process) -> bool:
    """Whether a process is ingest's forkserver or one of the workers forked from it."""
    try:
        return "multiprocessing.forkserver" in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False


def forked_workers() -> list[psutil.Process]:
    """This process's ingest workers: the children of the forkserver they are forked from."""
    servers = [child for child in psutil.Process().children() if is_forked(child)]
    return [worker for server in servers for worker in server.children()]


def test_a_worker_killed_during_ingest_leaves_every_article_stored(
    tmp_path: Path, settings: Settings
) -> None:
    """`--workers 2` through the real pipeline into a real store, a worker killed mid-batch."""
    inputs = ten_articles()
    killed: list[int] = []

    def articles_killing_a_worker_at_the_fifth() -> Iterator[articles.Article]:
        for number, article in enumerate(inputs):
            if number == 5:
                workers = forked_workers()
                workers[0].kill()
                killed.append(workers[0].pid)
            yield article

    stores = {}
    for workers, items in ((2, articles_killing_a_worker_at_the_fifth()), (1, iter(inputs))):
        folder = tmp_path / f"store-{workers}"
        run = settings.replace(store=str(folder), workers=workers, batch_size=1)
        with StoreFolder(folder).writer() as writer:
            summary = pipeline.ingest_articles(items, writer, run)
        assert summary.articles == 10 and not summary.skipped, summary
        stores[workers] = sorted(map(str, StoreFolder(folder).reader()))
    assert len(killed) == 1
    assert stores[2] == stores[1]


class IdleCalls:
    """A store folder's writer that notes, at each chance it is given to load early, whether
    every input had been read by then, and the least it was to load."""

    def __init__(self, writer: LocalWriter, all_read: list[bool]) -> None:
        self.writer, self.all_read = writer, all_read
        self.calls: list[tuple[bool, int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.writer, name)

    def idle(self, min_quads: int = 0) -> None:
        self.calls.append((self.all_read[0], min_quads))
        self.writer.idle(min_quads)


def test_with_workers_the_writer_loads_early_only_once_every_article_is_read(
    tmp_path: Path, settings: Settings
) -> None:
    """Until every article is read, an early load takes CPU from the workers; after that, it
    shortens the wait at the end. Its least size is the workers' own: each load costs RocksDB
    compaction on CPU the workers would use."""
    all_read = [False]

    def inputs() -> Iterator[articles.Article]:
        yield from ten_articles()
        all_read[0] = True

    with StoreFolder(tmp_path / "store").writer() as writer:
        recording = IdleCalls(writer, all_read)
        run = settings.replace(workers=2, batch_size=2)
        summary = pipeline.ingest_articles(inputs(), cast(Writer, recording), run)
    assert summary.articles == 10
    assert recording.calls, recording.calls
    assert set(recording.calls) == {(True, pipeline.WORKERS_IDLE_QUADS)}, recording.calls


def test_workers_waiting_for_articles_stop_when_the_ingest_is_killed(tmp_path: Path) -> None:
    """A worker's parent is the forkserver, not the ingest: it must see the ingest go itself."""
    command = [sys.executable, "-m", "newsgraph", "ingest", "-", "--store", str(tmp_path / "s")]
    command += ["--workers", "2", "--batch-size", "1"]
    ingest = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert ingest.stdin is not None
    line = json.dumps({"text": "Biden said on Monday that talks would go on."}) + "\n"
    ingest.stdin.write(line.encode())
    ingest.stdin.flush()  # and left open: the workers wait for more
    parent = psutil.Process(ingest.pid)
    deadline = time.monotonic() + 60
    family: list[psutil.Process] = []
    while len(family) < 3 and time.monotonic() < deadline:  # the forkserver and two workers
        family = [process for process in parent.children(recursive=True) if is_forked(process)]
        time.sleep(0.2)
    assert len(family) == 3, family
    time.sleep(2)  # the article parsed, both workers idle
    ingest.kill()
    ingest.wait()
    _, alive = psutil.wait_procs(family, timeout=15)
    assert alive == [], f"left running after the ingest was killed: {alive}"
