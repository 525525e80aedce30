"""The ingest pipeline: read, parse, extract, build RDF, store; one transaction per article."""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import NamedNode
from spacy.tokens import Doc

from newsgraph.errors import InputError
from newsgraph.ingest import actors, events, gazetteer, nlp, rdf, statements
from newsgraph.ingest.articles import Article
from newsgraph.ingest.extraction import Extraction
from newsgraph.ontology import Minter
from newsgraph.settings import Settings

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
    actor_set = actors.extract(doc, article.body_start, gazetteer.country_names())
    if linker is not None:
        actors.link(actor_set, linker)
    found_statements = statements.extract(doc, article.body_start, actor_set)
    found_events = events.extract(doc, article.body_start, actor_set, article.published)
    return Extraction(actor_set.actors, found_statements, found_events)


def _parsed(
    items: Iterable[Article | InputError], settings: Settings, summary: Summary
) -> Iterator[tuple[Doc, Article]]:
    """Parsed articles in input order; bad inputs go to the summary and the rest goes on."""

    def articles_only() -> Iterator[tuple[str, Article]]:
        for item in items:
            if isinstance(item, InputError):
                log.warning("skipped %s", item)
                summary.skipped.append(item)
            else:
                yield item.text, item

    pipeline = nlp.load(settings.model)
    yield from pipeline.pipe(
        articles_only(), as_tuples=True, batch_size=settings.batch_size, n_process=settings.workers
    )


class _Writer(threading.Thread):
    """Stores article graphs on a second thread: Oxigraph releases the GIL while it writes, so
    storing one batch overlaps with parsing the next."""

    def __init__(self, writer: object, summary: Summary, actors_graph: NamedNode) -> None:
        super().__init__(name="newsgraph-writer", daemon=True)
        self.writer = writer
        self.summary = summary
        self.actors_graph = actors_graph
        self.queue: queue.Queue[rdf.ArticleGraph | None] = queue.Queue(maxsize=64)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (graph := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so the producer never blocks on a dead writer
            try:
                self.writer.replace_article(
                    graph.article, graph.triples, self.actors_graph, graph.actor_triples
                )
                self.writer.publish(every=PUBLISH_EVERY)
            except BaseException as error:  # noqa: BLE001 - re-raised by the producer
                self.error = error
                continue
            self.summary.articles += 1
            self.summary.actors += graph.actors
            self.summary.statements += graph.statements
            self.summary.events += graph.events
            self.summary.triples += len(graph.triples) + len(graph.actor_triples)

    def put(self, graph: rdf.ArticleGraph) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(graph)

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
    """Extract and store every article; a failing article is skipped, never half-written."""
    started = time.perf_counter()
    summary = Summary()
    minter = Minter(settings.base)
    parsed = _parsed(items, settings, summary)
    if progress:
        from tqdm import tqdm

        parsed = tqdm(parsed, unit=" articles", file=sys.stderr)
    storing = _Writer(writer, summary, minter.actors_graph())
    storing.start()
    try:
        for doc, article in parsed:
            try:
                graph = rdf.build(article, extract(doc, article, linker), minter)
            except Exception as error:  # noqa: BLE001 - one bad article must not stop the batch
                log.exception("extraction failed for %s", article.source)
                summary.skipped.append(InputError(article.source, f"extraction failed: {error!r}"))
                continue
            storing.put(graph)
    finally:
        storing.finish()
    summary.seconds = time.perf_counter() - started
    return summary
