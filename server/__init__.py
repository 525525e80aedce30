"""The HTTP server: the SPARQL 1.1 Protocol at /sparql, updates at /update, canned queries at /api.

This module imports nothing heavy: the query worker processes import the package too, and they
should start in a fraction of a second without loading FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from newsgraph.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    """The ASGI application serving the store folder named in the settings."""
    # Not at the top: query workers import this package, and must start without FastAPI.
    from newsgraph.server.app import create_app as create

    return create(settings)


def serve(settings: Settings) -> None:
    """Run the server with uvicorn on settings.host and settings.port until it is stopped.

    A script calling this must do so under `if __name__ == "__main__":` (see app.serve).
    """
    # Not at the top: query workers import this package, and must start without FastAPI.
    from newsgraph.server.app import serve as run

    run(settings)
