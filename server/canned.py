"""The canned-query API: every .rq file in newsgraph.queries is an endpoint under /api/queries.

Routes are registered once per query when the app is made, so the OpenAPI document, and /docs,
list each query as its own operation with its typed parameters. Parameters are checked and
bound by CannedQuery.bind (pyoxigraph substitutions, never text); only `limit` and `offset`,
validated integers, are written into the query text, because SPARQL cannot bind them.

A snapshot never changes, so a result is fully determined by (snapshot, query, parameters,
format, paging): that is the ETag, and results are cached in memory under it.

Canned queries are the project's own files, so their SERVICE calls (to the wikidata_endpoint
setting, see newsgraph.queries.load) are not held to service_allow, which guards user queries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newsgraph import materialized
from newsgraph.errors import InvalidParameter, NotAcceptable
from newsgraph.queries import CannedQuery, get
from newsgraph.server.cache import CACHE_CONTROL, ResultCache, etag, matches
from newsgraph.server.negotiation import RESULT_FORMATS, choose
from newsgraph.server.paging import projection, with_limit
from newsgraph.server.query_process import QueryJob
from newsgraph.server.responses import ResultResponse
from newsgraph.server.workers import QueryPool, Snapshots
from newsgraph.settings import Settings

RESERVED = ("format", "limit", "offset")
_SCHEMAS = {
    "iri": {"type": "string", "format": "uri"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "string": {"type": "string"},
}


@dataclass(frozen=True)
class _Output:
    name: str  # json, rows, csv, tsv, xml
    oxigraph: str  # QueryResultsFormat member, or "rows"
    media_type: str


_OUTPUTS = {f.name: _Output(f.name, f.oxigraph, f.media_type) for f in RESULT_FORMATS}
_OUTPUTS["rows"] = _Output("rows", "rows", "application/json")


class CannedApi:
    """The /api/queries routes over one worker pool."""

    def __init__(
        self,
        settings: Settings,
        pool: QueryPool,
        snapshots: Snapshots,
        catalog: dict[str, CannedQuery],
        cache: ResultCache,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.snapshots = snapshots
        self.catalog = catalog
        self.cache = cache

    def add_routes(self, app: FastAPI) -> None:
        app.add_api_route(
            "/api/queries",
            self.list_queries,
            methods=["GET"],
            summary="List the canned queries",
            description="Every canned query with its title, description, parameters and columns.",
            tags=["canned queries"],
        )
        for query in self.catalog.values():
            for parameter in query.parameters:
                if parameter.name in RESERVED:
                    raise ValueError(
                        f"{query.name}.rq: parameter name {parameter.name!r} is reserved"
                    )
            app.add_api_route(
                f"/api/queries/{query.name}",
                self._endpoint(query),
                methods=["GET"],
                operation_id=query.name,
                summary=query.title,
                description=query.description,
                tags=["canned queries"],
                response_class=Response,  # the types are documented in _operation
                openapi_extra=_operation(query),
            )
        app.add_api_route(
            "/api/queries/{name}", self.unknown, methods=["GET"], include_in_schema=False
        )

    async def list_queries(self, request: Request) -> Response:
        """Every canned query: name, title, description, path, columns and parameters."""
        return JSONResponse([_listing(query) for query in self.catalog.values()])

    async def unknown(self, request: Request) -> Response:
        """A name with no route of its own: NotFound, naming the queries there are."""
        return await self.run(request, get(request.path_params["name"], self.catalog))

    def _endpoint(self, query: CannedQuery) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await self.run(request, query)

        endpoint.__name__ = query.name
        return endpoint

    async def run(self, request: Request, query: CannedQuery) -> Response:
        """Run one canned query with the request's parameters, from the cache when it can."""
        values = _single_values(request)
        output = _output(values.pop("format", None), request.headers.get("accept"))
        limit = _count(values.pop("limit", None), "limit")
        offset = _count(values.pop("offset", None), "offset") or 0
        substitutions = query.bind(values)
        snapshot = self.snapshots.current()
        cap = self.settings.max_rows if limit is None else min(limit, self.settings.max_rows)
        tag = etag(
            snapshot.name if snapshot else "empty",
            query.text,
            sorted((variable.value, str(term)) for variable, term in substitutions.items()),
            output.name,
            cap,
            offset,
        )
        headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
        if matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=headers)
        cached = self.cache.get(tag)
        if cached is not None:
            return Response(cached[1], media_type=cached[0], headers=headers)
        if query.materialized and not values and offset == 0 and output.name == "json":
            # An external store's version (server.external) has no materialized results.
            found = materialized.read(snapshot, query.name) if isinstance(snapshot, Path) else None
            if found is not None and found.rows <= cap:
                self.cache.put(tag, output.media_type, found.body)
                return Response(found.body, media_type=output.media_type, headers=headers)
        job = QueryJob(
            op="query",
            snapshot=str(snapshot) if snapshot else None,
            text=_paged(query.text, cap, offset),
            options={
                "use_default_graph_as_union": True,
                "substitutions": {variable.value: term for variable, term in substitutions.items()},
            },
            formats={"results": output.oxigraph, "graph": None},
        )
        result = await self.pool.run(job, self.settings.query_timeout)
        if result.complete:
            request.state.query_ms = result.milliseconds
            self.cache.put(tag, output.media_type, bytes(result.body))
            return Response(bytes(result.body), media_type=output.media_type, headers=headers)
        content = self.cache.keep(result.chunks(), tag, output.media_type)
        return ResultResponse(result, output.media_type, headers, content)


