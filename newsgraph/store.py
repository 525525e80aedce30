"""The store folder: one primary Oxigraph database and the read-only snapshots served from it.

Layout of a store folder:
    primary/        the RocksDB database that `newsgraph ingest` writes (one writer at a time)
    snapshots/N/    consistent checkpoints of primary (hard links, so cheap), never written again
    snapshots/N.materialized/  the corpus-wide canned queries answered on snapshot N (see
                    newsgraph.materialized), for a writer's final snapshot only
    CURRENT         the name of the newest snapshot
    bulk/N.nq       new articles on their way into primary by bulk load (see below)
    search.sqlite   the full-text index of statements and events (see newsgraph.search)
    stories.stale   left when the stories step failed: the next writer computes them all again

Writers hold primary; readers (the server, `newsgraph query`) open the newest snapshot read-only.
A snapshot is static, so any number of processes may open it while ingest goes on: this is
what lets the server run each query in a process it can kill on timeout, and what makes a query
see every article whole. A writer publishes a new snapshot when it finishes and every few
seconds while it runs.

Articles new to the store are gathered into bulk chunks (`bulk/N.nq`, N-Quads) and bulk loaded,
which costs about half the CPU of one transaction per article. Oxigraph's bulk load is not a
transaction, so the chunk file is also its journal: it is written and synced before the load
and removed after it, and a writer that finds one left by an interrupted run takes its articles
back out (drop_articles.ru) before it writes or publishes anything. Readers only ever open
published snapshots, so they never see a chunk half loaded. An article already in the store is
replaced by one SPARQL Update (replace_article.ru), a transaction.

Every write ends by relabelling the actors it touched (relabel_actors.ru): each article graph
states its own name for an actor, and the actors graph keeps one rdfs:label per actor, the name
most articles give it, so that every query sees one label whatever the spellings. Counting costs
as many rows as articles name the actor, so after a bulk load only the actors that the new
articles spell another way are recounted (new articles can only add to a name's count); a
replaced or dropped article may lower a count, so there every actor it names is recounted.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

from newsgraph import article_lines, materialized, search, stories
from newsgraph.errors import NewsgraphError, StoreBusy
from newsgraph.results import solutions
from newsgraph.sparql_text import sparql_file

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

# A superseded snapshot is deleted once no query can still be reading it.
SNAPSHOT_GRACE_SECONDS = 300.0
# Quads per bulk chunk: the bulk loader's memory and time per quad both grow with its input
# (about 35 MB and 4 us a quad at 100,000 quads; 340 MB and 8 us at 1,000,000).
BULK_CHUNK_QUADS = 100_000
# A writer with nothing to write loads a chunk this big at once (see LocalWriter.idle). Each bulk
# load adds a file to each of the database's indexes, which RocksDB merges in background threads
# (from two files on): 300 articles, 270,000 quads, stored in 12 loads cost 1.0-1.3 s of CPU in
# compaction, in 5 loads 0.4 s. A caller whose CPU is better spent elsewhere asks for more.
BULK_IDLE_QUADS = 10_000


def ntriples(triples: Iterable[Triple]) -> bytes:
    return serialize(triples, format=RdfFormat.N_TRIPLES)  # type: ignore[return-value]  # no output: bytes


def nquads(ntriples_text: bytes, graph: NamedNode) -> bytes:
    """N-Triples written by Oxigraph, put into one graph.

    Oxigraph writes one triple a line, ending in " .", and escapes line breaks inside literals,
    so " .\\n" only ever ends a triple.
    """
    return ntriples_text.replace(b" .\n", f" {graph} .\n".encode("utf-8"))


_ACTORS_BLOCK = "  GRAPH %%ACTORS%% {\n%%ACTOR_TRIPLES%%\n  }\n"


def replace_article_update(
    article: NamedNode,
    article_triples: bytes,
    actors_graph: NamedNode,
    actor_triples: bytes,
    former_actors: Iterable[NamedNode],
) -> str:
    """The SPARQL Update that atomically replaces one article graph, collects orphaned actors
    and relabels the actors the old or new version names (see relabel_update).

    The triples come as N-Triples written by Oxigraph.
    """
    former_actors = list(former_actors)
    slots = {
        "%%ARTICLE%%": str(article),
        "%%ACTORS%%": str(actors_graph),
        "%%ARTICLE_TRIPLES%%": article_triples.decode("utf-8"),
        "%%ACTOR_TRIPLES%%": actor_triples.decode("utf-8"),
        "%%FORMER_ACTORS%%": " ".join(str(actor) for actor in former_actors),
    }
    text = sparql_file("replace_article.ru")
    if not actor_triples.strip():
        # An article that names no actor: no actors block at all (the template's own text, so
        # this never touches data), as Virtuoso 7.2 refuses an empty GRAPH block in INSERT DATA.
        text = text.replace(_ACTORS_BLOCK, "")
    for slot, value in slots.items():
        text = text.replace(slot, value)
    touched = {**dict.fromkeys(former_actors), **dict.fromkeys(actors_of(actor_triples))}
    return text + " ;\n" + relabel_update(actors_graph, touched)


def drop_articles_update(
    articles: Iterable[NamedNode], actors_graph: NamedNode, actors: Iterable[NamedNode]
) -> str:
    """The SPARQL Update that drops article graphs and the actors only they mentioned, and
    relabels the actors that other articles still name."""
    actors = list(actors)
    slots = {
        "%%DROP_GRAPHS%%": "".join(f"DROP SILENT GRAPH {article} ;\n" for article in articles),
        "%%ACTORS%%": str(actors_graph),
        "%%FORMER_ACTORS%%": " ".join(str(actor) for actor in actors),
    }
    text = sparql_file("drop_articles.ru")
    for slot, value in slots.items():
        text = text.replace(slot, value)
    return text + " ;\n" + relabel_update(actors_graph, actors)


def relabel_update(actors_graph: NamedNode, actors: Iterable[NamedNode]) -> str:
    """The SPARQL Update that gives each of these actors one rdfs:label, the name most of the
    articles naming it give it, and its other names as skos:altLabels (relabel_actors.ru)."""
    text = sparql_file("relabel_actors.ru")
    text = text.replace("%%ACTORS%%", str(actors_graph))
    return text.replace("%%TOUCHED_ACTORS%%", " ".join(str(actor) for actor in actors))


def several_labels(
    store: Store, actors_graph: NamedNode, actors: Iterable[NamedNode]
) -> list[NamedNode]:
    """The actors among these that hold more than one rdfs:label in the actors graph."""
    actors = list(actors)
    if not actors:
        return []
    text = sparql_file("actors_with_several_labels.rq").replace("%%ACTORS%%", str(actors_graph))
    text = text.replace("%%TOUCHED_ACTORS%%", " ".join(str(actor) for actor in actors))
    return [row["actor"] for row in solutions(store.query(text))]


def actors_of(actor_triples: str | bytes) -> list[NamedNode]:
    """The actors an article's actor triples (N-Triples written by Oxigraph) describe."""
    data = actor_triples.encode("utf-8") if isinstance(actor_triples, str) else actor_triples
    subjects = (triple.subject for triple in parse(data, format=RdfFormat.N_TRIPLES))
    return list(dict.fromkeys(s for s in subjects if isinstance(s, NamedNode)))


