"""Materialized results: the corpus-wide canned queries (`# materialize: yes`), answered once
by the writer as it publishes its final snapshot, and kept beside that snapshot.

Aggregates over the whole graph (top actors, top speakers, the timeline) take the engine
seconds on a large store, and their answer changes only when the store does. A writer that
finishes (an ingest, an update) runs them on the state it is about to publish and writes each
result, in SPARQL JSON, to `snapshots/N.materialized/NAME.srj` before CURRENT names snapshot N,
so the server can answer the first call after an ingest from a file. The snapshots a running
ingest publishes every few seconds get none: the server then runs the query as it would
without them, once per snapshot.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, Store

from newsgraph import queries

INDEX = "index.json"


@dataclass(frozen=True)
class Materialized:
    rows: int
    body: bytes  # SPARQL JSON results, as Oxigraph serializes them


def folder(snapshot: Path) -> Path:
    return snapshot.parent / f"{snapshot.name}.materialized"


def write(store: Store, snapshot: Path) -> None:
    """Answer every materialized canned query on `store`, whose state `snapshot` holds."""
    target = folder(snapshot)
    target.mkdir(parents=True, exist_ok=True)
    chosen = [query for query in queries.load().values() if query.materialized]
    # pyoxigraph releases the GIL while it evaluates, so the queries share the cores: on two,
    # the three take half their one-after-another time.
    with ThreadPoolExecutor(max_workers=min(len(chosen), os.cpu_count() or 1) or 1) as pool:
        bodies = list(pool.map(lambda query: _answer(store, query), chosen))
    index = {}
    for query, body in zip(chosen, bodies, strict=True):
        (target / f"{query.name}.srj").write_bytes(body)
        index[query.name] = {"rows": len(json.loads(body)["results"]["bindings"])}
    # The index is written last, so a result file without it is never read.
    partial = target / (INDEX + ".tmp")
    partial.write_text(json.dumps(index), encoding="utf-8")
    os.replace(partial, target / INDEX)


def _answer(store: Store, query: queries.CannedQuery) -> bytes:
    return queries.run(store, query).serialize(format=QueryResultsFormat.JSON)  # type: ignore[return-value]  # no output: bytes


def read(snapshot: Path, name: str) -> Materialized | None:
    """The materialized result of a canned query on a snapshot, if its writer left one."""
    target = folder(snapshot)
    try:
        index = json.loads((target / INDEX).read_text(encoding="utf-8"))
        if name not in index:
            return None
        return Materialized(index[name]["rows"], (target / f"{name}.srj").read_bytes())
    except (FileNotFoundError, ValueError, KeyError):
        return None
