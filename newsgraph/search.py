"""Full-text search: statement texts, speakers and event labels in an SQLite FTS5 index.

Oxigraph has no text index, so finding what was said about "sanctions" would scan every
statement. The index lives in the store folder (`search.sqlite`) and is written by the writer in
the same step as the article's graph; hits are ranked by FTS5's bm25.

The index and the store are two databases, so the index keeps a journal like the bulk chunks:
an article's entries are replaced and the article is marked pending, in one SQLite transaction,
before its graph is written; the mark is cleared once the graph is in the store (for a new
article, once its bulk chunk is loaded). A writer that finds marks left by a killed run reads
those articles' entries back from the store (search_entries.rq), as they are there now, or drops
them if the article is not. A SPARQL update can change any article, so after one the writer
rebuilds the index from the store; `newsgraph search --rebuild` does the same on demand.

Over an external store (`--endpoint`), the index is kept the same way in the folder given by
`--store`: `newsgraph ingest --endpoint` writes it, `newsgraph serve --endpoint` reads it, and
`newsgraph search --rebuild --endpoint` builds it from the store's own triples.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import NamedNode, Store, Variable

from newsgraph import article_lines
from newsgraph.errors import BadRequest
from newsgraph.ontology import NG, RDF, RDFS, SCHEMA, SEM
from newsgraph.results import Substitutions, solutions
from newsgraph.sparql_text import sparql_file

FILE = "search.sqlite"
KINDS = ("statement", "event")
MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
_START, _END = "\x02", "\x03"  # snippet markers: control characters no article text holds

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    id INTEGER PRIMARY KEY, article TEXT NOT NULL, iri TEXT NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, who TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_article ON entry (article);
CREATE VIRTUAL TABLE IF NOT EXISTS entry_text USING fts5 (
    text, who, content = 'entry', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS entry_added AFTER INSERT ON entry BEGIN
    INSERT INTO entry_text (rowid, text, who) VALUES (new.id, new.text, new.who);
END;
CREATE TRIGGER IF NOT EXISTS entry_removed AFTER DELETE ON entry BEGIN
    INSERT INTO entry_text (entry_text, rowid, text, who)
    VALUES ('delete', old.id, old.text, old.who);
END;
CREATE TABLE IF NOT EXISTS pending (article TEXT PRIMARY KEY);
"""


@dataclass(frozen=True, order=True)
class Entry:
    """One searchable thing: a statement (its words, its speaker) or an event (its label, its
    participants)."""

    iri: str
    kind: str
    text: str
    who: str


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    article: str
    text: str
    who: str
    snippet: str  # the best-matching words in context, plain text
    snippet_html: str  # the same, HTML-escaped, the matched terms in <mark>
    score: float  # bm25: lower is better


@dataclass(frozen=True)
class Results:
    query: str
    kind: str | None
    total: int
    limit: int
    offset: int
    hits: tuple[Hit, ...]


class TextSearch(Protocol):
    """What the server and the command line need of a search index."""

    def search(
        self, query: str, kind: str | None = None, limit: int = 20, offset: int = 0
    ) -> Results: ...

    def close(self) -> None: ...


_TYPE, _LABEL, _TEXT = RDF + "type", RDFS + "label", SCHEMA + "text"
_KINDS = {NG + "Statement": "statement", NG + "Event": "event"}


def entries_from_facts(article: article_lines.Facts, actors: article_lines.Facts) -> list[Entry]:
    """The entries of one article graph, from its values and its actors' by subject and
    predicate."""
    entries = []
    for iri, found in article.items():
        kind = next((_KINDS[t] for t in found.get(_TYPE, ()) if t in _KINDS), None)
        texts = found.get(_TEXT) or found.get(_LABEL)
        text = texts[0] if texts else None
        if kind is None or text is None:
            continue
        people = found.get(NG + "speaker", []) + found.get(SEM + "hasActor", [])
        names = (min(actors.get(actor, {}).get(_LABEL) or [""]) for actor in people)
        entries.append(Entry(iri, kind, text, _who(names)))
    return sorted(entries)


def _who(names: Iterable[str | None]) -> str:
    return " | ".join(sorted({name for name in names if name}))


class EntrySource(Protocol):
    """Where the index reads entries back from: the embedded store or an external one."""

    def search_entries(self, article: NamedNode | None = None) -> dict[str, list[Entry]]:
        """Entries by article (search_entries.rq): one article's, or every article's."""
        ...


def entries_from_store(store: Store, article: NamedNode | None = None) -> dict[str, list[Entry]]:
    """Entries by article, read from the store: one article's, or every article's."""

    substitutions: Substitutions | None = (
        {Variable("article"): article} if article is not None else None
    )
    return entries_from_rows(
        solutions(store.query(sparql_file("search_entries.rq"), substitutions=substitutions))
    )


def entries_from_rows(rows: Iterable[Any]) -> dict[str, list[Entry]]:
    """Entries by article from the rows of search_entries.rq (one per event participant)."""
    found: dict[tuple[str, str], tuple[str, str, set[str]]] = {}
    for row in rows:
        key = (row["article"].value, row["item"].value)
        kind, text, who = found.setdefault(key, (row["kind"].value, row["text"].value, set()))
        if row["who"] is not None:
            who.add(row["who"].value)
    by_article: dict[str, list[Entry]] = defaultdict(list)
    for (source, iri), (kind, text, who) in found.items():
        by_article[source].append(Entry(iri, kind, text, _who(who)))
    return {source: sorted(entries) for source, entries in by_article.items()}


