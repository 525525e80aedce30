"""GET /dashboard: a page of charts drawn from the canned query endpoints (static/dashboard.*).

The page fetches every number from /api/queries/NAME?format=json and /api/search, so it is
also a worked example of using them; ECharts, from the npm registry like YASGUI, is served
from /static/vendor/ so the page works offline.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse, JSONResponse, Response


def add_routes(app: FastAPI, static: Path) -> None:
    page = static / "dashboard.html"

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard() -> Response:
        if page.is_file():
            return FileResponse(page)
        return JSONResponse({"error": "the dashboard page is not installed"}, status_code=404)
