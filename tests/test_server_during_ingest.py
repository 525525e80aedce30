"""The server keeps answering, and sees only whole articles, while `newsgraph ingest` writes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from fixtures import free_port, start_server
from test_interrupted_ingest import corpus

from newsgraph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
WHOLE = """
SELECT (COUNT(DISTINCT ?article) AS ?articles) (COUNT(DISTINCT ?partial) AS ?partial) WHERE {
  ?article a ng:Article .
  OPTIONAL {
    # an article of the corpus always has statements: one without is half-written
    BIND (?article AS ?partial)
    FILTER NOT EXISTS { GRAPH ?article { ?statement a ng:Statement } }
  }
}
"""


def test_queries_answer_and_see_whole_articles_while_an_ingest_runs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = subprocess.run(
        [sys.executable, "-m", "newsgraph", "ingest", str(ROOT / "data"), "--store", str(store)],
        capture_output=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    settings = Settings().replace(store=str(store), port=free_port())
    server = start_server("during-ingest", settings, tmp_path)
    try:
        server.wait_until_healthy(time.monotonic() + 60)
        texts = corpus(tmp_path / "corpus", 150)
        ingest = subprocess.Popen(
            [sys.executable, "-m", "newsgraph", "ingest", str(texts), "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seen: list[int] = []
        accept = {"Accept": "application/sparql-results+json"}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = ingest.poll() is not None
            response = httpx.get(server.sparql, params={"query": WHOLE}, headers=accept, timeout=60)
            assert response.status_code == 200, response.text
            row = response.json()["results"]["bindings"][0]
            assert row["partial"]["value"] == "0"
            seen.append(int(row["articles"]["value"]))
            if done and seen[-1] == 152:
                break
            time.sleep(0.2)
        assert ingest.wait(timeout=60) == 0, ingest.stderr.read() if ingest.stderr else ""
        assert seen == sorted(seen), "the article count went backwards"
        assert seen[0] >= 2 and seen[-1] == 152
        assert len(seen) > 5, "the server answered too few queries while ingest ran"
    finally:
        server.stop()