class SearchIndex:
    """The FTS5 index of one store folder; readers open it read-only."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        """`path` may be ":memory:", for an index held in memory."""
        self.path = path
        if read_only:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            # The ingest pipeline writes from its own thread, one writer at a time.
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: survives a killed process
            self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- writing

    def put(self, article: str, entries: Iterable[Entry]) -> None:
        """Replace an article's entries and mark it pending until its graph is stored."""
        self.put_many({article: entries})

    def put_many(self, articles: Mapping[str, Iterable[Entry]]) -> None:
        """put() for many articles, in one transaction."""
        with _transaction(self.db):
            for article, entries in articles.items():
                self.db.execute("INSERT OR IGNORE INTO pending (article) VALUES (?)", (article,))
                self._replace(article, entries)

    def done(self, articles: Iterable[str]) -> None:
        """The graphs of these articles are in the store: their entries are final."""
        with _transaction(self.db):
            self.db.executemany("DELETE FROM pending WHERE article = ?", ((a,) for a in articles))

    def pending(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT article FROM pending ORDER BY article")]

    def repair(self, source: EntrySource) -> int:
        """Read the entries of pending articles back from the store; how many were pending."""
        articles = self.pending()
        for article in articles:
            entries = source.search_entries(NamedNode(article)).get(article, [])
            with _transaction(self.db):
                self._replace(article, entries)
                self.db.execute("DELETE FROM pending WHERE article = ?", (article,))
        return len(articles)

    def rebuild(self, source: EntrySource) -> int:
        """Index the store afresh, in one transaction; the number of entries."""
        by_article = source.search_entries()
        with _transaction(self.db):
            self.db.execute("DELETE FROM entry")
            self.db.execute("INSERT INTO entry_text (entry_text) VALUES ('delete-all')")
            self.db.execute("DELETE FROM pending")
            for article in sorted(by_article):
                self._insert(article, by_article[article])
        return sum(len(entries) for entries in by_article.values())

    def _replace(self, article: str, entries: Iterable[Entry]) -> None:
        self.db.execute("DELETE FROM entry WHERE article = ?", (article,))
        self._insert(article, entries)

    def _insert(self, article: str, entries: Iterable[Entry]) -> None:
        self.db.executemany(
            "INSERT INTO entry (article, iri, kind, text, who) VALUES (?, ?, ?, ?, ?)",
            ((article, e.iri, e.kind, e.text, e.who) for e in entries),
        )

    def articles(self) -> dict[str, list[Entry]]:
        """Every indexed entry by article, for checks."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for article, iri, kind, text, who in self.db.execute(
            "SELECT article, iri, kind, text, who FROM entry ORDER BY article, iri"
        ):
            found[article].append(Entry(iri, kind, text, who))
        return {article: sorted(entries) for article, entries in found.items()}

    # -- searching

    def search(
        self, query: str, kind: str | None = None, limit: int = 20, offset: int = 0
    ) -> Results:
        """Hits for an FTS5 query, best first; raises BadRequest for a bad query or option."""
        query = query.strip()
        if not query:
            raise BadRequest("q is empty: give the words to search for")
        if len(query) > MAX_QUERY_CHARS:
            raise BadRequest(f"q has {len(query)} characters; at most {MAX_QUERY_CHARS}")
        if kind is not None and kind not in KINDS:
            raise BadRequest(f"kind {kind!r} is not one of: {', '.join(KINDS)}")
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"limit {limit} is not between 1 and {MAX_LIMIT}")
        if offset < 0:
            raise BadRequest(f"offset {offset} is negative")
        where = "entry_text MATCH ?" + (" AND entry.kind = ?" if kind else "")
        values = (query, kind) if kind else (query,)
        try:
            total = self.db.execute(
                f"SELECT count(*) FROM entry_text JOIN entry ON entry.id = entry_text.rowid "
                f"WHERE {where}",
                values,
            ).fetchone()[0]
            rows = self.db.execute(
                "SELECT entry.iri, entry.kind, entry.article, entry.text, entry.who, "
                f"snippet(entry_text, 0, '{_START}', '{_END}', '…', 16), "
                "bm25(entry_text, 1.0, 0.5) AS score "
                f"FROM entry_text JOIN entry ON entry.id = entry_text.rowid WHERE {where} "
                "ORDER BY score, entry.id LIMIT ? OFFSET ?",
                (*values, limit, offset),
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                rows, total = [], 0  # an index never written: nothing found
            else:
                raise BadRequest(f"q {query!r} is not a valid search: {error}") from None
        hits = tuple(
            Hit(iri, kind_, article, text, who, _plain(snip), _marked(snip), round(score, 4))
            for iri, kind_, article, text, who, snip, score in rows
        )
        return Results(query, kind, total, limit, offset, hits)


def _plain(snippet: str) -> str:
    return snippet.replace(_START, "").replace(_END, "")


def _marked(snippet: str) -> str:
    escaped = html.escape(snippet, quote=False)
    return re.sub(f"{_START}(.*?){_END}", r"<mark>\1</mark>", escaped, flags=re.S)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an error (the connection is in autocommit)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def as_json(results: Results) -> Mapping[str, object]:
    return {
        "query": results.query,
        "kind": results.kind,
        "total": results.total,
        "limit": results.limit,
        "offset": results.offset,
        "hits": [hit.__dict__ for hit in results.hits],
    }
