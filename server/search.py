"""GET /api/search: full-text search of statements and events (newsgraph.search), ranked by bm25.

The index is the store folder's own, opened read-only for each request (SQLite readers never
wait for the writer). Behind the TextSearch protocol, so another index can stand in for it
when the graph lives in an external store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

from newsgraph import search
from newsgraph.errors import BadRequest
from newsgraph.store import StoreFolder

# SQLite's integers are 64-bit: an offset of more digits than this is refused, not overflowed.
MAX_DIGITS = 18


def local_index(folder: StoreFolder) -> Callable[[], search.TextSearch | None]:
    """Opens the store folder's index, or None before the first ingest wrote it."""

    def open_index() -> search.TextSearch | None:
        path = folder.search_index
        return search.SearchIndex(path, read_only=True) if path.is_file() else None

    return open_index


def add_routes(app: FastAPI, open_index: Callable[[], search.TextSearch | None]) -> None:
    async def search_endpoint(request: Request) -> JSONResponse:
        params = request.query_params
        for name in params:
            if name not in ("q", "kind", "limit", "offset"):
                raise BadRequest(f"unknown parameter {name!r}; parameters: q, kind, limit, offset")
            if len(params.getlist(name)) > 1:
                raise BadRequest(f"parameter {name!r} is given more than once")
        if "q" not in params:
            raise BadRequest("parameter 'q' is missing: give the words to search for")
        kind = params.get("kind") or None
        limit = _integer(params.get("limit"), "limit", 20)
        offset = _integer(params.get("offset"), "offset", 0)
        results = await asyncio.to_thread(_run, open_index, params["q"], kind, limit, offset)
        return JSONResponse(search.as_json(results))

    app.add_api_route(
        "/api/search",
        search_endpoint,
        methods=["GET"],
        summary="Full-text search of statements and events",
        description=(
            "Statements (their words and speaker) and events (their label and participants) "
            "matching q, an SQLite FTS5 query ('sanctions', 'video call', '\"open lines\"', "
            "'Xi AND Biden', 'sanction*'), best first (bm25): each hit with its IRI, kind, "
            "article, text, speaker or participants, and a snippet. A malformed q is a 400."
        ),
        tags=["search"],
        openapi_extra={
            "parameters": [
                _parameter("q", True, {"type": "string"}, "the words to search for (FTS5)"),
                _parameter(
                    "kind", False, {"type": "string", "enum": list(search.KINDS)}, "only this kind"
                ),
                _parameter(
                    "limit",
                    False,
                    {"type": "integer", "minimum": 1, "maximum": search.MAX_LIMIT, "default": 20},
                    "most hits to return",
                ),
                _parameter(
                    "offset", False, {"type": "integer", "minimum": 0, "default": 0}, "hits to skip"
                ),
            ]
        },
    )


def _run(
    open_index: Callable[[], search.TextSearch | None],
    q: str,
    kind: str | None,
    limit: int,
    offset: int,
) -> search.Results:
    index = open_index()
    if index is None:
        # Nothing ingested yet: the input is still checked, and nothing is found.
        return search.SearchIndex(":memory:").search(q, kind, limit, offset)
    try:
        return index.search(q, kind, limit, offset)
    finally:
        index.close()


def _integer(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    # str.isdigit also accepts digits such as '²' that int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(f"parameter {name!r}: {raw!r} is not a non-negative integer")
    if len(raw) > MAX_DIGITS:
        raise BadRequest(f"parameter {name!r}: {raw} is larger than SQLite's integers")
    return int(raw)


def _parameter(
    name: str, required: bool, schema: dict[str, object], text: str
) -> dict[str, object]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": text,
        "schema": schema,
    }
