"""Fixtures defined once: real articles through the real model into a real on-disk store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgraph.ingest import articles, pipeline
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "data"
# A few real Wikidata facts, for stand-ins of the Wikidata endpoint.
WIKIDATA_COUNTRIES = ROOT / "tests" / "wikidata_fixture" / "countries.ttl"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


def ingest_into(
    folder: Path, paths: list[str], settings: Settings, **overrides: object
) -> pipeline.Summary:
    """Ingest the given paths into a store folder, as `newsgraph ingest` does."""
    settings = settings.replace(store=str(folder), **overrides)
    with StoreFolder(folder).writer() as writer:
        return pipeline.ingest_articles(articles.read(paths, settings.max_bytes), writer, settings)


@pytest.fixture(scope="session")
def ingested_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A store folder holding the sample articles in data/, ingested once per test session."""
    folder = tmp_path_factory.mktemp("ingested") / "store"
    summary = ingest_into(folder, [str(SAMPLE_DATA)], settings)
    assert summary.articles == 2 and not summary.skipped
    return folder


@pytest.fixture(scope="session")
def server_store(ingested_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The servers' own copy of the ingested sample store: the update tests write into it."""
    target = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(ingested_store, target)
    return target


@pytest.fixture(scope="session")
def servers(server_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Real servers on free 127.0.0.1 ports (see tests/test_server_support.py)."""
    from test_server_support import shared_servers, stop_shared_servers

    yield shared_servers(server_store, tmp_path_factory)
    stop_shared_servers()
