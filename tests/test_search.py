"""Full-text search: the index the writer keeps beside the store, the API and the command."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fixtures import SAMPLE_DATA, ingest_into
from pyoxigraph import NamedNode

from newsgraph import search
from newsgraph.cli import main
from newsgraph.server.app import create_app
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

WHITE_HOUSE_ARTICLE = SAMPLE_DATA / "000_ee27ff7c3978a191.txt"


def index_matches_store(folder: Path) -> dict[str, list[search.Entry]]:
    """What the index holds, after checking it is exactly what the store holds."""
    with StoreFolder(folder).writer() as writer:
        expected = search.entries_from_store(writer.store)
        held = writer.search.articles()
        assert not writer.search.pending()
    assert held == expected
    return held


@pytest.fixture()
def store_copy(ingested_store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(ingested_store, target)
    return target


def test_ingest_indexes_every_statement_and_event_as_the_store_holds_them(
    ingested_store: Path, tmp_path: Path
) -> None:
    held = index_matches_store(shutil.copytree(ingested_store, tmp_path / "store"))
    entries = [entry for found in held.values() for entry in found]
    assert len(held) == 2
    assert {entry.kind for entry in entries} == {"statement", "event"}
    assert any(entry.text == "video call" and "Xi Jinping" in entry.who for entry in entries)


def test_reingest_replaces_an_articles_entries_and_a_deleted_article_leaves_the_index(
    store_copy: Path, settings: Settings
) -> None:
    before = index_matches_store(store_copy)
    ingest_into(store_copy, [str(WHITE_HOUSE_ARTICLE)], settings)
    assert index_matches_store(store_copy) == before
    index = search.SearchIndex(StoreFolder(store_copy).search_index, read_only=True)
    gone = index.search('"White House"', "statement").hits[0].article
    index.close()
    with StoreFolder(store_copy).writer() as writer:
        writer.update(f"DROP GRAPH {NamedNode(gone)}")
    after = index_matches_store(store_copy)
    assert gone not in after and len(after) == 1


KILLED_WRITER = """
import os, signal, sys
from newsgraph import search
from newsgraph.store import StoreFolder
with StoreFolder(sys.argv[1]).writer() as writer:
    # Journaled in the index, then killed before the store has the graph.
    writer.search.put(sys.argv[2], [search.Entry(sys.argv[2] + "/x", "statement", "zebra", "")])
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("article", ["stored", "new"])
def test_a_writer_killed_between_index_and_store_is_repaired_by_the_next_writer(
    store_copy: Path, article: str
) -> None:
    held = index_matches_store(store_copy)
    iri = sorted(held)[0] if article == "stored" else "https://newsgraph.example/id/article/new"
    process = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(store_copy), iri])
    assert process.returncode == -signal.SIGKILL
    index = search.SearchIndex(StoreFolder(store_copy).search_index, read_only=True)
    assert index.search("zebra").total == 1  # what the killed writer left
    index.close()
    assert index_matches_store(store_copy) == held


def test_rebuild_from_the_store_gives_the_same_index(store_copy: Path) -> None:
    held = index_matches_store(store_copy)
    os.remove(StoreFolder(store_copy).search_index)
    result = CliRunner().invoke(main, ["search", "--store", str(store_copy), "--rebuild"])
    assert result.exit_code == 0, result.output
    assert index_matches_store(store_copy) == held


def test_search_ranks_hits_and_pages_them(ingested_store: Path) -> None:
    index = search.SearchIndex(StoreFolder(ingested_store).search_index, read_only=True)
    found = index.search("sanctions")
    assert found.total >= 2 and [hit.score for hit in found.hits] == sorted(
        hit.score for hit in found.hits
    )
    assert all("sanctions" in hit.snippet.lower() for hit in found.hits)
    assert "<mark>sanctions</mark>" in found.hits[0].snippet_html
    events = index.search("sanctions", "event")
    assert events.hits and {hit.kind for hit in events.hits} == {"event"}
    second = index.search("sanctions", limit=1, offset=1)
    assert second.hits == found.hits[1:2]
    index.close()


@pytest.fixture()
def client(ingested_store: Path, settings: Settings):  # noqa: ANN201
    app = create_app(settings.replace(store=str(ingested_store)))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    async with client:
        return await client.get(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/search", "'q' is missing"),
        ("/api/search?q=", "q is empty"),
        ("/api/search?q=Biden-Xi", "not a valid search"),
        ('/api/search?q="open', "not a valid search"),
        ("/api/search?q=call&kind=speech", "statement, event"),
        ("/api/search?q=call&limit=0", "between 1 and"),
        ("/api/search?q=call&limit=ten", "not a non-negative integer"),
        ("/api/search?q=call&limit=%C2%B2", "not a non-negative integer"),  # '²'
        ("/api/search?q=call&offset=99999999999999999999", "larger than SQLite's integers"),
        ("/api/search?q=call&page=2", "unknown parameter"),
    ],
)
def test_search_api_answers_bad_input_with_a_400_naming_the_problem(
    client: httpx.AsyncClient, url: str, message: str
) -> None:
    import asyncio

    response = asyncio.run(get(client, url))
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


def test_search_api_returns_ranked_hits_with_iri_article_and_snippet(
    client: httpx.AsyncClient,
) -> None:
    import asyncio

    response = asyncio.run(get(client, "/api/search?q=video%20call&kind=event"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] >= 1 and body["kind"] == "event"
    hit = body["hits"][0]
    assert hit["text"] == "video call" and hit["iri"].startswith(hit["article"] + "/event/")
    assert "<mark>video</mark>" in hit["snippet_html"]


def test_search_command_prints_hits(ingested_store: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "--store", str(ingested_store), "sanctions", "--kind", "event"]
    )
    assert result.exit_code == 0, result.output
    assert "sanctions" in result.output and "/event/" in result.output
    bad = CliRunner().invoke(main, ["search", "--store", str(ingested_store), '"open'])
    assert bad.exit_code == 1 and "not a valid search" in bad.output
