"""An ingest killed mid-run leaves every article whole or absent; a rerun completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsgraph import search
from newsgraph.store import StoreFolder

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "tests" / "articles").glob("*.txt"))
COUNTS = """
PREFIX ng: <https://w3id.org/newsgraph/ontology#>
SELECT ?article (COUNT(DISTINCT ?statement) AS ?statements) (COUNT(DISTINCT ?event) AS ?events)
WHERE {
  GRAPH ?article {
    ?article a ng:Article ; <http://schema.org/sha256> ?hash .
    OPTIONAL { ?statement a ng:Statement }
    OPTIONAL { ?event a ng:Event }
  }
} GROUP BY ?article
"""


def corpus(folder: Path, copies: int) -> Path:
    folder.mkdir()
    for number in range(copies):
        source = ARTICLES[number % len(ARTICLES)]
        text = source.read_text(encoding="utf-8")
        (folder / f"{number:04d}-{source.name}").write_text(
            f"{text}\n\nCopy {number}.\n", encoding="utf-8"
        )
    return folder


def ingest(paths: list[str], store: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsgraph", "ingest", *paths, "--store", str(store)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def counts(store: Path) -> dict[str, tuple[int, int]]:
    rows = StoreFolder(store).reader().query(COUNTS)
    return {
        row["article"].value: (int(row["statements"].value), int(row["events"].value))
        for row in rows
    }


def test_a_killed_ingest_leaves_whole_articles_and_a_rerun_completes_the_store(
    tmp_path: Path,
) -> None:
    texts = corpus(tmp_path / "corpus", 120)
    reference = tmp_path / "reference"
    started = time.monotonic()
    assert ingest([str(texts)], reference).wait(timeout=300) == 0
    duration = time.monotonic() - started
    expected = counts(reference)
    assert len(expected) == 120

    store = tmp_path / "store"
    process = ingest([str(texts)], store)
    # Kill it about two thirds of the way through: some articles stored, many not.
    time.sleep(duration * 0.65)
    assert process.poll() is None, "the ingest finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    # Readers see only published snapshots; open the primary itself, as the next writer will.
    with StoreFolder(store).writer() as writer:
        # The search index, repaired by the writer, holds what the store holds.
        assert writer.search.articles() == search.entries_from_store(writer.store)
    partial = counts(store)
    assert 0 < len(partial) < 120
    for article, figures in partial.items():
        assert figures == expected[article], f"{article} is stored partly: {figures}"

    assert ingest([str(texts)], store).wait(timeout=300) == 0
    assert counts(store) == expected
