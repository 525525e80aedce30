"""The benchmark suite's shared parts: the corpora, and the figures written to docs/.

Every test records its figures with `record(...)` before it asserts its target, so a missed
target still lands in docs/benchmarks.json and in the table of docs/benchmarks.md. The table is
rewritten only by a run that measured every figure, and holds that run's figures alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import corpus
import pytest
from measure import ROOT

DOCS = ROOT / "docs"
RESULTS = DOCS / "benchmarks.json"
TABLE = DOCS / "benchmarks.md"

_figures: dict[str, dict] = {}


def machine() -> dict[str, str | int]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "spacy": metadata.version("spacy"),
        "pyoxigraph": metadata.version("pyoxigraph"),
    }


@pytest.fixture(scope="session")
def record() -> Callable[..., None]:
    """record(key, order, title, value, unit, target, met, measured, **details)."""

    def add(
        key: str,
        order: int,
        title: str,
        value: float,
        unit: str,
        target: str,
        met: bool | None,  # None: a figure reported beside the targets, with none of its own
        measured: str,
        **details: object,
    ) -> None:
        _figures[key] = {
            "order": order,
            "title": title,
            "value": round(value, 3),
            "unit": unit,
            "target": target,
            "met": met,
            "measured": measured,
            "details": details,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        verdict = "reported" if met is None else "met" if met else "MISSED"
        print(f"\n{title}: {value:.3g}{unit} (target {target}: {verdict}); {measured}")

    return add


@pytest.fixture(scope="session")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """corpora(n): a folder of n benchmark articles, written once per session."""
    made: dict[int, Path] = {}

    def folder(count: int) -> Path:
        if count not in made:
            made[count] = corpus.write(tmp_path_factory.mktemp(f"corpus{count}"), count)
        return made[count]

    return folder


def _table(figures: dict[str, dict]) -> str:
    lines = [
        "| # | figure | value | target | met | measured |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for figure in sorted(figures.values(), key=lambda f: f["order"]):
        shown = f"{figure['value']:.2f}" if figure["unit"] == "x" else f"{figure['value']:.3g}"
        value = shown + figure["unit"]
        met = "n/a" if figure["met"] is None else "yes" if figure["met"] else "**no**"
        lines.append(
            f"| {figure['order']} | {figure['title']} | {value} | {figure['target']} | {met} "
            f"| {figure['measured']} |"
        )
    return "\n".join(lines)


# Every figure of a full run; the table is rewritten only from a run that measured them all.
FIGURES = {
    "ingest_overhead_1", "ingest_overhead_2", "ingest_scaling", "ingest_memory", "store_bulk",
    "per_entity_statements_by_speaker", "per_entity_events_between", "per_entity_actor_profile",
    "aggregates_repeated", "http_sparql", "http_sparql_distinct", "http_api",
    "large_result_memory", "search_rare", "search_common", "stories_incremental",
    "cluster_scaling", "cluster_overhead", "external_ingest_oxigraph", "external_ingest_virtuoso",
    "latency_1m", "latency_10m", "parse_beside_a_thread",
}  # fmt: skip


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write this run's figures to docs/benchmarks.json and, after a full run, the table.

    Nothing is carried over from an earlier run: a table holds the figures of one run, and a
    partial run (`-k`, one file) leaves the table as it was and says so.
    """
    if not _figures:
        return
    about = machine()
    missing = sorted(FIGURES - set(_figures))
    RESULTS.write_text(
        json.dumps({"machine": about, "complete": not missing, "figures": _figures}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    if missing:
        print(f"\nbenchmarks: a partial run (not measured: {', '.join(missing)}); "
              f"{TABLE.name} is left as it was, {RESULTS.name} holds this run alone")  # fmt: skip
        return
    if TABLE.exists():
        text = TABLE.read_text(encoding="utf-8")
        where = (
            f"Last measured on {about['nproc']} CPUs ({about['cpu']}), {about['memory_gib']} GiB, "
            f"Python {about['python']}, spaCy {about['spacy']}, pyoxigraph {about['pyoxigraph']}, "
            f"all in one run."
        )
        block = f"<!-- figures -->\n{_table(_figures)}\n\n{where}\n<!-- /figures -->"
        text = re.sub(r"<!-- figures -->.*?<!-- /figures -->", lambda _: block, text, flags=re.S)
        TABLE.write_text(text, encoding="utf-8")
