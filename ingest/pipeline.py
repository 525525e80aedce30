"""The ingest pipeline: read, parse, extract, build RDF, store; every article whole or not at all.

With one worker, everything runs in this process: the main thread parses, and a second thread
extracts, builds RDF and stores (spaCy releases the GIL for much of its parsing, and Oxigraph
while it writes, so the two overlap). With more, a pool of worker processes
(newsgraph.ingest.workers) parses, extracts and builds RDF, and sends each article back as
N-Triples; this process only reads the inputs and stores. With a cluster, the workers of a Dask
cluster do the same (newsgraph.ingest.cluster). All three extract and build RDF with
newsgraph.ingest.encoding.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeAlias

from pyoxigraph import NamedNode
from tqdm import tqdm

from newsgraph.errors import InputError
from newsgraph.ingest.articles import Article
from newsgraph.ingest.linking import Linker
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.ingest.workers import DASK_PRELOAD, Pool, start
from newsgraph.ontology import Minter
from newsgraph.settings import LOCAL_CLUSTER, Settings
from newsgraph.store import Writer

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Summary", "WorkerPool", "ingest_articles", "prepare"]

# What the writer thread is given: a parsed article to extract and store (one worker), or
# what a worker process made of one (more workers).
_Work: TypeAlias = "tuple[Doc, Article] | SerializedGraph | InputError"

log = logging.getLogger(__name__)
# Seconds between snapshots published while a long ingest runs, so the server sees progress.
PUBLISH_EVERY = 10.0
# With worker processes, the least an early load holds (see ingest_articles).
WORKERS_IDLE_QUADS = 40_000


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


def _articles_only(items: Iterable[Article | InputError], summary: Summary) -> Iterator[Article]:
    """The articles among the inputs; bad inputs go to the summary and the rest goes on."""
    for item in items:
        if isinstance(item, InputError):
            log.warning("skipped %s", item)
            summary.skipped.append(item)
        else:
            yield item


def _all_read(articles: Iterator[Article], done: threading.Event) -> Iterator[Article]:
    """The articles, and `done` set once the last is read."""
    yield from articles
    done.set()


def _parsed(
    articles: Iterator[Article], settings: Settings
) -> Iterator[tuple[Doc, Article] | InputError]:
    """Each article parsed, or the reason it could not be: one failure never stops the rest."""
    # Imported here, in the one path that parses in this process: with worker processes or a
    # cluster this process never imports spaCy, which would delay the workers' start by 1.3 s.
    from newsgraph.ingest import nlp, parsing

    parser = nlp.load(settings.model)
    texts = ((article.text, article) for article in articles)
    for doc, article in parsing.parse_each(parser, texts, settings.batch_size, _source):
        yield doc if isinstance(doc, InputError) else (doc, article)


def _source(article: Article) -> str:
    return article.source


class WorkerPool(Protocol):
    """Processes that parse, extract and build RDF: local (workers.Pool) or Dask's
    (cluster.ClusterPool)."""

    def map(self, articles: Iterator[Article]) -> Iterator[SerializedGraph | InputError]:
        """Each article's graph, or the reason it has none, in input order."""

    def close(self) -> None:
        """Stop the workers, or leave the cluster."""


class _Writer(threading.Thread):
    """Stores article graphs on a second thread, and with one worker extracts them there first.

    spaCy releases the GIL for much of its parsing and Oxigraph while it writes, so both overlap
    with parsing the next articles on the main thread.
    """

    def __init__(
        self,
        writer: Writer,
        summary: Summary,
        minter: Minter,
        linker: Linker | None,
        load_when_idle: threading.Event,
        idle_quads: int,
    ) -> None:
        super().__init__(name="newsgraph-writer", daemon=True)
        self.writer = writer
        self.load_when_idle = load_when_idle
        self.idle_quads = idle_quads
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
        if isinstance(work, tuple):
            from newsgraph.ingest.encoding import encode  # parsed here: see _parsed

            graph: SerializedGraph | InputError = encode(*work, self.minter, self.linker)
        else:
            graph = work
        if isinstance(graph, InputError):
            self.summary.skipped.append(graph)
            return
        self.writer.write_article(
            NamedNode(graph.article),
            graph.triples,
            self.actors_graph,
            graph.actor_triples,
            graph.derived,
        )
        self.writer.publish(every=PUBLISH_EVERY)
        if self.load_when_idle.is_set() and self.queue.empty():
            self.writer.idle(self.idle_quads)
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


def prepare(settings: Settings) -> None:
    """Have the worker processes of a `--workers N` run start loading the model now (or those of
    a local cluster importing Dask), while the caller opens its store; ingest_articles would
    start them later."""
    if settings.cluster == LOCAL_CLUSTER:
        start(None, DASK_PRELOAD)
    elif settings.workers > 1 and not settings.cluster:
        start(settings.model)


def ingest_articles(
    items: Iterable[Article | InputError],
    writer: Writer,
    settings: Settings,
    progress: bool = False,
    linker: Linker | None = None,
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
    # Set once loading whenever the writer idles pays: see below.
    load_when_idle = threading.Event()
    articles = _all_read(_articles_only(items, summary), load_when_idle)
    pool: WorkerPool | None = None
    work: Iterator[_Work]
    if settings.cluster:
        # Dask is an optional extra, imported only for a cluster run.
        from newsgraph.ingest.cluster import ClusterPool

        pool = ClusterPool(settings, linker)  # the workers load the model meanwhile
        work = pool.map(articles)
    elif settings.workers > 1:
        pool = Pool(settings, linker)  # started first: the model loads meanwhile, if not yet
        work = pool.map(articles)
    else:
        work = _parsed(articles, settings)
    if progress:
        work = tqdm(work, unit=" articles", file=sys.stderr)
    # Worker processes keep every core parsing, so an early load of a small chunk only takes CPU
    # from them, and a bulk load's fixed cost makes small chunks dear: 300 articles cost this
    # process 4.2-5.6 s of CPU with early loads and 2.8-2.9 s without. But once every article
    # is read, what the workers still hold comes back, and what is left in the chunk when the
    # last result is in is loaded while the workers' cores idle: loading as results come left
    # 0.16 s to load at the end of 300 articles, not 0.4 s. Those early loads hold at least
    # 40,000 quads, not the store's 10,000: each load costs RocksDB compaction in background
    # threads, on CPU the workers would use (see newsgraph.store.BULK_IDLE_QUADS). In one
    # process, the writer thread loads while the main thread parses, and the core it mostly has
    # to itself absorbs the compaction: there small loads keep the end short (0.2 s after the
    # last article, not 0.4-0.5 s).
    if pool is None:
        load_when_idle.set()
    idle_quads = 0 if pool is None else WORKERS_IDLE_QUADS
    storing = _Writer(writer, summary, minter, linker, load_when_idle, idle_quads)
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
