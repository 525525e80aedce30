"""The query worker process: runs one query at a time over the newest snapshot, read-only.

pyoxigraph cannot cancel a running query, so each one runs here, in a process the server can
kill when the query outlives its timeout. The process is long-lived: it keeps the snapshot open
between jobs and reopens it only when a job names a newer one. Results are serialized by
Oxigraph straight into frames on a socket, so the server only forwards bytes.

Frames, both ways, are a 1-byte type and a 4-byte length, then the payload:
    server -> worker   J  a pickled job
    worker -> server   R  ready (once, after start-up)
                       H  head: "<kind> <format>", kind being results, graph or count
                       D  a chunk of the serialized result
                       E  end of the result
                       X  an error, as JSON {"kind": ..., "message": ...}; ends the job

Only the standard library and pyoxigraph are imported here, so a fresh worker starts fast.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import pickle
import signal
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

from pyoxigraph import QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, Store, Variable

from newsgraph.ontology import PREFIXES

FRAME = struct.Struct("!cI")
JOB, READY, HEAD, DATA, END, ERROR = b"J", b"R", b"H", b"D", b"E", b"X"
CHUNK = 64 * 1024

_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
        "unsignedByte",
    )
}  # fmt: skip
_FLOATING = {"http://www.w3.org/2001/XMLSchema#" + name for name in ("decimal", "double", "float")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass(frozen=True)
class QueryJob:
    """What the server asks a query worker (or an external store, server.external) to answer.

    `op` "count" asks for the number of quads and reads only `snapshot`. `options` are
    keyword arguments of Store.query, substitutions keyed by variable name; `formats` names the
    Oxigraph format wanted for "results" and for "graph", None where that kind is refused.
    `original` is the user's own text when `text` was rewritten, to report syntax errors in it.
    """

    op: Literal["query", "count"]
    snapshot: str | None
    text: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    formats: Mapping[str, str | None] = field(default_factory=dict)
    original: str | None = None


def encode(kind: bytes, payload: bytes = b"") -> bytes:
    return FRAME.pack(kind, len(payload)) + payload


class _Output:
    """A binary file for Oxigraph's serializers that sends what it is given as DATA frames."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.frames = bytearray()  # framed, not sent yet
        self.pending = bytearray()  # serialized, not framed yet
        self.sent = False

    def head(self, text: str) -> None:
        self.frames += encode(HEAD, text.encode("ascii"))

    def write(self, data: bytes) -> int:
        self.pending += data
        if len(self.pending) >= CHUNK:
            self._frame_pending()
            self._send()
        return len(data)

    def flush(self) -> None:
        """Oxigraph flushes as it goes; frames are sent when a chunk is full."""

    def end(self) -> None:
        self._frame_pending()
        self.frames += encode(END)
        self._send()

    def fail(self, kind: str, message: str) -> None:
        if not self.sent:
            self.frames.clear()  # an error before any byte left: the server answers cleanly
        self.pending.clear()
        self.frames += encode(ERROR, json.dumps({"kind": kind, "message": message}).encode())
        self._send()

    def _frame_pending(self) -> None:
        if self.pending:
            self.frames += encode(DATA, bytes(self.pending))
            self.pending.clear()

    def _send(self) -> None:
        self.sock.sendall(self.frames)
        self.frames.clear()
        self.sent = True


def main(sock: socket.socket) -> None:
    """The worker's loop: read a job, answer it, until the server closes the socket."""
    _die_with_parent()
    # Ctrl-C in a terminal reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reader = sock.makefile("rb")
    store = Store()
    snapshot: str | None = None
    sock.sendall(encode(READY, str(os.getpid()).encode()))
    while True:
        job = _read_job(reader)
        if job is None:
            return
        output = _Output(sock)
        try:
            if job.snapshot != snapshot:
                store = Store.read_only(job.snapshot) if job.snapshot else Store()
                snapshot = job.snapshot
            _run(store, job, output)
        except SyntaxError as error:
            output.fail("syntax", str(error))
        except (BrokenPipeError, ConnectionResetError):
            return  # the server gave up on this job and closed the socket
        except Exception as error:  # noqa: BLE001 - any failure is the job's, not the worker's
            output.fail("error", f"{type(error).__name__}: {error}")


def _run(store: Store, job: QueryJob, output: _Output) -> None:
    if job.op == "count":
        output.head("count -")
        output.write(str(len(store)).encode())
        output.end()
        return
    options = dict(job.options)
    # The namespaces of our data are predeclared, as many endpoints do; a query's own PREFIX
    # declarations still win.
    options.setdefault("prefixes", PREFIXES)
    if "substitutions" in options:
        options["substitutions"] = {Variable(k): v for k, v in options["substitutions"].items()}
    try:
        result = store.query(job.text, **options)
    except SyntaxError:
        original = job.original
        if original is not None and original != job.text:
            # The row limit was written into the text: report the error in the user's own
            # text, whose line and column they can find. Over an empty store this is instant.
            Store().query(original, prefixes=PREFIXES, base_iri=options.get("base_iri"))
        raise
    kind = "graph" if isinstance(result, QueryTriples) else "results"
    name = job.formats.get(kind)
    if name is None:
        output.fail("not_acceptable", kind)
        return
    if name == "rows" and isinstance(result, QuerySolutions):
        output.head("results rows")
        output.write(_rows(result))
        output.end()
        return
    if name == "rows":
        output.fail("not_acceptable", kind)
        return
    output.head(f"{kind} {name}")
    chosen = getattr(RdfFormat if kind == "graph" else QueryResultsFormat, name)
    # _Output writes like a binary file, and the format is of the result's kind.
    result.serialize(output, format=chosen)  # type: ignore[arg-type]
    output.end()


def _rows(result: QuerySolutions) -> bytes:
    """The solutions as a JSON list of flat objects: the dashboard-friendly `rows` format."""
    document = json.loads(result.serialize(format=QueryResultsFormat.JSON))  # type: ignore[arg-type]  # no output: bytes
    rows = [
        {name: _plain(term) for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def _plain(term: dict[str, str]) -> str | int | float | bool:
    value = term["value"]
    if term["type"] == "bnode":
        return "_:" + value
    datatype = term.get("datatype")
    try:
        if datatype in _NUMERIC:
            return int(value)
        if datatype in _FLOATING and math.isfinite(float(value)):
            return float(value)
    except ValueError:
        return value
    if datatype == _BOOLEAN:
        return value in ("true", "1")
    return value


def _read_job(reader: BinaryIO) -> QueryJob | None:
    header = reader.read(FRAME.size)
    if len(header) < FRAME.size:
        return None
    _kind, length = FRAME.unpack(header)
    payload = reader.read(length)
    if len(payload) < length:
        return None
    job: QueryJob = pickle.loads(payload)
    return job


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the worker still exits when its socket closes
