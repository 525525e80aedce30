"""The store folder: one primary Oxigraph database and the read-only snapshots served from it.

Layout of a store folder:
    primary/        the RocksDB database that `newsgraph ingest` writes (one writer at a time)
    snapshots/N/    consistent checkpoints of primary (hard links, so cheap), never written again
    CURRENT         the name of the newest snapshot

Writers hold primary; readers (the server, `newsgraph query`) open the newest snapshot read-only.
A snapshot is static, so any number of processes may open it while ingest goes on: this is
what lets the server run each query in a process it can kill on timeout, and what makes a query
see every article whole. A writer publishes a new snapshot when it finishes and every few
seconds while it runs.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import httpx
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse_query_results,
    serialize,
)

from newsgraph.errors import NewsgraphError, StoreBusy

# A superseded snapshot is deleted once no query can still be reading it.
SNAPSHOT_GRACE_SECONDS = 300.0


def sparql_file(name: str) -> str:
    """The text of one of the store's own SPARQL files."""
    return resources.files("newsgraph").joinpath("sparql", name).read_text(encoding="utf-8")


def ntriples(triples: Iterable[Triple]) -> str:
    return serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8")


def replace_article_update(
    article: NamedNode,
    article_triples: Iterable[Triple],
    actors_graph: NamedNode,
    actor_triples: Iterable[Triple],
    former_actors: Iterable[NamedNode],
) -> str:
    """The SPARQL Update that atomically replaces one article graph and collects orphaned actors."""
    slots = {
        "%%ARTICLE%%": str(article),
        "%%ACTORS%%": str(actors_graph),
        "%%ARTICLE_TRIPLES%%": ntriples(article_triples),
        "%%ACTOR_TRIPLES%%": ntriples(actor_triples),
        "%%FORMER_ACTORS%%": " ".join(str(actor) for actor in former_actors),
    }
    text = sparql_file("replace_article.ru")
    for slot, value in slots.items():
        text = text.replace(slot, value)
    return text


class LocalWriter:
    """Writes article graphs into the primary database of a store folder."""

    def __init__(self, folder: StoreFolder, store: Store) -> None:
        self.folder = folder
        self.store = store
        self._last_publish = time.monotonic()

    def former_actors(self, article: NamedNode) -> list[NamedNode]:
        rows = self.store.query(
            sparql_file("article_actors.rq"), substitutions={Variable("article"): article}
        )
        return [row["actor"] for row in rows]

    def replace_article(
        self,
        article: NamedNode,
        article_triples: list[Triple],
        actors_graph: NamedNode,
        actor_triples: list[Triple],
    ) -> None:
        if not self.store.contains_named_graph(article):
            # A new article has nothing to drop or collect: one extend() is one transaction,
            # and much cheaper than parsing an update.
            self.store.extend(
                [Quad(t.subject, t.predicate, t.object, article) for t in article_triples]
                + [Quad(t.subject, t.predicate, t.object, actors_graph) for t in actor_triples]
            )
            return
        update = replace_article_update(
            article, article_triples, actors_graph, actor_triples, self.former_actors(article)
        )
        self.store.update(update)

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Append quads without a transaction: only for graphs that are not in the store yet."""
        self.store.bulk_extend(quads)

    def update(self, text: str) -> None:
        self.store.update(text)

    def publish(self, every: float = 0.0) -> Path | None:
        """Publish a snapshot for readers; with `every`, only if that many seconds have passed."""
        if every and time.monotonic() - self._last_publish < every:
            return None
        self._last_publish = time.monotonic()
        return self.folder.publish(self.store)


class RemoteWriter:
    """Writes article graphs to a SPARQL 1.1 endpoint: a running newsgraph server or any store."""

    def __init__(self, query_url: str, update_url: str, token: str = "", timeout: float = 60.0):
        headers = {"User-Agent": "newsgraph"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.query_url = query_url
        self.update_url = update_url
        self.client = httpx.Client(headers=headers, timeout=timeout)

    def former_actors(self, article: NamedNode) -> list[NamedNode]:
        # Remote endpoints take no bindings, so the one IRI goes in as a VALUES block written
        # by Oxigraph (NamedNode's str is its escaped N-Triples form).
        query = sparql_file("article_actors.rq").replace(
            "SELECT DISTINCT ?article ?actor WHERE {",
            f"SELECT DISTINCT ?article ?actor WHERE {{ VALUES ?article {{ {article} }}",
        )
        response = self.client.post(
            self.query_url,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        self._check(response)
        rows = parse_query_results(response.content, format=QueryResultsFormat.JSON)
        return [row["actor"] for row in rows]

    def replace_article(
        self,
        article: NamedNode,
        article_triples: list[Triple],
        actors_graph: NamedNode,
        actor_triples: list[Triple],
    ) -> None:
        update = replace_article_update(
            article, article_triples, actors_graph, actor_triples, self.former_actors(article)
        )
        self.update(update)

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        raise NewsgraphError("bulk loading needs the embedded store; remote stores take updates")

    def update(self, text: str) -> None:
        response = self.client.post(
            self.update_url,
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )
        self._check(response)

    def publish(self, every: float = 0.0) -> Path | None:
        return None

    def _check(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise NewsgraphError(
                f"{response.request.url} answered {response.status_code}: {response.text[:300]}"
            )


class StoreFolder:
    """A store folder on disk (see the module docstring for its layout)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def primary(self) -> Path:
        return self.path / "primary"

    @property
    def snapshots(self) -> Path:
        return self.path / "snapshots"

    @property
    def server_file(self) -> Path:
        """Written by a running server so that ingest can go through it (see newsgraph.server)."""
        return self.path / "server.json"

    @contextmanager
    def writer(self) -> Iterator[LocalWriter]:
        """The primary database, open for writing; a snapshot is published on the way out.

        Raises StoreBusy when another process holds the primary.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            store = Store(str(self.primary))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreBusy(
                    f"store {self.path} is being written by another process ({error})"
                ) from error
            raise
        writer = LocalWriter(self, store)
        try:
            yield writer
        finally:
            store.flush()
            self.publish(store)
            del writer.store
            del store

    def current(self) -> Path | None:
        """The newest published snapshot, or None before the first ingest."""
        try:
            name = (self.path / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        snapshot = self.snapshots / name
        return snapshot if snapshot.is_dir() else None

    def reader(self) -> Store:
        """The newest snapshot, read-only; an empty in-memory store before the first ingest."""
        snapshot = self.current()
        if snapshot is None:
            return Store()
        return Store.read_only(str(snapshot))

    def publish(self, store: Store) -> Path:
        self.snapshots.mkdir(parents=True, exist_ok=True)
        name = str(time.time_ns())
        target = self.snapshots / name
        store.backup(str(target))
        pointer = self.path / "CURRENT.tmp"
        pointer.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer, self.path / "CURRENT")
        self._prune(keep=name)
        return target

    def _prune(self, keep: str) -> None:
        names = sorted(
            (entry.name for entry in self.snapshots.iterdir() if entry.name.isdigit()), key=int
        )
        now = time.time_ns()
        # A snapshot's name is its creation time, so the next name is when it was superseded:
        # readers may still hold it for a while after that.
        for name, successor in zip(names, names[1:], strict=False):
            if name != keep and (now - int(successor)) / 1e9 > SNAPSHOT_GRACE_SECONDS:
                shutil.rmtree(self.snapshots / name, ignore_errors=True)
