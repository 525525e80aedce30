"""Articles read back from a store, so that they can be extracted again (`newsgraph link`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pyoxigraph import Store

from newsgraph.ingest.articles import Article, body_start
from newsgraph.results import solutions
from newsgraph.sparql_text import sparql_file


def articles(store: Store) -> Iterator[Article]:
    """Every stored article, as ingest first read it (a .txt title line keeps its offsets)."""
    for row in solutions(store.query(sparql_file("stored_articles.rq"))):
        text = row["text"].value
        title = row["title"].value if row["title"] is not None else None
        published = (
            dt.date.fromisoformat(row["published"].value) if row["published"] is not None else None
        )
        yield Article(
            text=text,
            source=row["source"].value,
            title=title,
            url=row["url"].value if row["url"] is not None else None,
            published=published,
            body_start=body_start(text, title),
        )