@lru_cache(maxsize=256)
def _paged(text: str, limit: int, offset: int) -> str:
    return with_limit(text, limit, offset)


def _single_values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in values:
            raise InvalidParameter(f"parameter {name!r} is given more than once")
        values[name] = value
    return values


def _output(requested: str | None, accept: str | None) -> _Output:
    if requested is not None:
        if requested not in _OUTPUTS:
            raise InvalidParameter(f"format {requested!r} is not one of: {', '.join(_OUTPUTS)}")
        return _OUTPUTS[requested]
    chosen = choose(RESULT_FORMATS, accept)
    if chosen is None:
        raise NotAcceptable(
            "canned queries answer in application/sparql-results+json (or application/json), "
            "application/sparql-results+xml, text/csv or text/tab-separated-values; "
            "or ask for ?format=rows"
        )
    return _OUTPUTS[chosen.name]


def _count(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    # str.isdigit also accepts digits such as '²' that int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidParameter(f"parameter {name!r}: {raw!r} is not a non-negative integer")
    return int(raw)


def _listing(query: CannedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "path": f"/api/queries/{query.name}",
        "columns": projection(query.text),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "description": p.description,
            }
            for p in query.parameters
        ],
    }


def _operation(query: CannedQuery) -> dict[str, Any]:
    """The OpenAPI parameters and responses of one canned query's operation."""
    parameters = []
    for p in query.parameters:
        schema: dict[str, Any] = dict(_SCHEMAS[p.type])
        if p.default is not None:
            schema["default"] = int(p.default) if p.type == "integer" else p.default
        parameters.append(
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": p.description,
                "schema": schema,
            }
        )
    parameters += [
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "json: SPARQL JSON results (default); rows: a JSON list of objects; "
            "csv, tsv, xml. Accept works too.",
            "schema": {"type": "string", "enum": list(_OUTPUTS)},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Most rows to return (capped by the server's max_rows).",
            "schema": {"type": "integer", "minimum": 0},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Rows to skip first.",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
    ]
    columns = projection(query.text) or []
    return {
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "Columns: " + ", ".join(columns),
                "content": {output.media_type.split(";")[0]: {} for output in _OUTPUTS.values()},
            },
            "304": {"description": "Not modified since the ETag sent in If-None-Match"},
            "422": {
                "description": "A missing, unknown or invalid parameter; the message says which"
            },
        },
    }
