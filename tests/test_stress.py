"""Fault injection and soak, for `make stress`: `kill -9` at random points of an ingest, and
queries from several clients while an ingest writes, with no failed request.

The short versions run in `make test`: tests/test_interrupted_ingest.py (one kill) and
tests/test_server_during_ingest.py (queries during one ingest). The random points here come
from a printed seed (NEWSGRAPH_STRESS_SEED). The kills alternate between one and two workers.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import psutil
import pytest
from fixtures import free_port, start_server
from test_interrupted_ingest import corpus

from newsgraph.ontology import Minter
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

ROOT = Path(__file__).resolve().parent.parent
SEED = int(os.environ.get("NEWSGRAPH_STRESS_SEED", "1303"))


# spaCy batches of a few articles, so that articles reach the store all through a run rather
# than a whole default batch at a time: a random point then falls among writes, not before them.
KILL_BATCH = 4


def ingest(
    texts: Path, store: Path, workers: int = 1, batch_size: int | None = None
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsgraph", "ingest", str(texts), "--store", str(store)]
    command += ["--workers", str(workers)]
    if batch_size is not None:
        command += ["--batch-size", str(batch_size)]
    # Nothing is read from stderr while it runs (a killed run's orphaned workers write their
    # tracebacks there as they stop): a file, never a pipe that could fill.
    log = tempfile.TemporaryFile()
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)


def graphs(store: Path) -> dict[str, set[str]]:
    """Every graph's quads as N-Quads lines, the primary opened as the next writer would."""
    with StoreFolder(store).writer() as writer:
        found: dict[str, set[str]] = defaultdict(set)
        for quad in writer.store:
            found[str(quad.graph_name)].add(str(quad))
    return dict(found)


def orphan_workers(since: float) -> list[psutil.Process]:
    """Ingest worker processes left behind by a killed parent."""
    left = []
    for process in psutil.process_iter(["cmdline", "create_time", "ppid"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        # The workers and the forkserver they are forked from (newsgraph.ingest.workers).
        if (
            "multiprocessing.forkserver" in cmdline
            and process.info["create_time"] >= since
            and process.info["ppid"] in (0, 1)
        ):
            left.append(process)
    return left


def kill_runs(tmp_path: Path, kills: int, copies: int) -> list[tuple[float, int, int]]:
    """`kills` ingests of one corpus into one store, each killed at a random point; after each,
    every stored article graph is the clean ingest's quad for quad. Returns, per run, the
    second it was killed at, the workers it had and the articles then stored."""
    texts = corpus(tmp_path / "corpus", copies)
    reference_store = tmp_path / "reference"
    started = time.monotonic()
    clean = ingest(texts, reference_store, batch_size=KILL_BATCH)
    assert clean.wait(timeout=600) == 0
    duration = time.monotonic() - started
    reference = graphs(reference_store)
    minter = Minter(Settings().base)
    actors_graph = str(minter.actors_graph())
    # The stories are computed from the stored articles at the end of an ingest: a killed one
    # may leave them as the previous ingest did, and the next ingest brings them up to date.
    stories_graph = str(minter.stories_graph())
    articles = {name for name in reference if name not in (actors_graph, stories_graph)}
    assert len(articles) == copies

    rng = random.Random(SEED)
    print(f"\nkill -9 runs: seed {SEED}, a clean ingest takes {duration:.1f} s")
    store = tmp_path / "store"
    runs = []
    since = time.time()
    for run in range(kills):
        workers = 2 - run % 2
        at = rng.uniform(0.3, duration * 0.95)
        process = ingest(texts, store, workers, KILL_BATCH)
        time.sleep(at)
        if process.poll() is not None:
            assert process.returncode == 0  # finished first: nothing to kill this time
        else:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        stored = graphs(store)
        for name, quads in stored.items():
            if name == actors_graph:
                assert quads <= reference[actors_graph], f"run {run}: actors not in the clean run"
            elif name != stories_graph:
                assert name in articles, f"run {run}: {name} is not an article of the corpus"
                assert quads == reference[name], f"run {run}: {name} is stored partly"
        runs.append((at, workers, len(set(stored) & articles)))
        print(f"  run {run + 1:2d}: killed at {at:5.1f} s, {workers} workers, "
              f"{runs[-1][2]:3d}/{copies} articles stored, each whole")  # fmt: skip
    final = ingest(texts, store, 2, KILL_BATCH)
    assert final.wait(timeout=600) == 0
    assert graphs(store) == reference
    deadline = time.monotonic() + 15
    while orphan_workers(since) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not orphan_workers(since), "a killed ingest left worker processes running"
    return runs


@pytest.mark.stress
def test_twenty_kill_9s_at_random_points_leave_whole_articles_and_the_next_ingest_completes(
    tmp_path: Path,
) -> None:
    runs = kill_runs(tmp_path, kills=20, copies=80)
    stored = [count for _, _, count in runs]
    # The random points fall before, during and (rarely) after the writes.
    assert min(stored) < max(stored)


QUERIES = [
    ("/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
    ("/sparql", {"query": "SELECT ?a ?t WHERE { ?a a ng:Article ; schema:headline ?t } LIMIT 20"}),
    ("/sparql", {"query": "CONSTRUCT { ?s ng:speaker ?w } WHERE { ?s ng:speaker ?w } LIMIT 50"}),
    ("/api/queries/statements", {"limit": "20"}),
    ("/api/queries/top_actors", {"format": "rows"}),
    ("/api/queries/articles", {}),
    ("/health", {}),
]


def query_while_ingesting(tmp_path: Path, seconds: float, clients: int) -> Counter[str]:
    """`clients` threads query the server for `seconds` while ingests write the store without
    pause; every answer must be a success. Returns the count of answers by status."""
    store = tmp_path / "store"
    first = subprocess.run(
        [sys.executable, "-m", "newsgraph", "ingest", str(ROOT / "data"), "--store", str(store)],
        capture_output=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    texts = corpus(tmp_path / "corpus", 40)
    server = start_server("soak", Settings().replace(store=str(store), port=free_port()), tmp_path)
    answers: Counter[str] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def client(number: int) -> None:
        rng = random.Random(SEED + number)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            while not stop.is_set():
                path, params = rng.choice(QUERIES)
                try:
                    response = http.get(path, params=params)
                except httpx.HTTPError as error:
                    failures.append(f"{path} {params}: {error!r}")
                    continue
                answers[str(response.status_code)] += 1
                if response.status_code != 200:
                    failures.append(f"{path} {params}: {response.status_code} {response.text}")

    try:
        server.wait_until_healthy(time.monotonic() + 60)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        ingests = 0
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < seconds:
            process = ingest(texts, store)
            while process.poll() is None and time.monotonic() - started < seconds:
                time.sleep(0.2)
            if process.poll() is None:
                process.terminate()  # the time is up: stop it as a user would, with SIGTERM
            process.wait(timeout=60)
            ingests += 1
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        stop.set()
        server.stop()
    print(f"\n{sum(answers.values())} requests in {seconds:.0f} s from {clients} clients "
          f"during {ingests} ingests: {dict(answers)}")  # fmt: skip
    assert not failures, failures[:5]
    assert sum(answers.values()) > seconds  # at least one answer a second
    return answers


@pytest.mark.stress
def test_queries_during_ingest_for_sixty_seconds_never_fail(tmp_path: Path) -> None:
    query_while_ingesting(tmp_path, seconds=60, clients=4)
