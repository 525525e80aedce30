"""Serving an external SPARQL 1.1 store: `newsgraph serve --endpoint URL [--update-endpoint URL]`.

Two stand-ins take the place of the embedded store's parts, and the protocol, the canned API
and the cache work over them unchanged:

- ExternalPool for the query worker pool: a job is sent to the store over HTTP, at most
  `query_workers` at a time, and the answer, read whole (a SELECT is capped at max_rows as
  before), is parsed and serialized again by Oxigraph in the format the client asked for. So
  every store gives the same bytes for the same rows, `rows` works, and Virtuoso's non-canonical
  booleans ("1" for true) come out canonical.
- ChangeStamp for the snapshot pointer: the store's last change stamp (stamp_change.ru), which
  every `newsgraph ingest --endpoint` write replaces and this server polls in the background.
  The ETag and the result cache key on it, so a write is seen within POLL_SECONDS. A store
  without a stamp (never written by newsgraph) gets no caching: each request is a new key.

What the embedded store does and a remote one is asked to do:
- the union default graph: the store must be started with it (Oxigraph: --union-default-graph;
  Virtuoso does it without a FROM clause); the server cannot rewrite queries into it;
- timeouts: the server stops waiting after query_timeout (503) and closes the connection; the
  store's own limit stops the query itself (Oxigraph: --timeout-s; Virtuoso: MaxQueryExecutionTime,
  whose partial "anytime" answers are turned into 503 here rather than passed on as complete);
- the SERVICE allow-list is checked here, before the query leaves;
- full-text search: the index lives in the store folder (`--store`), as for the embedded store;
  `newsgraph ingest --endpoint` keeps it, `newsgraph search --rebuild --endpoint` builds it from
  the store, and an update through this server rebuilds it, as the embedded store's writer does;
- bindings: a remote store takes none, so canned-query parameters go in as a VALUES block
  written by Oxigraph (terms, never text), at the top of the query's WHERE clause; predeclared
  prefixes (ng:, schema:...) go in as PREFIX lines the query does not declare itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from newsgraph import search
from newsgraph.errors import BadRequest, Forbidden, NewsgraphError, QuerySyntaxError, QueryTimeout
from newsgraph.ontology import PREFIXES
from newsgraph.results import solutions
from newsgraph.server.lexer import prologue, tokenize
from newsgraph.server.negotiation import FORMATS_BY_KIND, GRAPH, RESULTS, not_acceptable
from newsgraph.server.query_process import QueryJob, _rows
from newsgraph.settings import Settings
from newsgraph.sparql_text import sparql_file
from newsgraph.store import RemoteWriter, StoreFolder, change_stamp_update

log = logging.getLogger("newsgraph.server")

POLL_SECONDS = 0.5
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_BOOLEAN = b"http://www.w3.org/2001/XMLSchema#boolean"
COUNT_QUERY = "SELECT (COUNT(*) AS ?quads) WHERE { GRAPH ?graph { ?s ?p ?o } }"


class UpstreamError(NewsgraphError):
    """The external store failed or could not be reached."""

    status = 502


@dataclass(frozen=True)
class Version:
    """What the embedded store's snapshot path is to the protocol: the state results depend on."""

    name: str

    def __str__(self) -> str:
        return self.name


