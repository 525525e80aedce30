"""The store folder's writer: when articles reach the database, and what snapshots show."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, Store

from newsgraph.store import LocalWriter, StoreFolder

ACTORS = NamedNode("urn:actors")


def write(writer: LocalWriter, article: str) -> None:
    writer.write_article(
        NamedNode(article), f"<{article}> <urn:p> <urn:o> .\n".encode(), ACTORS, b""
    )


def articles_in(snapshot: Path | None) -> set[str]:
    assert snapshot is not None
    store = Store.read_only(str(snapshot))
    return {graph.value for graph in store.named_graphs() if graph != ACTORS}


def test_a_publish_while_an_ingest_runs_shows_what_is_loaded_and_loads_nothing(
    tmp_path: Path,
) -> None:
    """A periodic publish makes no bulk load of its own: each load adds to RocksDB's compaction
    work. Nor does it publish the same snapshot again. A publish without `every` (the writer's
    last) loads what waits first."""
    with StoreFolder(tmp_path / "store").writer() as writer:
        write(writer, "urn:a")
        writer.flush_bulk()
        write(writer, "urn:b")  # waits in the chunk
        assert articles_in(writer.publish(every=1e-9)) == {"urn:a"}
        assert writer.publish(every=1e-9) is None  # nothing loaded since
        assert articles_in(writer.publish()) == {"urn:a", "urn:b"}
