"""The SPARQL 1.1 Protocol: queries at /sparql, updates at /update.

Queries run in the worker pool over the newest snapshot; the server itself only reads the
request, checks it (one query, allowed SERVICE calls, an acceptable format), caps a SELECT at
max_rows and forwards the worker's bytes. Updates open the primary database for writing and
publish a new snapshot, which the next query sees.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from pyoxigraph import NamedNode
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from newsgraph.errors import BadRequest, Forbidden, NewsgraphError, QuerySyntaxError
from newsgraph.ontology import PREFIXES
from newsgraph.server.cache import CACHE_CONTROL, ResultCache, etag, matches
from newsgraph.server.description import description, serialized
from newsgraph.server.federation import check_services
from newsgraph.server.lexer import prologue, tokenize
from newsgraph.server.negotiation import (
    GRAPH,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    RESULTS,
    Format,
    choose,
    not_acceptable,
)
from newsgraph.server.paging import shape, with_limit
from newsgraph.server.query_process import QueryJob
from newsgraph.server.responses import error_response, result_response
from newsgraph.server.update_dataset import with_dataset
from newsgraph.server.workers import QueryPool, Snapshots
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

FORM_ENCODED = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
log = logging.getLogger("newsgraph.server")
_KIND_OF_FORM = {"SELECT": RESULTS, "ASK": RESULTS, "CONSTRUCT": GRAPH, "DESCRIBE": GRAPH}
_FORMAT_OF = {(f.kind, f.oxigraph): f for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}


@dataclass(frozen=True)
class Prepared:
    """A query checked for SERVICE calls, with the row limit written in."""

    form: str | None
    declares_dataset: bool
    text: str
    cacheable: bool  # its result depends on the snapshot alone
    # The predeclared prefixes (ontology.PREFIXES) it uses without declaring them: the query
    # worker hands Oxigraph only these, since building the map costs a third of a small query.
    prefixes: dict[str, str]


# Queries sent again and again (dashboards, benchmarks) are checked and rewritten once.
_CACHED_QUERY_LENGTH = 16_384


def prepare(text: str, max_rows: int, service_allow: tuple[str, ...]) -> Prepared:
    """The query as it will run; raises BadRequest for a SERVICE call that is not allowed."""
    if len(text) <= _CACHED_QUERY_LENGTH:
        return _prepare_cached(text, max_rows, service_allow)
    return _prepare(text, max_rows, service_allow)


# Functions whose value changes from one run to the next, so a result using them is not kept.
_VOLATILE = {"NOW", "RAND", "UUID", "STRUUID", "BNODE"}


def _prepare(text: str, max_rows: int, service_allow: tuple[str, ...]) -> Prepared:
    federated = bool(check_services(text, service_allow))
    tokens = tokenize(text)
    query_shape = shape(text, tokens)
    limited = with_limit(text, max_rows, tokens=tokens)
    volatile = any(token.kind == "word" and token.text.upper() in _VOLATILE for token in tokens)
    declared = prologue(tokens)[0]
    used = {t.text.partition(":")[0] for t in tokens if t.kind == "pname"} - declared.keys()
    return Prepared(
        query_shape.form,
        query_shape.declares_dataset,
        limited,
        not (federated or volatile),
        {name: PREFIXES[name] for name in sorted(used) if name in PREFIXES},
    )


_prepare_cached = lru_cache(maxsize=512)(_prepare)


class Protocol:
    """The handlers of /sparql and /update for one store folder."""

    def __init__(
        self,
        settings: Settings,
        pool: QueryPool,
        snapshots: Snapshots,
        cache: ResultCache,
        update: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.snapshots = snapshots
        self.cache = cache
        self.folder = StoreFolder(settings.store)
        self._update_lock = asyncio.Lock()
        self._external_update = update  # an external store's (server.external), if it serves one

    def add_routes(self, app: FastAPI) -> None:
        # GET and POST /sparql are answered by SparqlFastPath before the router; this route
        # only gives other methods their 405. The operations are documented by hand.
        app.router.routes.append(Route("/sparql", self.query, methods=["GET", "POST"]))
        app.add_api_route(
            "/update",
            self.update,
            methods=["POST"],
            status_code=204,
            summary="SPARQL 1.1 update endpoint",
            description=_UPDATE_DOC,
            tags=["SPARQL"],
            openapi_extra=_UPDATE_OPENAPI,
        )

    @staticmethod
    def openapi_paths() -> dict[str, Any]:
        """The OpenAPI operations of /sparql, which FastAPI does not see (see add_routes)."""
        return {
            "/sparql": {
                method.lower(): {
                    "tags": ["SPARQL"],
                    "summary": f"SPARQL 1.1 query endpoint ({method})",
                    "description": _QUERY_DOC,
                    "operationId": f"sparql_{method.lower()}",
                    **(_QUERY_GET_OPENAPI if method == "GET" else _QUERY_POST_OPENAPI),
                }
                for method in ("GET", "POST")
            }
        }

    async def query(self, request: Request) -> Response:
        """Answer a query (GET, POST form or POST direct), or describe the service."""
        params = await _parameters(request, QUERY_TYPE, "query")
        queries = _values(params, "query")
        if queries and _values(params, "update"):
            raise BadRequest("a request carries a query or an update, not both")
        if _values(params, "update"):
            raise BadRequest("updates are not run at /sparql: POST them to /update")
        if len(queries) > 1:
            raise BadRequest(f"{len(queries)} query parameters given; send exactly one")
        accept = request.headers.get("accept")
        requested = _values(params, "format")
        if not queries:
            if request.method == "POST":
                raise BadRequest(
                    f"no query: send it as the query parameter or as a {QUERY_TYPE} body"
                )
            return self._description(request, accept, requested)
        prepared = prepare(queries[0], self.settings.max_rows, tuple(self.settings.service_allow))
        chosen = {
            RESULTS: choose(RESULT_FORMATS, accept, requested),
            GRAPH: choose(GRAPH_FORMATS, accept, requested),
        }
        kind = _KIND_OF_FORM.get(prepared.form or "")
        if kind is not None and chosen[kind] is None:
            formats = RESULT_FORMATS if kind == RESULTS else GRAPH_FORMATS
            raise not_acceptable(formats, f"{prepared.form} results")
        if chosen[RESULTS] is None and chosen[GRAPH] is None:
            raise not_acceptable((*RESULT_FORMATS, *GRAPH_FORMATS), "results")
        snapshot = self.snapshots.current()
        job = QueryJob(
            op="query",
            snapshot=str(snapshot) if snapshot else None,
            text=prepared.text,
            original=queries[0],
            # Relative IRIs resolve against the endpoint's own URL, as Oxigraph's server does.
            options={
                **_dataset(params, prepared.declares_dataset),
                "base_iri": _endpoint(request),
                "prefixes": prepared.prefixes,
            },
            formats={k: (f.oxigraph if f else None) for k, f in chosen.items()},
        )
        headers = {"Vary": "Accept"}
        tag = None
        if prepared.cacheable:
            tag = etag(job.snapshot, job.text, job.options, job.formats)
            headers |= {"ETag": tag, "Cache-Control": CACHE_CONTROL}
            if matches(request.headers.get("if-none-match"), tag):
                return Response(status_code=304, headers=headers)
            cached = self.cache.get(tag)
            if cached is not None:
                return Response(cached[1], media_type=cached[0], headers=headers)
        result = await self.pool.run(job, self.settings.query_timeout)
        media_type = _FORMAT_OF[(result.kind, result.format)].media_type
        # Only a result that came whole with its first chunk is kept: a large one streams
        # through without a copy, so its memory stays flat.
        if tag is not None and result.complete:
            self.cache.put(tag, media_type, bytes(result.body))
        return result_response(request, result, media_type, headers)

    async def update(self, request: Request) -> Response:
        """Apply an update to the primary database and publish a snapshot; 204 when done."""
        self._authorize(request)
        params = await _parameters(request, UPDATE_TYPE, "update")
        updates = _values(params, "update")
        if updates and _values(params, "query"):
            raise BadRequest("a request carries a query or an update, not both")
        if not updates:
            raise BadRequest(f"no update: send it as the update parameter or a {UPDATE_TYPE} body")
        if len(updates) > 1:
            raise BadRequest(f"{len(updates)} update parameters given; send exactly one")
        check_services(updates[0], self.settings.service_allow)
        text = with_dataset(
            updates[0],
            [_iri("using-graph-uri", value) for value in _values(params, "using-graph-uri")],
            [
                _iri("using-named-graph-uri", value)
                for value in _values(params, "using-named-graph-uri")
            ],
        )
        # One writer at a time from this server; a concurrent ingest answers StoreBusy (503).
        async with self._update_lock:
            try:
                await asyncio.to_thread(self._apply, text, _endpoint(request))
            finally:
                self.snapshots.refresh()
        return Response(status_code=204)

    def _apply(self, text: str, base_iri: str) -> None:
        if self._external_update is not None:
            # The external store resolves the update's relative IRIs against its own base.
            self._external_update(text)
            return
        try:
            with self.folder.writer() as writer:
                writer.update(text, base_iri=base_iri)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except RuntimeError as error:
            # The update parsed but cannot be applied as asked ("The graph <g> does not
            # exist" for CLEAR or DROP without SILENT): the request's fault, not the server's.
            raise BadRequest(f"the update cannot be applied: {error}") from error

    def _authorize(self, request: Request) -> None:
        token = self.settings.update_token
        if not token:
            raise Forbidden("updates are disabled: this server was started without an update_token")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8"), token.encode("utf-8")
        ):
            raise Forbidden("updates need the header 'Authorization: Bearer <update_token>'")

    def _description(self, request: Request, accept: str | None, requested: list[str]) -> Response:
        chosen = choose(GRAPH_FORMATS, accept, requested)
        if chosen is None:
            raise not_acceptable(GRAPH_FORMATS, "the service description")
        endpoint = _endpoint(request)
        body = serialized(description(endpoint, self.settings), chosen)
        return Response(body, media_type=chosen.media_type)


class SparqlFastPath:
    """ASGI middleware answering GET and POST /sparql itself, ahead of FastAPI (see app._App);
    everything else goes on to the app it wraps."""

    def __init__(self, app: ASGIApp, protocol: Protocol) -> None:
        self.app = app
        self.protocol = protocol

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "POST")
            or scope["path"].removeprefix(scope.get("root_path", "")) != "/sparql"
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.protocol.query(request)
        except NewsgraphError as error:
            response = await error_response(request, error)
        except Exception:  # what FastAPI's ServerErrorMiddleware does for its routes
            log.exception("%s /sparql failed", scope["method"])
            response = JSONResponse({"error": "internal server error"}, status_code=500)
        await response(scope, receive, send)


async def _parameters(
    request: Request, direct_type: str, direct_name: str
) -> list[tuple[str, str]]:
    """The request's parameters: from the URL, and from a form or direct POST body."""
    # What request.query_params holds, without building its multidict on this busy path.
    query_string = request.scope.get("query_string", b"").decode("latin-1")
    params = parse_qsl(query_string, keep_blank_values=True)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == UPDATE_TYPE and direct_type == QUERY_TYPE:
        raise BadRequest("updates are not run at /sparql: POST them to /update")
    if content_type not in (FORM_ENCODED, direct_type):
        raise BadRequest(
            f"POST a {direct_name} as {FORM_ENCODED} or {direct_type}, "
            f"not {content_type or 'a body without Content-Type'}"
        )
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the request body is not UTF-8 ({error})") from error
    if content_type == FORM_ENCODED:
        return params + parse_qsl(body, keep_blank_values=True)
    return [*params, (direct_name, body)]