class ChangeStamp:
    """The store's last change stamp, polled in the background; stands for workers.Snapshots."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._stamp: str | None = None
        self._unkeyed = itertools.count()

    def current(self) -> Version:
        if self._stamp is None:
            return Version(f"unstamped-{next(self._unkeyed)}")  # never the same key twice
        return Version(f"{self.endpoint}#{self._stamp}")

    def refresh(self) -> None:
        """An update went through this server: no cached result until the next poll."""
        self._stamp = None

    def set(self, stamp: str | None) -> None:
        self._stamp = stamp


class ExternalPool:
    """Queries to the external store, at most `size` at a time; stands for workers.QueryPool."""

    def __init__(self, settings: Settings, stamp: ChangeStamp) -> None:
        self.endpoint = settings.endpoint
        self.update_endpoint = settings.update_endpoint
        self.search_index = StoreFolder(settings.store).search_index
        self.size = settings.query_workers
        self.stamp = stamp
        self._slots = asyncio.Semaphore(self.size)
        self._client: httpx.AsyncClient | None = None
        self._poller: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if not self.search_index.is_file():
            log.warning(
                "no search index at %s: /api/search finds nothing until `newsgraph ingest "
                "--endpoint` or `newsgraph search --rebuild --endpoint` writes one there "
                "(give either the --store this server was given)",
                self.search_index,
            )
        self._client = httpx.AsyncClient(headers={"User-Agent": "newsgraph"})
        await self._poll_once()
        self._poller = asyncio.ensure_future(self._poll())

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self._client is not None:
            await self._client.aclose()

    async def run(self, job: QueryJob, timeout: float) -> ExternalResult:
        """Answer a job as workers.QueryPool.run does, by asking the store."""
        started = time.perf_counter()
        if job.op == "count":
            response = await self._send(COUNT_QUERY, {}, timeout)
            rows = list(
                solutions(parse_query_results(response.content, format=QueryResultsFormat.JSON))
            )
            body = rows[0]["quads"].value.encode() if rows else b"0"
            return ExternalResult("count", "-", bytearray(body), time.perf_counter() - started)
        options = dict(job.options)
        text = with_prefixes(job.text)
        substitutions = options.pop("substitutions", None)
        if substitutions:
            text = with_values(text, substitutions)
        params = {
            "default-graph-uri": [term.value for term in options.get("default_graph", [])],
            "named-graph-uri": [term.value for term in options.get("named_graphs", [])],
        }
        response = await self._send(text, params, timeout - (time.perf_counter() - started))
        kind, name, body = await asyncio.to_thread(_convert, response, job.formats)
        return ExternalResult(kind, name, bytearray(body), time.perf_counter() - started)

    async def _send(
        self, text: str, params: dict[str, Any], timeout: float, slot: bool = True
    ) -> httpx.Response:
        if self._client is None:
            raise UpstreamError("the server has not started its connection to the store")
        try:
            async with asyncio.timeout(max(timeout, 0.001)):
                async with self._slots if slot else contextlib.nullcontext():
                    response = await self._client.post(
                        self.endpoint,
                        data={"query": text, **{k: v for k, v in params.items() if v}},
                        headers={"Accept": ACCEPT},
                        timeout=None,
                    )
        except TimeoutError:
            raise QueryTimeout(
                f"query stopped after {timeout:g} s, the longest this server lets a query run "
                "(its query_timeout setting); add a LIMIT or narrow the patterns"
            ) from None
        except httpx.TransportError as error:
            raise UpstreamError(f"cannot reach the store at {self.endpoint} ({error})") from error
        _check(response, self.endpoint)
        return response

    def update(self, text: str) -> None:
        """Send an update to the store's update endpoint, stamp the change, and rebuild the
        search index if there is one: the update may have changed any article (blocking)."""
        if not self.update_endpoint:
            raise Forbidden(
                "this server serves an external store read-only: start it with --update-endpoint"
            )
        with httpx.Client(headers={"User-Agent": "newsgraph"}, timeout=60.0) as client:
            for body in (text, change_stamp_update()):
                try:
                    response = client.post(
                        self.update_endpoint,
                        content=body.encode("utf-8"),
                        headers={"Content-Type": "application/sparql-update"},
                    )
                except httpx.TransportError as error:
                    raise UpstreamError(
                        f"cannot reach the store at {self.update_endpoint} ({error})"
                    ) from error
                _check(response, self.update_endpoint)
        if self.search_index.is_file():
            index = search.SearchIndex(self.search_index)
            source = RemoteWriter(self.endpoint, self.update_endpoint)
            try:
                index.rebuild(source)
            finally:
                source.close()
                index.close()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self._poll_once()

    async def _poll_once(self) -> None:
        try:
            # Not behind the queries' slots: a full pool would otherwise turn caching off
            # exactly when it saves most.
            response = await self._send(sparql_file("last_change.rq"), {}, 10.0, slot=False)
            rows = list(
                solutions(parse_query_results(response.content, format=QueryResultsFormat.JSON))
            )
            self.stamp.set(max(row["stamp"].value for row in rows) if rows else None)
        except (NewsgraphError, SyntaxError, ValueError) as error:
            log.warning("change stamp of %s not read: %s", self.endpoint, error)
            self.stamp.set(None)


@dataclass
class ExternalResult:
    """A whole answer from the store, shaped as workers.Result for the protocol's handlers."""

    kind: str
    format: str
    body: bytearray
    seconds: float
    complete: bool = True

    @property
    def milliseconds(self) -> float:
        return self.seconds * 1000

    async def chunks(self) -> Any:
        yield bytes(self.body)

    def close(self) -> None:
        """Nothing is held: the answer came whole."""


