"""Worker processes that parse, extract and build RDF, for ingest with more than one worker.

Each worker starts once per run, loads the spaCy model once and runs one long `nlp.pipe` over
the articles it is sent; for each article it sends back the graph as N-Triples (never a Doc),
so the parent only reads inputs and stores. An article goes to the worker with the least text
outstanding, which keeps both busy to the end, and results come back in input order, so that an
article given twice ends as its later version, as with one worker.

Linking runs in the workers. Each gets a copy of the parent's linker; with a cache file, a
worker never writes it but sends its new answers back, and the parent merges and saves them.

A worker sends its results through a pipe of its own, from its only thread. A multiprocessing
Queue would start a feeder thread, and a second thread, even an idle one, made spaCy parse
10-15% slower here (docs/benchmarks.md; glibc's allocator leaving its single-threaded fast path
is the likely cause).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from newsgraph.errors import InputError, NewsgraphError
from newsgraph.ingest.articles import Article
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.settings import Settings

log = logging.getLogger(__name__)

_SPAWN = multiprocessing.get_context("spawn")
RESULT, DONE, FAILED = "result", "done", "failed"
# A worker is one of as many processes as there are cores, and keeps to one thread (see above):
# BLAS threads of its own would make it a many-thread process and compete with the other workers.
SINGLE_THREADED = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# Seconds between checks that every worker is still alive while waiting for results.
POLL_SECONDS = 1.0


class Pool:
    """`settings.workers` processes, started now and stopped by close()."""

    def __init__(self, settings: Settings, linker: object | None = None) -> None:
        self.settings = settings
        self.linker = linker
        # Each worker holds two spaCy batches: one being parsed and the next one waiting.
        self.batch_size = settings.batch_size
        self.window = 2 * settings.batch_size
        self.inboxes = [_SPAWN.Queue() for _ in range(settings.workers)]
        pipes = [_SPAWN.Pipe(duplex=False) for _ in range(settings.workers)]
        self.outboxes = [reader for reader, _ in pipes]
        self.processes = [
            _SPAWN.Process(
                target=_work,
                args=(index, settings, linker, inbox, writer, logging.getLogger().level),
                name=f"newsgraph-ingest-{index}",
                daemon=True,
            )
            for index, (inbox, (_, writer)) in enumerate(zip(self.inboxes, pipes, strict=True))
        ]
        self.finished: set[int] = set()
        self.complete = False  # every article sent and every result received
        for process in self.processes:
            process.start()
        for _, writer in pipes:
            writer.close()  # so that a worker's pipe reads as closed once the worker is gone
        self.received: deque[tuple] = deque()  # messages read, not handled yet

    def map(self, articles: Iterator[Article]) -> Iterator[SerializedGraph | InputError]:
        """Each article's graph, or the reason it has none, in input order."""
        workers = range(len(self.processes))
        in_flight = [0] * len(self.processes)
        given = [0] * len(self.processes)  # characters sent to each worker so far
        sent: dict[int, int] = {}  # sequence number -> worker
        done: dict[int, SerializedGraph | InputError] = {}
        next_in = next_out = 0
        exhausted = False
        while True:
            while not exhausted:
                free = [w for w in workers if in_flight[w] < self.window]
                if not free:
                    break
                worker = min(free, key=given.__getitem__)
                if given[worker] > min(given) and in_flight[worker] >= self.batch_size:
                    # Results come back a whole spaCy batch at a time, so the first worker to
                    # finish a batch would take all the articles left, and the other one would
                    # idle at the end. A worker that is ahead in articles given, and still has a
                    # batch to parse, waits for the one behind.
                    break
                article = next(articles, None)
                if article is None:
                    exhausted = True
                    for inbox in self.inboxes:
                        inbox.put(None)
                    break
                self.inboxes[worker].put((next_in, article))
                sent[next_in] = worker
                in_flight[worker] += 1
                given[worker] += len(article.text)
                next_in += 1
            if exhausted and next_out == next_in:
                self.complete = True
                return
            sequence, result, answers = self._receive()
            worker = sent.pop(sequence)
            in_flight[worker] -= 1
            done[sequence] = result
            if answers:
                _merge_answers(self.linker, answers)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1

    def _receive(self) -> tuple[int, SerializedGraph | InputError, dict | None]:
        while True:
            while not self.received:
                self._read_ready()
            kind, worker, *rest = self.received.popleft()
            if kind == RESULT:
                return rest[0], rest[1], rest[2]
            if kind == DONE:
                self.finished.add(worker)
            elif kind == FAILED:
                raise rest[0]

    def _read_ready(self) -> None:
        """One message from each worker that has one waiting, so that none waits on another."""
        open_pipes = {
            pipe: index for index, pipe in enumerate(self.outboxes) if index not in self.finished
        }
        ready = wait(list(open_pipes), timeout=POLL_SECONDS)
        if not ready:
            self._check_alive()
        for pipe in ready:
            try:
                self.received.append(pipe.recv())
            except EOFError:
                # The worker's end of the pipe closed: it is gone or going; wait for its exit
                # code, which says why.
                self.processes[open_pipes[pipe]].join(timeout=POLL_SECONDS)
                self._check_alive()
                raise NewsgraphError(
                    f"ingest worker {open_pipes[pipe]} stopped before finishing its articles; "
                    "the articles stored so far are whole"
                ) from None

    def _check_alive(self) -> None:
        for index, process in enumerate(self.processes):
            if index not in self.finished and not process.is_alive():
                raise NewsgraphError(
                    f"ingest worker {index} stopped (exit code {process.exitcode}) before "
                    "finishing its articles; the articles stored so far are whole"
                )

    def close(self) -> None:
        """Stop the workers: when they are done, or at once if the run stopped early."""
        for process in self.processes:
            if self.complete:
                process.join(timeout=10.0)
            if process.is_alive():
                process.terminate()
                process.join()
        for inbox in self.inboxes:
            inbox.close()
            inbox.cancel_join_thread()
        for pipe in self.outboxes:
            pipe.close()