@dataclass(frozen=True)
class Derived:
    """What the writer's own steps take from an article graph: its search entries and its
    story reports. Worker processes derive it (derive), so the one process that stores does not
    read every graph a second time."""

    entries: tuple[search.Entry, ...]
    reports: tuple[stories.Report, ...]


def derive(article: str, article_triples: bytes, actor_triples: bytes) -> Derived:
    """The search entries and story reports of one article graph given as N-Triples."""
    # One reading of the lines both need: most of an article graph is its mentions.
    facts = article_lines.facts(article_triples, article_lines.ARTICLE_LINES)
    labels = article_lines.facts(actor_triples, article_lines.LABEL_LINES)
    return Derived(
        tuple(search.entries_from_facts(facts, labels)),
        tuple(stories.reports_from_facts(article, facts)),
    )


class BulkChunk:
    """New article graphs waiting for one bulk load, in an N-Quads file that is its own journal."""

    HEADER = "# newsgraph bulk chunk; actors graph "

    def __init__(self, folder: Path, actors_graph: NamedNode) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{time.time_ns()}.nq"
        self.articles: set[str] = set()
        self.actors: dict[NamedNode, None] = {}  # the actors to relabel once loaded
        self.actors_graph = actors_graph
        self.quads = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - load() closes it
        self._file.write(f"{self.HEADER}{actors_graph}\n".encode("utf-8"))

    def add(self, article: NamedNode, data: bytes, actors: Iterable[NamedNode] = ()) -> None:
        self._file.write(data)
        self.actors.update(dict.fromkeys(actors))
        self.articles.add(article.value)
        self.quads += data.count(b"\n")

    def load(self, store: Store) -> None:
        """Bulk load the chunk; if that fails, take its articles back out and re-raise."""
        self._file.flush()
        os.fsync(self._file.fileno())  # the journal is on disk before any of it is loaded
        self._file.close()
        try:
            store.bulk_load(path=str(self.path), format=RdfFormat.N_QUADS, lenient=True)
            # Before the journal goes: a run killed here has its chunk taken back out.
            several = several_labels(store, self.actors_graph, self.actors)
            if several:
                store.update(relabel_update(self.actors_graph, several))
        except BaseException:
            undo_chunk(store, self.path)
            raise
        self.path.unlink()


