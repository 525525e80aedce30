"""The access log: one line per request with its status, total time and query time."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("newsgraph.server.access")

_MAX_TARGET = 300  # characters of the request target kept in a line: queries can be long


class AccessLog:
    """ASGI middleware logging `client "METHOD target" status total-ms [query ms]`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            if log.isEnabledFor(logging.INFO):
                self._write(scope, status, time.perf_counter() - started)

    @staticmethod
    def _write(scope: Scope, status: int, seconds: float) -> None:
        client = scope.get("client")
        target = scope["path"]
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        if len(target) > _MAX_TARGET:
            target = target[:_MAX_TARGET] + "..."
        query_ms = scope.get("state", {}).get("query_ms")
        log.info(
            '%s "%s %s" %d %.1f ms%s',
            f"{client[0]}:{client[1]}" if client else "-",
            scope["method"],
            target,
            status,
            seconds * 1000,
            f" (query {query_ms:.1f} ms)" if query_ms is not None else "",
        )
