"""Ingest on a Dask cluster: the workers parse, extract and build RDF; this process stores.

`newsgraph ingest --cluster ADDRESS` connects to a running Dask scheduler (`tcp://HOST:8786`);
`--cluster local` starts a local cluster of `--workers N` processes on 127.0.0.1. Every
cluster worker must have newsgraph and the spaCy model installed, as the machine running
ingest does.

The spaCy pipeline is loaded once per worker: a worker plugin starts, when the worker joins (or
when the plugin is registered), a parser process for each of its task threads, which loads it
and stays for every later run (newsgraph.ingest.encoding_process says why a process of its
own). Articles travel in batches of TASK_ARTICLES (at most `batch_size`), one task each; a task
hands its batch to a parser process, which parses it as the local worker processes do
(encoding.encode_each) and sends back each article's graph as N-Triples, and this process hands
the results, in input order, to the writer it was given: bulk chunks and journal, or a SPARQL
endpoint, exactly as without a cluster.

A worker that is lost mid-run costs nothing: the scheduler runs its tasks again elsewhere. A
batch that keeps killing the workers that take it (the scheduler gives up on it with
KilledWorker) is split into single articles; an article that kills a worker on its own is
named as skipped, and the rest of the batch is stored.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
from collections.abc import Iterator
from typing import Any

from newsgraph.errors import ConfigError, InputError, NewsgraphError
from newsgraph.ingest.articles import Article
from newsgraph.ingest.encoding_process import Batch, Encoded, EncodingProcess, ParserDied, Result
from newsgraph.ingest.linking import Linker

# The local pool's helper for a linker's new live-Wikidata answers: a worker reports them, the
# driver merges and saves them.
from newsgraph.ingest.workers import DASK_PRELOAD, FORKS, SINGLE_THREADED, merge_answers, start
from newsgraph.settings import LOCAL_CLUSTER, Settings

try:
    from distributed import WorkerPlugin
except ImportError:  # ClusterPool says what to install
    WorkerPlugin = object  # type: ignore[misc, assignment]

log = logging.getLogger(__name__)

PLUGIN = "newsgraph-ingest"
# Articles per task. A task's results come back together, so the last tasks of a run leave the
# other workers idle while they finish: a task of `batch_size` (32) articles kept one of two
# workers idle about 3 s at the end of a 300-article run. Eight parse as fast a document as 32
# (spaCy's small pipelines gain nothing from bigger batches here) and cost the scheduler little.
TASK_ARTICLES = 8
# Batches in flight per worker: one being parsed, one waiting, so that no worker idles between.
BATCHES_PER_WORKER = 2

# A parsing worker should keep its core: Dask's sampling profiler (every 10 ms), event-loop tick
# (20 ms) and monitors wake threads that take the GIL from the task thread. And a nanny starts
# its worker with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's adaptive mmap threshold:
# spaCy's arrays then come from mmap and go back to munmap each time, and parsing took 25% more
# CPU (system time four times the usual; measured on 100 articles). For a cluster of your own,
# set the same in its workers' configuration (README, "Running on a cluster").
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set
}

# A local cluster's workers are forked from newsgraph's forkserver, which has Dask imported
# (newsgraph.ingest.workers.start): they join at once, and start their parser processes.
LOCAL_WORKERS = {"distributed.worker.multiprocessing-method": "forkserver"} if FORKS else {}

# Each worker process's parser processes, by model, one per task thread: started once per worker,
# whatever number of runs and plugins come and go, and lent to a task for its batch.
_PARSERS: dict[str, queue.SimpleQueue[EncodingProcess]] = {}


def _parsers(model: str, count: int) -> list[EncodingProcess]:
    """The worker's `count` parser processes for `model`, all idle: those still alive, and new
    ones for the rest."""
    idle = _PARSERS.setdefault(model, queue.SimpleQueue())
    kept = []
    while not idle.empty():  # no task runs while a plugin is set up: every parser is here
        parser = idle.get()
        if parser.alive():
            kept.append(parser)
    return kept + [EncodingProcess(model) for _ in range(count - len(kept))]


class IngestPlugin(WorkerPlugin):
    """A Dask worker plugin: the parser processes a worker needs for a run, started when it
    joins (newsgraph.ingest.encoding_process)."""

    name = PLUGIN

    def __init__(self, settings: Settings, linker: Linker | None) -> None:
        self.model = settings.model
        self.base = settings.base
        self.batch_size = settings.batch_size
        self.linker = linker
        self.parsers: queue.SimpleQueue[EncodingProcess] | None = None

    def setup(self, worker: Any) -> None:
        parsers = _parsers(self.model, worker.state.nthreads)
        try:
            for parser in parsers:  # the first waits for the model, the others load meanwhile
                parser.setup(self.base, self.batch_size, self.linker)
        except NewsgraphError:
            for parser in parsers:  # no model, or one died: the next setup starts new ones
                parser.close()
            raise
        self.parsers = _PARSERS[self.model]
        for parser in parsers:
            self.parsers.put(parser)

    def teardown(self, worker: object) -> None:
        """The parser processes stay, with their pipeline, for the next run."""

    def encode(self, batch: Batch) -> Encoded:
        if self.parsers is None:
            raise NewsgraphError("the ingest plugin was not set up on this worker")
        parser = self.parsers.get()
        try:
            return parser.encode(batch)
        except ParserDied:
            # As a crash in the worker itself would: the scheduler runs the batch again
            # elsewhere, and names an article that keeps killing workers (ClusterPool.map).
            log.error("a parser process died on a batch; this worker stops")
            os._exit(1)
        finally:
            self.parsers.put(parser)


def encode_batch(batch: Batch) -> Encoded:
    """The task: one batch of articles, encoded by this worker's plugin."""
    from distributed import get_worker  # Dask, an optional extra, is there on a worker

    plugin = get_worker().plugins[PLUGIN]
    return plugin.encode(batch)  # type: ignore[attr-defined, no-any-return]


