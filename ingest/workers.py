"""Worker processes that parse, extract and build RDF, for ingest with more than one worker.

Each worker starts once per run and runs one long `nlp.pipe` over the articles it is sent; for
each article it sends back the graph as N-Triples (never a Doc), so the parent only reads
inputs and stores. An article goes to the worker with the least text outstanding, which keeps
both busy to the end, and results come back in input order, so that an article given twice ends
as its later version, as with one worker.

Workers are forked from one server process (multiprocessing's forkserver) that imported spaCy
and loaded the model before the first fork (newsgraph.ingest.preload). So the model is loaded
once per run, not once per worker, a replacement for a dead worker starts parsing at once, and a
worker's exit skips the interpreter's teardown. start() starts that server; the pool starts it
if nobody did, and the ingest command does as early as it can, so that it loads the model while
the store opens. The server lives as long as the process that started it, and is reused.

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
import multiprocessing.forkserver
import os
import queue
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from newsgraph.errors import InputError, NewsgraphError
from newsgraph.ingest.articles import Article
from newsgraph.ingest.linking import AnswerCache, Linker
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.settings import Settings

log = logging.getLogger(__name__)

# Where there is no forkserver (Windows), workers are spawned, each loading the model itself.
FORKS = "forkserver" in multiprocessing.get_all_start_methods()
_CONTEXT = (
    multiprocessing.get_context("forkserver") if FORKS else multiprocessing.get_context("spawn")
)
# What the forkserver imports before its first fork. A local Dask cluster's workers are forked
# from it too (newsgraph.ingest.cluster): they import Dask, and no model, since each parses in
# a process of its own (newsgraph.ingest.encoding_process).
PRELOAD = ("newsgraph.ingest.preload",)
DASK_PRELOAD = ("distributed",)
# The model the forkserver loads, told through its environment: preloading only imports modules.
PRELOAD_MODEL = "NEWSGRAPH_PRELOAD_MODEL"
RESULT, DONE, FAILED, DIED = "result", "done", "failed", "died"
# A worker is one of as many processes as there are cores, and keeps to one thread (see above):
# BLAS threads of its own would make it a many-thread process and compete with the other workers.
SINGLE_THREADED = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# Workers that may die with no article in hand (at start, say) before the run stops.
MAX_IDLE_DEATHS = 3
# Seconds between checks that every worker is still alive while waiting for results.
POLL_SECONDS = 1.0


class Pool:
    """`settings.workers` processes, started now and stopped by close().

    A worker that dies (killed, out of memory, a crash in native code) loses no article but
    perhaps the one it was on: it is replaced, and the articles it held are sent again to its
    replacement one at a time. An article in hand on two workers that died is reported as an
    InputError naming it, and the others go on.
    """

    def __init__(self, settings: Settings, linker: Linker | None = None) -> None:
        self.settings = settings
        self.linker = linker
        # Each worker holds two spaCy batches: one being parsed and the next one waiting.
        self.batch_size = settings.batch_size
        self.window = 2 * settings.batch_size
        self.inboxes: list[Any] = []
        self.outboxes: list[Connection] = []
        self.processes: list[Any] = []
        self.log_level = logging.getLogger().level
        self.finished: set[int] = set()
        self.complete = False  # every article sent and every result received
        writers = []
        start(settings.model)
        for index in range(settings.workers):
            inbox, outbox, writer, process = self._spawn(index)
            self.inboxes.append(inbox)
            self.outboxes.append(outbox)
            self.processes.append(process)
            writers.append(writer)
        for process in self.processes:
            process.start()
        for writer in writers:
            writer.close()  # so that a worker's pipe reads as closed once the worker is gone
        self.idle_deaths = 0  # workers that died with no article in hand
        self.received: deque[tuple[Any, ...]] = deque()  # messages read, not handled yet

    def _spawn(self, index: int) -> tuple[Any, Connection, Connection, Any]:
        inbox = _CONTEXT.Queue()
        reader, writer = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(
            target=_work,
            args=(index, self.settings, self.linker, inbox, writer, self.log_level, os.getpid()),
            name=f"newsgraph-ingest-{index}",
            daemon=True,
        )
        return inbox, reader, writer, process

    def _replace(self, index: int, first: tuple[int, Article] | None) -> None:
        """A new worker in place of a dead one, given `first` before anyone can see it."""
        old_inbox, old_outbox = self.inboxes[index], self.outboxes[index]
        inbox, outbox, writer, process = self._spawn(index)
        if first is not None:
            inbox.put(first)
        process.start()
        writer.close()
        self.inboxes[index], self.outboxes[index], self.processes[index] = inbox, outbox, process
        old_inbox.close()
        old_inbox.cancel_join_thread()
        old_outbox.close()
        self.finished.discard(index)

    def map(self, articles: Iterator[Article]) -> Iterator[SerializedGraph | InputError]:
        """Each article's graph, or the reason it has none, in input order."""
        workers = range(len(self.processes))
        in_flight = [0] * len(self.processes)
        given = [0] * len(self.processes)  # characters sent to each worker so far
        sent: dict[int, int] = {}  # sequence number -> worker
        held: dict[int, Article] = {}  # sequence number -> article, until its result is in
        retry: list[deque[int]] = [deque() for _ in workers]  # held by a worker that died
        alone = [False] * len(self.processes)  # parsing one article it is to be sent again
        stopped = [False] * len(self.processes)  # told there is nothing more
        done: dict[int, SerializedGraph | InputError] = {}
        next_in = next_out = 0
        exhausted = False

        def send(worker: int, sequence: int) -> None:
            self.inboxes[worker].put((sequence, held[sequence]))
            sent[sequence] = worker
            in_flight[worker] += 1

        while True:
            for worker in workers:
                if retry[worker] and in_flight[worker] == 0:
                    send(worker, retry[worker].popleft())
                    alone[worker] = True
            while not exhausted:
                free = [
                    w
                    for w in workers
                    if in_flight[w] < self.window and not retry[w] and not alone[w]
                ]
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
                    break
                held[next_in] = article
                send(worker, next_in)
                given[worker] += len(article.text)
                next_in += 1
            if exhausted:
                for worker in workers:
                    if not stopped[worker] and not retry[worker] and not alone[worker]:
                        self.inboxes[worker].put(None)
                        stopped[worker] = True
                if next_out == next_in:
                    self.complete = True
                    return
            message = self._receive()
            if message[0] == RESULT:
                sequence, result, answers = message[1:]
                worker = sent.pop(sequence)
                in_flight[worker] -= 1
                alone[worker] = False
                held.pop(sequence)
                done[sequence] = result
                if answers:
                    merge_answers(self.linker, answers)
            else:
                worker, exit_code = message[1:]
                lost = sorted(sequence for sequence, w in sent.items() if w == worker)
                if not lost and stopped[worker]:
                    continue  # told to stop, nothing in hand: nothing is lost
                if not lost:
                    self.idle_deaths += 1
                    if self.idle_deaths > MAX_IDLE_DEATHS:
                        raise NewsgraphError(
                            f"ingest worker {worker} stopped (exit code {exit_code}) with no "
                            f"article in hand, {self.idle_deaths} times; the articles stored so "
                            "far are whole"
                        )
                for sequence in lost:
                    del sent[sequence]
                in_flight[worker] = 0
                if alone[worker]:
                    # Its one article was in hand on two workers that died: give it up.
                    (sequence,) = lost
                    article = held.pop(sequence)
                    log.warning("ingest worker %s died on %s", worker, article.source)
                    done[sequence] = InputError(
                        article.source,
                        f"the ingest worker parsing it died twice (exit code {exit_code})",
                    )
                    alone[worker] = False
                else:
                    log.warning(
                        "ingest worker %s died (exit code %s); sending its %d articles again",
                        worker,
                        exit_code,
                        len(lost),
                    )
                    retry[worker].extend(lost)
                first = None
                if retry[worker]:
                    sequence = retry[worker].popleft()
                    first = (sequence, held[sequence])
                    sent[sequence] = worker
                    in_flight[worker] = 1
                    alone[worker] = True
                stopped[worker] = False
                self._replace(worker, first)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1

    def _receive(self) -> tuple[Any, ...]:
        """The next result, ("result", sequence, graph, answers), or a worker's death,
        ("died", worker, exit code)."""
        while True:
            while not self.received:
                self._read_ready()
            kind, worker, *rest = self.received.popleft()
            if kind in (RESULT, DIED):
                return (kind, *rest) if kind == RESULT else (kind, worker, *rest)
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
        for ready_pipe in ready:
            pipe = cast(Connection, ready_pipe)  # wait() gives back pipes it was given
            index = open_pipes[pipe]
            try:
                self.received.append(pipe.recv())
            except (EOFError, OSError):
                # The worker's end of the pipe closed (OSError: in the middle of a result, killed
                # while sending it): it is gone or going; its exit code says why. Its pipe is
                # read no more.
                process = self.processes[index]
                process.join(timeout=POLL_SECONDS)
                self.finished.add(index)
                self.received.append((DIED, index, process.exitcode))

    def _check_alive(self) -> None:
        """A worker gone while its pipe still reads as open is gone all the same."""
        for index, process in enumerate(self.processes):
            if index not in self.finished and not process.is_alive():
                self.finished.add(index)
                self.received.append((DIED, index, process.exitcode))

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


