"""Fixtures defined once: real articles through the real model into a real on-disk store."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.ingest import articles, pipeline
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "data"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


def ingest_into(folder: Path, paths: list[str], settings: Settings, **overrides: object) -> pipeline.Summary:
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
