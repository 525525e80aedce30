"""A Dask worker's parser: a process of its own, with one thread, that encodes its batches.

A Dask worker runs its tasks beside an event-loop thread. spaCy's wheels for Python 3.11 are
built with Cython's profiling hooks, which take and drop the GIL on every call of the parser's
GIL-free functions; in a process with more than one thread each of those hand-offs costs glibc's
atomic instructions, and spaCy parsed about 9% slower (docs/benchmarks.md, figure 24). A child
forked from the worker stays "multi-threaded" to glibc (it parsed as slowly), so the parser is
a fresh interpreter that never starts a thread. It loads the model, then reads messages from
its standard input and writes a reply to each on its standard output, both as pickles: a setup
is answered once the model is loaded (or with why it is not), a batch with its results. It
serves every run of the worker's life, and ends when the worker closes its input or dies.

Usage (what EncodingProcess runs): python -m newsgraph.ingest.encoding_process MODEL
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import subprocess
import sys
from typing import Any, BinaryIO

from newsgraph.errors import InputError, NewsgraphError
from newsgraph.ingest.articles import Article
from newsgraph.ingest.linking import Linker
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.ingest.workers import SINGLE_THREADED, NewAnswers
from newsgraph.ontology import Minter

Result = SerializedGraph | InputError
Batch = list[tuple[int, Article]]
Encoded = tuple[list[tuple[int, Result]], dict[str, Any] | None]
SETUP, ENCODE = "setup", "encode"


class ParserDied(NewsgraphError):
    """The parser process ended: killed, out of memory, or a crash in native code."""


class EncodingProcess:
    """The worker's end: starts the parser process and sends it one batch at a time."""

    def __init__(self, model: str) -> None:
        environment = {name: "1" for name in SINGLE_THREADED} | dict(os.environ)
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, model],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def setup(self, base: str, batch_size: int, linker: Linker | None) -> None:
        """What one run's batches are encoded with; raises what kept the model from loading."""
        self._send((SETUP, (base, batch_size, linker)))
        self._reply()

    def encode(self, batch: Batch) -> Encoded:
        self._send((ENCODE, batch))
        return self._reply()  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):  # a parser already gone has nothing to read
                self.process.stdin.close()  # the parser ends at the end of its input
        self.process.wait()

    def _send(self, message: tuple[str, Any]) -> None:
        pipe = self.process.stdin
        try:
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
            pipe.flush()  # type: ignore[union-attr]
        except OSError as error:
            raise ParserDied(f"the parser process ended ({self.process.poll()})") from error

    def _reply(self) -> Any:
        try:
            reply = pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            raise ParserDied(f"the parser process ended ({self.process.poll()})") from error
        if isinstance(reply, Exception):
            raise reply
        return reply


class _Encoder:
    """The parser process's end: the pipeline, and one run's minter and linker."""

    def __init__(self, model: str) -> None:
        # Imported here, in the parser process only: the worker never loads spaCy.
        from newsgraph.ingest import nlp

        self.parser = nlp.load(model)
        # The pipeline stays for the process's life: the collector need not scan it again (over
        # 100 articles, 0.07-0.08 s of collections without this, 0.01 s with it).
        gc.freeze()
        self.minter: Minter | None = None
        self.batch_size = 1
        self.linker: Linker | None = None
        self.answers = NewAnswers(None)

    def setup(self, base: str, batch_size: int, linker: Linker | None) -> None:
        self.minter = Minter(base)
        self.batch_size = batch_size
        self.linker = linker
        self.answers = NewAnswers(linker)

    def encode(self, batch: Batch) -> Encoded:
        from newsgraph.ingest import encoding

        if self.minter is None:
            raise NewsgraphError("the parser process was given a batch before its run's setup")
        results = list(
            encoding.encode_each(self.parser, batch, self.batch_size, self.minter, self.linker)
        )
        return results, self.answers.since_last()


def serve(model: str, requests: BinaryIO, replies: BinaryIO) -> None:
    """Answer each message read from `requests` on `replies`, until `requests` ends: a setup
    with None, a batch with its results, either with the error that stopped it."""
    encoder: _Encoder | NewsgraphError
    try:
        encoder = _Encoder(model)
    except Exception as error:  # noqa: BLE001 - told to every setup, so the worker says why
        encoder = NewsgraphError(f"the parser process could not load {model!r}: {error!r}")
    while True:
        try:
            kind, body = pickle.load(requests)
        except EOFError:
            return
        reply: Any
        try:
            if isinstance(encoder, NewsgraphError):
                raise encoder
            if kind == SETUP:
                encoder.setup(*body)
                reply = None
            else:
                reply = encoder.encode(body)
        except NewsgraphError as error:
            reply = error
        except Exception as error:  # noqa: BLE001 - the task that sent it raises it
            reply = NewsgraphError(f"encoding a batch failed: {error!r}")
        try:
            pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
            replies.flush()
        except BrokenPipeError:
            return  # the worker is gone


if __name__ == "__main__":
    # The replies keep standard output to themselves: anything printed goes to standard error.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.argv[1], sys.stdin.buffer, replies)