def undo_chunk(store: Store, path: Path) -> None:
    """Take the articles of a chunk that may be partly loaded back out of the store, then drop
    the chunk file. Its articles were all new to the store, so dropping them restores it."""
    with open(path, encoding="utf-8", errors="replace") as file:
        header = file.readline()
    actors_graph = header.removeprefix(BulkChunk.HEADER).strip() if header.startswith("#") else ""
    articles: dict[str, NamedNode] = {}
    actors: dict[str, NamedNode] = {}
    try:
        for quad in parse(path=str(path), format=RdfFormat.N_QUADS, lenient=True):
            if str(quad.graph_name) == actors_graph:
                actors.setdefault(str(quad.subject), quad.subject)
            elif isinstance(quad.graph_name, NamedNode):
                articles.setdefault(quad.graph_name.value, quad.graph_name)
    except SyntaxError:
        pass  # a file cut short by a crash: its last article was never loaded
    if articles and actors_graph:
        store.update(
            drop_articles_update(articles.values(), NamedNode(actors_graph[1:-1]), actors.values())
        )
    store.flush()
    path.unlink()


class Writer(Protocol):
    """Where ingest stores article graphs: a store folder (LocalWriter) or a SPARQL endpoint
    (RemoteWriter). Ingest calls it from one thread only."""

    def write_article(
        self,
        article: NamedNode,
        article_triples: bytes,
        actors_graph: NamedNode,
        actor_triples: bytes,
        derived: Derived | None = None,
    ) -> None:
        """Store one article graph given as N-Triples, replacing any earlier version whole;
        `derived` is derive()'s result for it, when the caller has it already."""

    def idle(self, min_quads: int = 0) -> None:
        """Nothing more to write for now: a chance to send what is pending, if there is enough
        of it to be worth sending (`min_quads`, or the writer's own measure)."""

    def publish(self, every: float = 0.0) -> Path | None:
        """Let readers see what is written; with `every`, only if that many seconds passed, and
        perhaps not yet what waits to be sent."""

    def finish(self) -> None:
        """The last steps of a run, once every article is written."""