def _endpoint(request: Request) -> str:
    """The endpoint's own URL, the base IRI of the queries and updates sent to it."""
    scope = request.scope
    server = scope.get("server")
    return _endpoint_url(
        scope.get("scheme", "http"),
        tuple(server) if server else None,
        scope["path"],
        request.headers.get("host"),
    )


@lru_cache(maxsize=64)
def _endpoint_url(scheme: str, server: tuple[str, int] | None, path: str, host: str | None) -> str:
    # The same few URLs come again and again; Starlette builds one in tens of microseconds.
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    scope = {"type": "http", "scheme": scheme, "server": server, "path": path, "headers": headers}
    return str(URL(scope=scope))


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _dataset(params: list[tuple[str, str]], declares_dataset: bool) -> dict[str, Any]:
    """Store.query options for the dataset: the protocol's graphs, the query's, or the union."""
    defaults = _values(params, "default-graph-uri")
    named = _values(params, "named-graph-uri")
    if defaults or named:
        return {
            "default_graph": [_iri("default-graph-uri", value) for value in defaults],
            "named_graphs": [_iri("named-graph-uri", value) for value in named],
        }
    if declares_dataset:
        return {}  # the query's FROM / FROM NAMED clauses decide
    return {"use_default_graph_as_union": True}


def _iri(parameter: str, value: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError as error:
        raise BadRequest(f"{parameter} {value!r} is not an IRI ({error})") from error


def _format_names(formats: tuple[Format, ...]) -> list[str]:
    return [f.name for f in formats]


_QUERY_DOC = (
    "SPARQL 1.1 Protocol. Send a query by GET `?query=`, by POST form-encoded, or by POST with "
    f"Content-Type `{QUERY_TYPE}`. Without a query, GET answers the service description. The "
    "default graph is the union of all article graphs, so no GRAPH clause is needed. SELECT and "
    "ASK answer in SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT and DESCRIBE in Turtle "
    "(default), N-Triples, RDF/XML, JSON-LD, N-Quads or TriG, chosen by Accept or `format`. "
    "A SELECT returns at most max_rows rows; a query is stopped after query_timeout seconds "
    "(503); SERVICE may only call the endpoints in service_allow."
)
_UPDATE_DOC = (
    "SPARQL 1.1 Update, POST form-encoded (`update=`) or with Content-Type "
    f"`{UPDATE_TYPE}`, with the header `Authorization: Bearer <update_token>`. Answers 204 "
    "once the update is applied and visible to queries, 403 without the token, 503 with "
    "Retry-After while `newsgraph ingest` holds the store. `using-graph-uri` and "
    "`using-named-graph-uri` (repeatable) give each DELETE/INSERT its dataset, as USING and "
    "USING NAMED would; relative IRIs resolve against this endpoint's URL."
)


def _query_parameter(name: str, description_text: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description_text,
        "schema": {"type": "string", **schema},
    }


def _text_body(field: str, media_type: str, required: bool) -> dict[str, Any]:
    """A request body of the SPARQL Protocol: a form with one field, or the text itself."""
    return {
        "required": required,
        "content": {
            FORM_ENCODED: {"schema": {"type": "object", "properties": {field: {"type": "string"}}}},
            media_type: {"schema": {"type": "string"}},
        },
    }


_QUERY_POST_OPENAPI: dict[str, Any] = {
    "parameters": [
        _query_parameter("query", "The SPARQL query; leave out for the service description."),
        _query_parameter(
            "format",
            "The result format, instead of the Accept header.",
            enum=_format_names(RESULT_FORMATS) + _format_names(GRAPH_FORMATS),
        ),
        _query_parameter("default-graph-uri", "A graph of the default graph (repeatable)."),
        _query_parameter("named-graph-uri", "A graph available to GRAPH (repeatable)."),
    ],
    "requestBody": _text_body("query", QUERY_TYPE, required=False),
    "responses": {
        "200": {
            "description": "The results",
            "content": {f.media_type.split(";")[0]: {} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)},
        },
        "400": {"description": "Malformed query, several queries, or a SERVICE not allowed"},
        "406": {"description": "No acceptable format; the message lists the available ones"},
        "503": {"description": "The query ran longer than query_timeout and was stopped"},
    },
}
_QUERY_GET_OPENAPI = {
    key: value for key, value in _QUERY_POST_OPENAPI.items() if key != "requestBody"
}
_UPDATE_OPENAPI: dict[str, Any] = {
    "parameters": [
        _query_parameter("using-graph-uri", "A graph of each operation's USING (repeatable)."),
        _query_parameter(
            "using-named-graph-uri", "A graph of each operation's USING NAMED (repeatable)."
        ),
    ],
    "requestBody": _text_body("update", UPDATE_TYPE, required=True),
    "responses": {
        "403": {"description": "No update_token configured, or a wrong one sent"},
        "503": {"description": "The store is being written by `newsgraph ingest`; retry later"},
    },
}
