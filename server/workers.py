"""Query workers: a small pool of long-lived processes, and the results they stream back.

A query runs in a worker process (see query_process) because pyoxigraph offers no way to cancel
one: when a query outlives its timeout, its worker is killed and a fresh one started, and the
server itself never stops answering. The timeout counts the time spent waiting for the worker,
not the time a slow client takes to read the result.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import multiprocessing
import os
import pickle
import socket
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from newsgraph.errors import NewsgraphError, QuerySyntaxError, QueryTimeout
from newsgraph.server import query_process
from newsgraph.server.negotiation import FORMATS_BY_KIND, not_acceptable
from newsgraph.server.query_process import (
    CHUNK,
    DATA,
    END,
    ERROR,
    FRAME,
    HEAD,
    JOB,
    READY,
    QueryJob,
)
from newsgraph.store import StoreFolder

log = logging.getLogger("newsgraph.server")

_SPAWN = multiprocessing.get_context("spawn")
READY_TIMEOUT = 60.0  # a worker imports pyoxigraph and nothing heavy: seconds at most
RESPAWN_DELAY = 1.0


class Snapshots:
    """The newest snapshot of a store folder, as CURRENT names it.

    CURRENT is read again when a request comes more than RECHECK seconds after the last
    read: a snapshot published by another process (an ingest) is seen within that time, and a
    busy server does not pay three system calls per request. An update applied by this server
    calls refresh(), so the next query sees it at once.
    """

    RECHECK = 0.005

    def __init__(self, folder: StoreFolder) -> None:
        self.folder = folder
        self._pointer = folder.path / "CURRENT"
        self._name: str | None = None
        self._current: Path | None = None
        self._read_at = -math.inf

    def current(self) -> Path | None:
        now = time.monotonic()
        if now - self._read_at < self.RECHECK:
            return self._current
        # Reading a few bytes is cheap, and unlike a stat it cannot miss a change.
        try:
            descriptor = os.open(self._pointer, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            name = os.read(descriptor, 256).decode("utf-8").strip()
        finally:
            os.close(descriptor)
        if name != self._name:
            self._current = self.folder.current()
            self._name = name
        self._read_at = now
        return self._current

    def refresh(self) -> None:
        """Read CURRENT again at the next request."""
        self._read_at = -math.inf


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


class QueryPool:
    """Worker processes, each holding the newest snapshot open, taking one job at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    async def start(self) -> None:
        for _ in range(self.size):
            self._spawn()

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            self._stop(worker)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def run(self, job: QueryJob, timeout: float) -> Result:
        """Start a job; the result comes back with its head and first chunk read.

        Raises QueryTimeout when no worker is free or the job outlives `timeout` seconds,
        QuerySyntaxError for a malformed query, NotAcceptable when the result's kind cannot
        be given in the requested formats, NewsgraphError when the query fails.
        """
        worker = await self._acquire(timeout)
        result = Result(self, worker, timeout)
        worker.writer.write(query_process.encode(JOB, pickle.dumps(job, protocol=5)))
        try:
            await result.prefetch()
        except asyncio.CancelledError:
            result.close()  # nobody waits for this job any more: stop it
            raise
        return result

    async def _acquire(self, timeout: float) -> _Worker:
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            if worker.process.is_alive():
                return worker
            self.replace(worker)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    worker = await self._idle.get()
                    if worker.process.is_alive():
                        return worker
                    self.replace(worker)
        except TimeoutError:
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again later"
            ) from None

    def release(self, worker: _Worker) -> None:
        self._idle.put_nowait(worker)

    def replace(self, worker: _Worker) -> None:
        """Kill a worker (busy with a job nobody wants any more) and start a fresh one."""
        self._stop(worker)
        self._spawn()

    def _spawn(self) -> None:
        if self._closing:
            return
        parent, child = socket.socketpair()
        process = _SPAWN.Process(
            target=query_process.main, args=(child,), name="newsgraph-query", daemon=True
        )
        process.start()
        child.close()
        self._track(self._welcome(process, parent))

    async def _welcome(self, process: BaseProcess, sock: socket.socket) -> None:
        try:
            reader, writer = await asyncio.open_connection(sock=sock)
            async with asyncio.timeout(READY_TIMEOUT):
                header = await reader.readexactly(FRAME.size)
                kind, length = FRAME.unpack(header)
                await reader.readexactly(length)
            if kind != READY:
                raise ConnectionError(f"unexpected first frame {kind!r}")
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            log.error("query worker %s did not start (%s); starting another", process.pid, error)
            process.kill()
            sock.close()
            await asyncio.sleep(RESPAWN_DELAY)
            self._spawn()
            return
        worker = _Worker(process, reader, writer)
        self._workers.add(worker)
        self._idle.put_nowait(worker)

    def _stop(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        worker.writer.close()
        worker.process.kill()
        # Reap it off the event loop; SIGKILL makes that immediate.
        self._track(asyncio.to_thread(worker.process.join, 5))

    def _track(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class Result:
    """One job's answer as it arrives from its worker: head, first chunk, then the rest."""

    def __init__(self, pool: QueryPool, worker: _Worker, timeout: float) -> None:
        self.kind = ""  # results, graph or count
        self.format = ""  # a member name of QueryResultsFormat or RdfFormat, or "rows"
        self.body = bytearray()  # what has been read so far and not handed out yet
        self.complete = False
        self.seconds = 0.0  # time spent waiting for the worker
        self._pool = pool
        self._worker: _Worker | None = worker
        self._timeout = timeout

    async def prefetch(self) -> None:
        """Read the head and the result up to its first full chunk (a small result whole)."""
        async with self._deadline():
            kind, payload = await self._read_frame()
            if kind != HEAD:
                self._fail(kind, payload)
            self.kind, _, self.format = payload.decode("ascii").partition(" ")
            while len(self.body) < CHUNK and not self.complete:
                kind, payload = await self._read_frame()
                if kind == DATA:
                    self.body += payload
                elif kind == END:
                    self._finish()
                else:
                    self._fail(kind, payload)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The whole result, from the first chunk on; the worker is freed at the end."""
        try:
            if self.body:
                first, self.body = bytes(self.body), bytearray()
                yield first
            while not self.complete:
                async with self._deadline():
                    kind, payload = await self._read_frame()
                if kind == DATA:
                    yield payload
                elif kind == END:
                    self._finish()
                else:
                    self._fail(kind, payload)
        finally:
            self.close()

    def close(self) -> None:
        """Give up on the result: its worker, if still busy with it, is replaced."""
        if self._worker is not None:
            self._pool.replace(self._worker)
            self._worker = None

    @property
    def milliseconds(self) -> float:
        return self.seconds * 1000

    @asynccontextmanager
    async def _deadline(self) -> AsyncIterator[None]:
        """Time spent in the block counts against the timeout; past it, the worker is killed."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout - self.seconds):
                yield
        except TimeoutError:
            self.close()
            raise QueryTimeout(
                f"query stopped after {self._timeout:g} s, the longest this server lets a "
                "query run (its query_timeout setting); add a LIMIT or narrow the patterns"
            ) from None
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise NewsgraphError(f"the query worker stopped unexpectedly ({error})") from error
        finally:
            self.seconds += time.perf_counter() - started

    async def _read_frame(self) -> tuple[bytes, bytes]:
        if self._worker is None:
            raise NewsgraphError("this result was abandoned")
        reader = self._worker.reader
        kind, length = FRAME.unpack(await reader.readexactly(FRAME.size))
        return kind, (await reader.readexactly(length) if length else b"")

    def _finish(self) -> None:
        self.complete = True
        if self._worker is not None:
            self._pool.release(self._worker)
            self._worker = None

    def _fail(self, kind: bytes, payload: bytes) -> None:
        if kind != ERROR:
            self.close()
            raise NewsgraphError(f"the query worker sent an unexpected frame {kind!r}")
        self._finish()  # an error ends the job: the worker is free again
        error = json.loads(payload)
        if error["kind"] == "syntax":
            raise QuerySyntaxError(error["message"])
        if error["kind"] == "not_acceptable":
            what = error["message"]
            raise not_acceptable(FORMATS_BY_KIND[what], f"{what} of this query")
        raise NewsgraphError(f"query failed: {error['message']}")