def _work(
    index: int,
    settings: Settings,
    linker: object | None,
    inbox: Any,
    outbox: Connection,
    log_level: int,
) -> None:
    """A worker's life: load the model once, then parse, extract and encode until told to stop."""
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in SINGLE_THREADED:
        os.environ.setdefault(name, "1")  # before spaCy imports numpy, which reads them once
    try:
        from newsgraph.ingest import nlp, parsing, pipeline
        from newsgraph.ontology import Minter

        parser = nlp.load(settings.model)
        minter = Minter(settings.base)
        answers = _NewAnswers(linker)

        def received() -> Iterator[tuple[str, tuple[int, Article]]]:
            while (message := inbox.get()) is not None:
                yield message[1].text, message

        batches = parsing.parse_each(parser, received(), settings.batch_size, _source)
        for doc, (sequence, article) in batches:
            if isinstance(doc, InputError):
                result: SerializedGraph | InputError = doc
            else:
                result = pipeline.encode(doc, article, minter, linker)
            outbox.send((RESULT, index, sequence, result, answers.since_last()))
    except BaseException as error:  # noqa: BLE001 - the parent raises it
        outbox.send((FAILED, index, _picklable(error)))
        return
    outbox.send((DONE, index))


def _source(message: tuple[int, Article]) -> str:
    return message[1].source


def _picklable(error: BaseException) -> BaseException:
    if isinstance(error, NewsgraphError) and not isinstance(error, InputError):
        return error
    return NewsgraphError(f"ingest worker failed: {error!r}")


class _NewAnswers:
    """The live Wikidata answers a worker's linker cached since it last reported them."""

    def __init__(self, linker: object | None) -> None:
        self.cache = getattr(linker, "cache", None)
        if not all(hasattr(self.cache, name) for name in ("answers", "dirty", "path")):
            self.cache = None
            return
        self.cache.path = None  # the parent owns the cache file
        self.reported = set(self.cache.answers)

    def since_last(self) -> dict | None:
        if self.cache is None or not self.cache.dirty:
            return None
        new = {k: v for k, v in self.cache.answers.items() if k not in self.reported}
        self.reported.update(new)
        self.cache.dirty = False
        return new or None


def _merge_answers(linker: object | None, answers: dict) -> None:
    cache = getattr(linker, "cache", None)
    if cache is None:
        return
    cache.answers.update(answers)
    cache.dirty = True
    cache.save()
