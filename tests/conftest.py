"""Fixtures defined once: real articles through the real model into a real on-disk store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures import SAMPLE_DATA, ingest_into, shared_servers, stop_shared_servers

from newsgraph.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


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
    """Real servers on free 127.0.0.1 ports (see tests/fixtures.py)."""
    yield shared_servers(server_store, tmp_path_factory)
    stop_shared_servers()