class LocalWriter:
    """Writes article graphs into the primary database of a store folder.

    New articles are gathered into bulk chunks: they reach the database when a chunk is full, at
    flush_bulk() or publish(), and when the writer closes.
    """

    def __init__(self, folder: StoreFolder, store: Store, index: search.SearchIndex) -> None:
        self.folder = folder
        self.store = store
        self.search = index
        self._reindex = False  # a SPARQL update may change any article: rebuild the index
        self._entries: dict[str, list[search.Entry]] = {}  # for the articles of the chunk
        self._last_publish = time.monotonic()
        self._unpublished = False  # whether the database changed since the last publish
        self._chunk: BulkChunk | None = None
        # What the stories step needs when the writer finishes: the reports of the articles
        # written, or every story again after a SPARQL update (it may have changed anything).
        self._reports: dict[str, list[stories.Report]] = {}
        self._all_stories = False

    def former_actors(self, article: NamedNode) -> list[NamedNode]:
        rows = solutions(
            self.store.query(
                sparql_file("article_actors.rq"), substitutions={Variable("article"): article}
            )
        )
        return [row["actor"] for row in rows]

    def search_entries(self, article: NamedNode | None = None) -> dict[str, list[search.Entry]]:
        """What the search index holds for the stored articles: one article's, or every one's."""
        return search.entries_from_store(self.store, article)

    def write_article(
        self,
        article: NamedNode,
        article_triples: bytes,
        actors_graph: NamedNode,
        actor_triples: bytes,
        derived: Derived | None = None,
    ) -> None:
        """Store one article graph given as N-Triples, replacing any earlier version whole."""
        if derived is None:
            derived = derive(article.value, article_triples, actor_triples)
        self._reports[article.value] = list(derived.reports)
        entries = list(derived.entries)
        pending = self._chunk is not None and article.value in self._chunk.articles
        if pending:
            self.flush_bulk()  # the same article twice in one run: the later one replaces it
        elif not self.store.contains_named_graph(article):
            if self._chunk is None:
                self._chunk = BulkChunk(self.folder.bulk, actors_graph)
            self._chunk.add(
                article,
                nquads(article_triples, article) + nquads(actor_triples, actors_graph),
                actors_of(actor_triples),
            )
            self._entries[article.value] = entries  # indexed with the chunk, before its load
            if self._chunk.quads >= BULK_CHUNK_QUADS:
                self.flush_bulk()
            return
        former = self.former_actors(article)
        update = replace_article_update(
            article, article_triples, actors_graph, actor_triples, former
        )
        self.search.put(article.value, entries)  # journaled first: see newsgraph.search
        self.store.update(update)
        self._unpublished = True
        self.search.done([article.value])

    def flush_bulk(self) -> None:
        """Bulk load the articles gathered so far."""
        chunk, self._chunk = self._chunk, None
        entries, self._entries = self._entries, {}
        if chunk is not None:
            self.search.put_many(entries)  # journaled first: see newsgraph.search
            chunk.load(self.store)
            self._unpublished = True
            self.search.done(chunk.articles)

    def idle(self, min_quads: int = 0) -> None:
        """Nothing more to write for now: load the chunk if it holds `min_quads` (or
        BULK_IDLE_QUADS, if more).

        Loading while the producer works on its next batch leaves less to load at the end.
        """
        if self._chunk is not None and self._chunk.quads >= max(min_quads, BULK_IDLE_QUADS):
            self.flush_bulk()

    def update(self, text: str, base_iri: str | None = None) -> None:
        self.flush_bulk()
        self._all_stories = self._reindex = True
        self.store.update(text, base_iri=base_iri)
        self._unpublished = True

    def finish(self) -> None:
        """The writer's last steps before its final snapshot: the search index after an
        update, and the stories, if anything changed."""
        self.flush_bulk()
        if self._reindex:
            self.search.rebuild(self)
            self._reindex = False
        stale = self.folder.path / "stories.stale"
        if self._all_stories or self._reports or stale.exists():
            written = None if self._all_stories or stale.exists() else self._reports
            # Marked stale until done: a writer killed meanwhile leaves the next one to compute
            # every story again, and so does a failure.
            stale.touch()
            try:
                stories.refresh(stories.LocalGraphs(self.store), written)
                stale.unlink()
            except Exception as error:  # noqa: BLE001 - the articles are stored all the same
                log.warning("stories not recomputed: %s", error)
            self._reports, self._all_stories = {}, False

    def publish(self, every: float = 0.0) -> Path | None:
        """Publish a snapshot for readers of every article written; with `every`, of the articles
        loaded so far, and only if that many seconds have passed and some were loaded since.

        A publish while an ingest runs shows its progress, a chunk at a time: a bulk load of its
        own would add to RocksDB's compaction work (see BULK_IDLE_QUADS).
        """
        if every and (time.monotonic() - self._last_publish < every or not self._unpublished):
            return None
        if not every:
            self.flush_bulk()
        self._last_publish = time.monotonic()
        self._unpublished = False
        return self.folder.publish(self.store)