class ClusterPool:
    """A Dask client for one run: a connection to the cluster, or a local cluster it started."""

    def __init__(self, settings: Settings, linker: Linker | None = None) -> None:
        try:  # Dask is an optional extra: say what to install when it is missing
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(
                "--cluster needs Dask's distributed package: pip install 'newsgraph[cluster]'"
            ) from None
        self.settings = settings
        self.linker = linker
        self.cluster: Any = None
        # Dask logs each worker's comings and goings; newsgraph's own lines are enough.
        logging.getLogger("distributed").setLevel(logging.WARNING)
        address = settings.cluster
        if address == LOCAL_CLUSTER:
            import dask  # present: distributed, imported above, needs it

            # Set before the cluster starts, so its worker processes inherit it.
            dask.config.set(QUIET_WORKERS | LOCAL_WORKERS)
            start(None, DASK_PRELOAD)
            self.cluster = LocalCluster(
                n_workers=settings.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
                env={name: "1" for name in SINGLE_THREADED},
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout=30)
            except (OSError, TimeoutError, ValueError) as error:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at {address!r} ({error}); give its "
                    "address as tcp://HOST:PORT, or 'local' for a local cluster"
                ) from error
        # Registered now, so the parser processes load the model while this process reads.
        self.client.register_plugin(IngestPlugin(settings, linker), name=PLUGIN)
        self.batch_size = min(settings.batch_size, TASK_ARTICLES)
        self.closed = False

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, articles: Iterator[Article]) -> Iterator[Result]:
        """Each article's graph, or the reason it has none, in input order."""
        # Dask is an optional extra, present once __init__ connected.
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        numbered = enumerate(articles)
        batches = iter(lambda: list(itertools.islice(numbered, self.batch_size)), [])
        pending = as_completed()
        owner: dict[Any, Batch] = {}

        def submit(batch: Batch) -> None:
            future = self.client.submit(encode_batch, batch, pure=False)
            owner[future] = batch
            pending.add(future)

        for batch in itertools.islice(batches, BATCHES_PER_WORKER * self.workers()):
            submit(batch)
        done: dict[int, Result] = {}
        next_out = 0
        for future in pending:
            batch = owner.pop(future)
            try:
                results, answers = future.result()
            except KilledWorker:
                if len(batch) > 1:
                    for item in batch:  # find the article that kills workers; store the rest
                        submit([item])
                    continue
                sequence, article = batch[0]
                results = [(sequence, InputError(article.source, "a cluster worker died on it"))]
                answers = None
            except Exception as error:  # noqa: BLE001 - a task's own failure, re-raised here
                raise NewsgraphError(f"cluster ingest task failed: {error!r}") from error
            for sequence, result in results:
                done[sequence] = result
            if answers:
                merge_answers(self.linker, answers)
            following = next(batches, None)
            if following is not None:
                submit(following)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
        # Every batch came back: nothing is left in `done`.

    def close(self) -> None:
        """Disconnect; a local cluster is stopped, a running one keeps its workers."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.cluster is None:
                # A cluster that stays up drops this run's plugin (and its linker copy); the
                # workers keep their loaded pipeline for the next run.
                self.client.unregister_worker_plugin(PLUGIN)
        except Exception as error:  # noqa: BLE001 - leaving must not hide the run's outcome
            log.warning("could not unregister the ingest plugin: %s", error)
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