def _check(response: httpx.Response, url: str) -> None:
    if response.headers.get("x-sql-state") == "S1TAT":
        # Virtuoso's "anytime" answer: what it found before its own time limit, not the result.
        raise QueryTimeout(f"the store at {url} stopped the query at its own time limit")
    if response.status_code == 400:
        raise QuerySyntaxError(f"the store rejected the query: {response.text[:1000].strip()}")
    if response.status_code >= 400:
        raise UpstreamError(f"{url} answered {response.status_code}: {response.text[:300]}")


def _convert(response: httpx.Response, formats: Mapping[str, str | None]) -> tuple[str, str, bytes]:
    """The store's answer as (kind, format name, bytes) in the format the client asked for."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    results_format = QueryResultsFormat.from_media_type(media_type)
    kind = RESULTS if results_format is not None else GRAPH
    name = formats.get(kind)
    if name is None:
        raise not_acceptable(FORMATS_BY_KIND[kind], f"{kind} of this query")
    content = response.content
    if results_format is not None:
        if results_format == QueryResultsFormat.JSON and _BOOLEAN in content:
            content = _canonical_booleans(content)
        result = parse_query_results(content, format=results_format)
        if name == "rows":
            if not isinstance(result, QuerySolutions):
                raise not_acceptable(FORMATS_BY_KIND[kind], f"{kind} of this query")
            return kind, name, _rows(result)
        answer: QuerySolutions | QueryBoolean = result
        body = answer.serialize(format=getattr(QueryResultsFormat, name))
        return kind, name, body  # type: ignore[return-value]  # no output: bytes
    rdf_format = RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise UpstreamError(f"the store answered in {media_type!r}, which newsgraph cannot read")
    if name == "rows":
        raise not_acceptable(FORMATS_BY_KIND[kind], f"{kind} of this query")
    triples = parse(content, format=rdf_format)
    return kind, name, serialize(triples, format=getattr(RdfFormat, name))  # type: ignore[return-value]  # no output: bytes


def _canonical_booleans(content: bytes) -> bytes:
    """SPARQL JSON with xsd:boolean values in their canonical form (Virtuoso writes 1 and 0)."""
    document = json.loads(content)
    for binding in document.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("datatype") == _BOOLEAN.decode() and term.get("value") in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(document).encode("utf-8")


def with_prefixes(text: str) -> str:
    """The query with PREFIX lines for the predeclared prefixes it does not declare itself."""
    declared, _, _ = prologue(tokenize(text))
    missing = "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared
    )
    return missing + text


def with_values(text: str, substitutions: dict[str, Any]) -> str:
    """The query with its variables bound as pyoxigraph's substitutions bind them.

    A remote store takes no bindings, so each WHERE clause, the query's and its subqueries',
    that uses a bound variable gets one VALUES row at its top: a subquery is evaluated on its
    own, and a bound variable must be bound inside it too (actor_profile counts an actor's
    events in one). The terms are pyoxigraph terms written in their N-Triples form by Oxigraph.
    Raises BadRequest for a query without a WHERE clause.
    """
    tokens = tokenize(text)
    insertions: list[tuple[int, str]] = []
    for index, token in enumerate(tokens[:-1]):
        if not (token.is_word("WHERE") and tokens[index + 1].text == "{"):
            continue
        opening = tokens[index + 1]
        used = []
        for inner in tokens[index + 2 :]:
            if inner.depth <= opening.depth:
                break  # the clause's closing brace
            if inner.kind == "var" and inner.text[1:] in substitutions:
                used.append(inner.text[1:])
        names = [name for name in substitutions if name in used]
        if names:
            variables = " ".join(f"?{name}" for name in names)
            row = " ".join(str(substitutions[name]) for name in names)
            insertions.append((opening.end, f" VALUES ({variables}) {{ ({row}) }} "))
    if not insertions:
        if not any(token.is_word("WHERE") for token in tokens):
            raise BadRequest("a query with parameters needs a WHERE clause")
        return text
    for position, values in reversed(insertions):
        text = text[:position] + values + text[position:]
    return text