def with_values(text: str, variable: str, terms: Iterable[NamedNode | Literal]) -> str:
    """The query with `VALUES ?variable { terms }` at the top of its first WHERE clause.

    Remote endpoints take no bindings, so the terms go in written by Oxigraph (a term's str is
    its escaped N-Triples form).
    """
    head, found, rest = text.partition("WHERE {")
    if not found:
        raise ValueError(f"no 'WHERE {{' to bind ?{variable} in")
    values = " ".join(str(term) for term in terms)
    return f"{head}WHERE {{ VALUES ?{variable} {{ {values} }}{rest}"


def change_stamp_update() -> str:
    """The SPARQL Update that stamps a change of an external store (see stamp_change.ru)."""
    stamp = Literal(f"{time.time_ns()}-{os.getpid()}")
    return sparql_file("stamp_change.ru").replace("%%STAMP%%", str(stamp))


class RemoteWriter:
    """Writes article graphs to a SPARQL 1.1 endpoint: a running newsgraph server or any store.

    Each article's update also stamps the change (change_stamp_update), in the same request,
    so that `newsgraph serve --endpoint` over the same store knows its cached results are old.
    Given a search index, it keeps it as LocalWriter keeps its own (see newsgraph.search): an
    article's entries are journaled before its update and marked done after it, and the marks a
    killed run left are repaired from the store when the writer starts.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str,
        token: str = "",
        timeout: float = 60.0,
        index: search.SearchIndex | None = None,
    ):
        headers = {"User-Agent": "newsgraph"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.query_url = query_url
        self.update_url = update_url
        # Imported here: every worker process imports this module, and none of them writes to an
        # endpoint (a twentieth of a second each, on the way to its first parse).
        import httpx

        self.client = httpx.Client(headers=headers, timeout=timeout)
        self.index = index
        if index is not None:
            index.repair(self)

    def select(self, text: str) -> list[dict[str, object]]:
        """The rows of a SELECT query, as the stories step reads them."""
        solutions = self._solutions(text)
        names = [variable.value for variable in solutions.variables]
        return [{name: row[name] for name in names} for row in solutions]

    def _solutions(self, text: str) -> QuerySolutions:
        response = self.client.post(
            self.query_url,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
        )
        self._check(response)
        solutions = parse_query_results(response.content, format=QueryResultsFormat.JSON)
        if not isinstance(solutions, QuerySolutions):
            raise NewsgraphError(f"{self.query_url} answered a boolean to a SELECT query")
        return solutions

    def finish(self) -> None:
        """The last step of an ingest: the stories, computed over the endpoint, and a change
        stamp after them, so that a server's results cached before them are not kept."""
        stories.refresh(stories.SparqlGraphs(self.select, self.update))
        self.update(change_stamp_update())

    def former_actors(self, article: NamedNode) -> list[NamedNode]:
        rows = self.select(with_values(sparql_file("article_actors.rq"), "article", [article]))
        return [row["actor"] for row in rows]  # type: ignore[misc]

    def search_entries(self, article: NamedNode | None = None) -> dict[str, list[search.Entry]]:
        """What the search index holds for the stored articles: one article's, or every one's,
        read a page of articles at a time (article_page.rq)."""
        if article is not None:
            return self._search_entries([article])
        found: dict[str, list[search.Entry]] = {}
        after = Literal("")
        while True:
            rows = self.select(with_values(sparql_file("article_page.rq"), "after", [after]))
            page = [row["article"] for row in rows]
            if not page:
                return found
            found.update(self._search_entries(page))  # type: ignore[arg-type]
            after = Literal(page[-1].value)  # type: ignore[attr-defined]  # an IRI

    def _search_entries(self, articles: list[NamedNode]) -> dict[str, list[search.Entry]]:
        rows = self.select(with_values(sparql_file("search_entries.rq"), "article", articles))
        return search.entries_from_rows(rows)

    def write_article(
        self,
        article: NamedNode,
        article_triples: bytes,
        actors_graph: NamedNode,
        actor_triples: bytes,
        derived: Derived | None = None,
    ) -> None:
        former = self.former_actors(article)
        update = replace_article_update(
            article, article_triples, actors_graph, actor_triples, former
        )
        if self.index is None:
            self.update(update + " ;\n" + change_stamp_update())
            return
        if derived is None:
            derived = derive(article.value, article_triples, actor_triples)
        self.index.put(article.value, derived.entries)  # journaled first: see newsgraph.search
        self.update(update + " ;\n" + change_stamp_update())
        self.index.done([article.value])

    def idle(self, min_quads: int = 0) -> None:
        """Nothing is ever pending here: every write is sent at once."""

    def update(self, text: str) -> None:
        response = self.client.post(
            self.update_url,
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )
        self._check(response)

    def publish(self, every: float = 0.0) -> Path | None:
        return None

    def close(self) -> None:
        """Close the connections to the endpoint; the search index is its owner's to close."""
        self.client.close()

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
    def search_index(self) -> Path:
        """The full-text index (see newsgraph.search)."""
        return self.path / search.FILE

    @property
    def bulk(self) -> Path:
        """Bulk chunks being loaded into primary (see the module docstring)."""
        return self.path / "bulk"

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
        if self.bulk.is_dir():
            for chunk in sorted(self.bulk.glob("*.nq")):
                undo_chunk(store, chunk)  # left by an interrupted bulk load
        index = search.SearchIndex(self.search_index)
        writer = LocalWriter(self, store, index)
        index.repair(writer)  # articles a killed writer was storing: as the store has them now
        try:
            yield writer
        finally:
            try:
                writer.flush_bulk()  # whole articles, even when the run stops on an error
                writer.finish()
            finally:
                store.flush()
                self.publish(store, materialize=True)
                index.close()
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

    def publish(self, store: Store, materialize: bool = False) -> Path:
        """Checkpoint the store as the newest snapshot; with `materialize`, answer the
        materialized canned queries first (a writer's final publish: see materialized)."""
        self.snapshots.mkdir(parents=True, exist_ok=True)
        name = str(time.time_ns())
        target = self.snapshots / name
        store.backup(str(target))
        if materialize:
            try:
                materialized.write(store, target)
            except Exception as error:  # noqa: BLE001 - a shortcut must never stop a publish
                # Only a shortcut for the server: the snapshot is published all the same.
                log.warning("materialized results for snapshot %s not written: %s", name, error)
                shutil.rmtree(materialized.folder(target), ignore_errors=True)
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
                shutil.rmtree(materialized.folder(self.snapshots / name), ignore_errors=True)
