"""The application: routes, error handling, the worker pool's lifetime, and `serve`."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from newsgraph import __version__, queries
from newsgraph.errors import NewsgraphError
from newsgraph.server import dashboard
from newsgraph.server import search as search_api
from newsgraph.server.access_log import AccessLog
from newsgraph.server.cache import ResultCache
from newsgraph.server.canned import CannedApi
from newsgraph.server.external import ChangeStamp, ExternalPool
from newsgraph.server.query_process import QueryJob
from newsgraph.server.responses import error_response, http_error_response
from newsgraph.server.sparql import Protocol, SparqlFastPath
from newsgraph.server.workers import QueryPool, Snapshots
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

STATIC = Path(__file__).resolve().parent / "static"
DESCRIPTION = (
    "SPARQL over a knowledge graph of news: actors, statements and events, one named graph per "
    "article. `/sparql` speaks the SPARQL 1.1 Protocol (the default graph is the union of all "
    "article graphs); `/api/queries` lists canned queries, each an operation below."
)


def create_app(settings: Settings) -> FastAPI:
    """The ASGI application serving the store folder named in the settings."""
    folder = StoreFolder(settings.store)
    pool: Any
    snapshots: Any
    if settings.endpoint:
        snapshots = ChangeStamp(settings.endpoint)
        pool = ExternalPool(settings, snapshots)
    else:
        pool = QueryPool(settings.query_workers)
        snapshots = Snapshots(folder)
    quads = _QuadCount(pool, snapshots, settings.query_timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    docs_assets = _swagger_ui_assets()
    app = _App(
        title="newsgraph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None if docs_assets else "/docs",
        redoc_url=None,
        openapi_tags=[
            {"name": "SPARQL", "description": "The SPARQL 1.1 Protocol: queries and updates."},
            {"name": "canned queries", "description": "One operation per .rq file."},
            {"name": "search", "description": "Full-text search of statements and events."},
            {"name": "service", "description": "The state of the server."},
        ],
    )
    if docs_assets:
        _add_offline_docs(app, docs_assets)
    app.add_exception_handler(NewsgraphError, error_response)
    # Every error answers {"error": ...}, Starlette's 404 and 405 included.
    app.add_exception_handler(StarletteHTTPException, http_error_response)
    cache = ResultCache(settings.api_cache_bytes)
    protocol = Protocol(
        settings, pool, snapshots, cache, update=pool.update if settings.endpoint else None
    )
    protocol.add_routes(app)
    _document(app, protocol.openapi_paths())
    catalog = queries.load(settings.wikidata_endpoint)
    CannedApi(settings, pool, snapshots, catalog, cache).add_routes(app)
    search_api.add_routes(app, search_api.local_index(folder))
    dashboard.add_routes(app, STATIC)

    @app.get("/health", tags=["service"], summary="Health: the snapshot in use and its size")
    async def health() -> JSONResponse:
        snapshot = snapshots.current()
        return JSONResponse(
            {
                "status": "ok",
                "snapshot": snapshot.name if snapshot else None,
                "quads": await quads.get(),
                "query_workers": pool.size,
            }
        )

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        page = STATIC / "index.html"
        if page.is_file():
            return FileResponse(page)
        return JSONResponse({"sparql": "/sparql", "api": "/api/queries", "docs": "/docs"})

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.access_log:
        app.outer.append(Middleware(AccessLog))
    if settings.cors_origins:
        app.outer.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
                expose_headers=["ETag"],
            )
        )
    app.outer.append(Middleware(SparqlFastPath, protocol=protocol))
    return app


class _App(FastAPI):
    """FastAPI with middlewares outside its own stack: the access log, CORS and the /sparql
    fast path, which answers the protocol endpoint without FastAPI's error, telemetry and
    routing layers (they cost more per request than the rest of the handler)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.outer: list[Middleware] = []  # outermost first

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for middleware in reversed(self.outer):
            app = middleware.cls(app, *middleware.args, **middleware.kwargs)
        return app


def _document(app: FastAPI, paths: dict[str, Any]) -> None:
    """Add operations of plain Starlette routes to the OpenAPI document FastAPI generates."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema["paths"] = {**paths, **schema["paths"]}
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _swagger_ui_assets() -> Path | None:
    """Swagger UI's files, installed from the npm registry by `make` (see package.json) into
    the static vendor folder, so /docs works offline; without them FastAPI's default /docs."""
    vendor = Path(__file__).parent / "static" / "vendor"
    return vendor if (vendor / "swagger-ui-bundle.js").is_file() else None


def _add_offline_docs(app: FastAPI, assets: Path) -> None:
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="newsgraph API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="data:,",
        )


class _QuadCount:
    """The number of quads in the snapshot in use, counted once per snapshot by a worker."""

    def __init__(self, pool: QueryPool, snapshots: Snapshots, timeout: float) -> None:
        self.pool = pool
        self.snapshots = snapshots
        self.timeout = timeout
        self._counted: tuple[Path | None, int] | None = None

    async def get(self) -> int:
        snapshot = self.snapshots.current()
        if self._counted is None or self._counted[0] != snapshot:
            job = QueryJob(op="count", snapshot=str(snapshot) if snapshot else None)
            result = await self.pool.run(job, self.timeout)
            self._counted = (snapshot, int(bytes(result.body)))
        return self._counted[1]


def serve(settings: Settings) -> None:
    """Run the server with uvicorn on settings.host and settings.port until it is stopped.

    The query workers are started with multiprocessing's spawn, which imports the main module
    in each of them: a script calling serve() must do so under `if __name__ == "__main__":`.
    """
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=_log_config(),
        access_log=False,  # AccessLog writes one line per request, with the query time
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run()


def _log_config() -> dict[str, Any]:
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["newsgraph"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