def start(model: str | None, modules: Sequence[str] = ()) -> None:
    """Start the server that workers are forked from, if it is not running, and have it load
    `model` (if any) and import `modules`; returns at once, while it loads.

    A server already running keeps what it loaded: a worker of a run with another model loads
    that one itself.
    """
    if not FORKS:
        return
    _CONTEXT.set_forkserver_preload([*PRELOAD, *modules])
    before = os.environ.get(PRELOAD_MODEL)
    os.environ[PRELOAD_MODEL] = model or ""  # the server inherits this process's environment
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ[PRELOAD_MODEL]
        else:
            os.environ[PRELOAD_MODEL] = before


def _work(
    index: int,
    settings: Settings,
    linker: Linker | None,
    inbox: Any,
    outbox: Connection,
    log_level: int,
    parent: int,
) -> None:
    """A worker's life: parse, extract and encode until told to stop (the model is loaded once,
    in the forkserver, or here if that failed), or until the ingest process `parent` is gone."""
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in SINGLE_THREADED:
        os.environ.setdefault(name, "1")  # before spaCy imports numpy, which reads them once
    try:
        # The worker's entry point: spaCy is imported after the thread variables above are set.
        from newsgraph.ingest import encoding, nlp
        from newsgraph.ontology import Minter

        parser = nlp.load(settings.model)
        minter = Minter(settings.base)
        answers = NewAnswers(linker)
        received = _received(inbox, parent)
        for sequence, result in encoding.encode_each(
            parser, received, settings.batch_size, minter, linker
        ):
            outbox.send((RESULT, index, sequence, result, answers.since_last()))
    except (BrokenPipeError, EOFError):
        return  # the parent is gone (killed): there is no one left to tell
    except BaseException as error:  # noqa: BLE001 - the parent raises it
        try:
            outbox.send((FAILED, index, _picklable(error)))
        except (BrokenPipeError, EOFError):
            pass  # the parent is gone as well
        return
    outbox.send((DONE, index))


