"""Responses: query results streamed from their worker, and errors as JSON."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from newsgraph.errors import NewsgraphError, StoreBusy
from newsgraph.server.workers import Result

log = logging.getLogger("newsgraph.server")

# Seconds a client should wait before retrying an update while ingest holds the store.
RETRY_AFTER_BUSY = 5


class ResultResponse(StreamingResponse):
    """A result streamed chunk by chunk as its worker writes it; the worker is freed whatever
    happens to the connection, even when the client is gone before the first byte."""

    def __init__(
        self,
        result: Result,
        media_type: str,
        headers: dict[str, str],
        content: AsyncIterator[bytes] | None = None,
    ) -> None:
        super().__init__(content or result.chunks(), media_type=media_type, headers=headers)
        self.result = result

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.result.close()
            scope.setdefault("state", {})["query_ms"] = self.result.milliseconds


def result_response(
    request: Request, result: Result, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    """A plain response when the whole result is in, a streamed one otherwise."""
    if result.complete:
        request.state.query_ms = result.milliseconds
        return Response(bytes(result.body), media_type=media_type, headers=headers)
    return ResultResponse(result, media_type, headers or {})


async def error_response(request: Request, error: Exception) -> Response:
    """Every NewsgraphError as {"error": message} with the status its class carries."""
    if not isinstance(error, NewsgraphError):
        raise error
    if error.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, error)
    headers = {"Retry-After": str(RETRY_AFTER_BUSY)} if isinstance(error, StoreBusy) else None
    return JSONResponse({"error": str(error)}, status_code=error.status, headers=headers)


async def http_error_response(request: Request, error: Exception) -> Response:
    """Starlette's own errors (404 for an unknown path, 405 for a method) in our JSON shape."""
    status = getattr(error, "status_code", 500)
    headers = getattr(error, "headers", None)
    return JSONResponse({"error": str(getattr(error, "detail", error))}, status, headers=headers)
