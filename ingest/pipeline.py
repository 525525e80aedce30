"""The ingest pipeline: read, parse, extract, build RDF, store; every article whole or not at all.

With one worker, everything runs in this process: the main thread parses, and a second thread
extracts, builds RDF and stores (spaCy releases the GIL for much of its parsing, and Oxigraph
while it writes, so the two overlap). With more, a pool of worker processes
(newsgraph.ingest.workers) parses, extracts and builds RDF, and sends each article back as
N-Triples; this process only reads the inputs and stores. With a cluster, the workers of a Dask
cluster do the same (newsgraph.ingest.cluster). spaCy and the extraction modules are
imported on first use, so that with workers this process never imports them and the workers
start sooner.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode

from newsgraph.errors import InputError
from newsgraph.ingest import rdf
from newsgraph.ingest.articles import Article
from newsgraph.ingest.extraction import Extraction
from newsgraph.ingest.serialized import SerializedGraph, serialize_graph
from newsgraph.ontology import Minter
from newsgraph.settings import Settings

if TYPE_CHECKING:
    from typing import TypeAlias

    from spacy.tokens import Doc

    # What the writer thread is given: a parsed article to extract and store (one worker), or
    # what a worker process made of one (more workers).
    _Work: TypeAlias = tuple[Doc, Article] | SerializedGraph | InputError

log = logging.getLogger(__name__)
# Seconds between snapshots published while a long ingest runs, so the server sees progress.
PUBLISH_EVERY = 10.0


@dataclass
class Summary:
    articles: int = 0
    actors: int = 0
    statements: int = 0
    events: int = 0
    triples: int = 0
    skipped: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.articles} articles, {self.actors} actors, {self.statements} statements, "
            f"{self.events} events, {self.triples} triples, {len(self.skipped)} skipped, "
            f"{self.seconds:.1f} s"
        )


def extract(doc: Doc, article: Article, linker: object | None = None) -> Extraction:
    """Actors, statements and events of one parsed article."""
    from newsgraph.ingest import actors, events, gazetteer, statements

    actor_set = actors.extract(doc, article.body_start, gazetteer.country_names())
    if linker is not None:
        actors.link(actor_set, linker)
    found_statements = statements.extract(doc, article.body_start, actor_set)
    found_events = events.extract(doc, article.body_start, actor_set, article.published)
    return Extraction(actor_set.actors, found_statements, found_events)


def encode(
    doc: Doc, article: Article, minter: Minter, linker: object | None = None
) -> SerializedGraph | InputError:
    """One parsed article's graph as N-Triples, or the reason it has none."""
    try:
        return serialize_graph(rdf.build(article, extract(doc, article, linker), minter))
    except Exception as error:  # noqa: BLE001 - one bad article must not stop the batch
        log.exception("extraction failed for %s", article.source)
        return InputError(article.source, f"extraction failed: {error!r}")


def _articles_only(items: Iterable[Article | InputError], summary: Summary) -> Iterator[Article]:
    """The articles among the inputs; bad inputs go to the summary and the rest goes on."""
    for item in items:
        if isinstance(item, InputError):
            log.warning("skipped %s", item)
            summary.skipped.append(item)
        else:
            yield item


def _parsed(
    articles: Iterator[Article], settings: Settings
) -> Iterator[tuple[Doc, Article] | InputError]:
    """Each article parsed, or the reason it could not be: one failure never stops the rest."""
    from newsgraph.ingest import nlp, parsing

    parser = nlp.load(settings.model)
    texts = ((article.text, article) for article in articles)
    for doc, article in parsing.parse_each(parser, texts, settings.batch_size, _source):
        yield doc if isinstance(doc, InputError) else (doc, article)


def _source(article: Article) -> str:
    return article.source


class _Writer(threading.Thread):
    """Stores article graphs on a second thread, and with one worker extracts them there first.

    spaCy releases the GIL for much of its parsing and Oxigraph while it writes, so both overlap
    with parsing the next articles on the main thread.
    """

    def __init__(
        self, writer: object, summary: Summary, minter: Minter, linker: object | None
    ) -> None:
        super().__init__(name="newsgraph-writer", daemon=True)
        self.writer = writer
        self.summary = summary
        self.minter = minter
        self.linker = linker
        self.actors_graph = minter.actors_graph()
        self.queue: queue.Queue[_Work | None] = queue.Queue(maxsize=64)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (work := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so the producer never blocks on a dead writer
            try:
                self._store(work)
            except BaseException as error:  # noqa: BLE001 - re-raised by the producer
                self.error = error

    def _store(self, work: _Work) -> None:
        graph = encode(*work, self.minter, self.linker) if isinstance(work, tuple) else work
        if isinstance(graph, InputError):
            self.summary.skipped.append(graph)
            return
        self.writer.write_article(
            NamedNode(graph.article), graph.triples, self.actors_graph, graph.actor_triples
        )
        self.writer.publish(every=PUBLISH_EVERY)
        if self.queue.empty():
            self.writer.idle()
        self.summary.articles += 1
        self.summary.actors += graph.actors
        self.summary.statements += graph.statements
        self.summary.events += graph.events
        self.summary.triples += graph.quads

    def put(self, work: _Work) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(work)

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def ingest_articles(
    items: Iterable[Article | InputError],
    writer: object,
    settings: Settings,
    progress: bool = False,
    linker: object | None = None,
) -> Summary:
    """Extract and store every article; a failing article is skipped, never half-written.

    An article that cannot be read, parsed, extracted or built into RDF, or that was in hand on
    two worker processes that died, is reported in the summary and the rest go on. Raises
    NewsgraphError when workers keep dying with no article in hand, and what the writer raised
    when storing fails; the articles stored before that stay stored, each whole.
    """
    started = time.perf_counter()
    summary = Summary()
    minter = Minter(settings.base)
    articles = _articles_only(items, summary)
    pool: Any = None
    work: Iterator[_Work]
    if settings.cluster:
        from newsgraph.ingest.cluster import ClusterPool

        pool = ClusterPool(settings, linker)  # the workers load the model meanwhile
        work = pool.map(articles)
    elif settings.workers > 1:
        from newsgraph.ingest.workers import Pool

        pool = Pool(settings, linker)  # started first: the workers load the model meanwhile
        work = pool.map(articles)
    else:
        work = _parsed(articles, settings)
    if progress:
        from tqdm import tqdm

        work = tqdm(work, unit=" articles", file=sys.stderr)
    storing = _Writer(writer, summary, minter, linker)
    storing.start()
    try:
        for item in work:
            storing.put(item)
    finally:
        # The workers are done once the last result is in: they stop while the writer stores
        # what it still holds (a local Dask cluster takes most of a second to stop).
        try:
            if pool is not None:
                pool.close()
        finally:
            storing.finish()
    summary.seconds = time.perf_counter() - started
    return summary
