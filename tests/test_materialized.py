"""Materialized results: a writer's final publish answers the corpus-wide canned queries, and
the server answers their default call from those files instead of the engine."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from pyoxigraph import QueryResultsFormat
from test_server_support import build_sample_store, free_port, start_server

from newsgraph import materialized, queries
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

MATERIALIZED = sorted(name for name, query in queries.load().items() if query.materialized)


def test_the_corpus_wide_queries_are_the_materialized_ones() -> None:
    assert MATERIALIZED == ["timeline", "top_actors", "top_speakers"]


def test_a_writer_materializes_what_the_engine_answers_on_its_snapshot(tmp_path: Path) -> None:
    folder = StoreFolder(build_sample_store(tmp_path / "store"))
    snapshot = folder.current()
    assert snapshot is not None
    reader = folder.reader()
    catalog = queries.load()
    for name in MATERIALIZED:
        found = materialized.read(snapshot, name)
        assert found is not None, name
        expected = queries.run(reader, catalog[name]).serialize(format=QueryResultsFormat.JSON)
        assert found.body == expected
        assert found.rows == len(json.loads(expected)["results"]["bindings"])
    assert materialized.read(snapshot, "statements_by_speaker") is None
    assert any(materialized.read(snapshot, name).rows for name in MATERIALIZED)


def test_snapshots_published_while_a_writer_runs_have_none(tmp_path: Path) -> None:
    folder = StoreFolder(tmp_path / "store")
    with folder.writer() as writer:
        writer.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }")
        interim = writer.publish()
        assert interim is not None and materialized.read(interim, "top_actors") is None
    final = folder.current()
    assert final is not None and final != interim
    assert materialized.read(final, "top_actors") is not None


def test_a_materialized_query_cannot_need_a_parameter() -> None:
    text = "# title: t\n# description: d\n# param: who iri\n# materialize: yes\nSELECT * {}"
    with pytest.raises(ValueError, match="materialized"):
        queries.parse("bad", text)
    with pytest.raises(ValueError, match="yes or no"):
        queries.parse("bad", "# title: t\n# description: d\n# materialize: maybe\nASK {}")


def test_the_server_answers_the_default_call_from_the_materialized_file(tmp_path: Path) -> None:
    folder = StoreFolder(build_sample_store(tmp_path / "store"))
    snapshot = folder.current()
    assert snapshot is not None
    # Overwrite the file with a result the engine would never give: only a server that reads
    # the file can answer it.
    marker = {
        "head": {"vars": ["actor"]},
        "results": {"bindings": [{"actor": {"type": "uri", "value": "urn:test:file"}}]},
    }
    target = materialized.folder(snapshot)
    (target / "top_speakers.srj").write_text(json.dumps(marker), encoding="utf-8")
    index = json.loads((target / materialized.INDEX).read_text(encoding="utf-8"))
    index["top_speakers"]["rows"] = 1
    (target / materialized.INDEX).write_text(json.dumps(index), encoding="utf-8")

    settings = Settings(store=str(folder.path), host="127.0.0.1", port=free_port())
    server = start_server("materialized", settings, tmp_path)
    try:
        server.wait_until_healthy(time.monotonic() + 60)
        url = server.url + "/api/queries/top_speakers"
        assert httpx.get(url).json() == marker
        rows = httpx.get(url, params={"format": "rows"}).json()  # not materialized: the engine
        assert rows and all(row["speaker"] != "urn:test:file" for row in rows)
        # A cap below the materialized rows sends the call to the engine too.
        capped = httpx.get(url, params={"limit": "0"}).json()
        assert capped["results"]["bindings"] == []
    finally:
        server.stop()


def test_a_snapshot_is_published_even_when_materializing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = StoreFolder(tmp_path / "store")
    folder.snapshots.mkdir(parents=True)
    # A file where the materialized folder of every new snapshot would go cannot be written
    # into: only the shortcut is lost, never the snapshot.
    blocker = folder.snapshots / "blocked"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(materialized, "folder", lambda snapshot: blocker)
    with folder.writer() as writer:
        writer.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }")
    monkeypatch.undo()
    snapshot = folder.current()
    assert snapshot is not None and len(folder.reader()) == 1
    assert materialized.read(snapshot, "top_actors") is None