def _received(inbox: Any, parent: int) -> Iterator[tuple[int, Article]]:
    """What the parent sends, until it says there is nothing more.

    Raises BrokenPipeError once the parent is gone. A worker would not see its inbox close: it
    holds both ends of the inbox's pipe (a Queue given to a process carries both), and a killed
    parent would leave it waiting forever. Nor does the kernel tell it (PR_SET_PDEATHSIG): its
    parent process is the forkserver, which stays while any worker does.
    """
    while True:
        try:
            message = inbox.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not _alive(parent):
                raise BrokenPipeError(f"the ingest process {parent} is gone") from None
            continue
        if message is None:
            return
        yield message


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _picklable(error: BaseException) -> BaseException:
    if isinstance(error, NewsgraphError) and not isinstance(error, InputError):
        return error
    return NewsgraphError(f"ingest worker failed: {error!r}")


class NewAnswers:
    """The live Wikidata answers a worker's linker cached since it last reported them."""

    def __init__(self, linker: Linker | None) -> None:
        self.cache: AnswerCache | None = None if linker is None else linker.cache
        self.reported: set[str] = set()
        if self.cache is not None:
            self.cache.path = None  # the parent owns the cache file
            self.reported = set(self.cache.answers)

    def since_last(self) -> dict[str, dict[str, Any]] | None:
        if self.cache is None or not self.cache.dirty:
            return None
        new = {k: v for k, v in self.cache.answers.items() if k not in self.reported}
        self.reported.update(new)
        self.cache.dirty = False
        return new or None


def merge_answers(linker: Linker | None, answers: dict[str, dict[str, Any]]) -> None:
    if linker is None:
        return
    cache = linker.cache
    cache.answers.update(answers)
    cache.dirty = True
    cache.save()
