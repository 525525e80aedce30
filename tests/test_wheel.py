"""The wheel as a new user gets it: built, installed into a fresh virtual environment without the
test extras, and ingesting a .txt, an .html, a .json and a .jsonl file through the installed
`newsgraph` command. A runtime dependency that only the test extras pulled in (lxml_html_clean,
for trafilatura's jusText) fails here.

The `lowest` case installs every dependency at the lower bound pyproject.toml declares, so each
bound is one that was tested; it downloads older releases and runs in `make stress`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_DATA

INPUTS = ROOT / "tests" / "inputs"
INSTALL_SECONDS = 900


def lower_bounds() -> list[str]:
    """Each runtime dependency pinned at its declared lower bound, as pip constraints."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    constraints = []
    for dependency in declared["project"]["dependencies"]:
        requirement, _, marker = dependency.partition(";")
        name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^]]*\])?\s*(.*)", requirement).groups()
        bound = re.search(r"(?:>=|==)\s*([0-9][^,\s]*)", spec)
        assert bound, f"dependency {dependency!r} has no lower bound"
        constraints.append(f"{name}=={bound.group(1)}" + (f"; {marker.strip()}" if marker else ""))
    return constraints


def run(*command: str | Path, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def inputs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "article.txt").write_text(
        (SAMPLE_DATA / "000_ee27ff7c3978a191.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "page.html").write_bytes((INPUTS / "page.html").read_bytes())
    (folder / "article.json").write_bytes((INPUTS / "article.json").read_bytes())
    # The well-formed records only: the third one is cut short on purpose for other tests.
    lines = (INPUTS / "records.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "records.jsonl").write_text("\n".join(lines[:2] + lines[3:]) + "\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT,
        cwd=out, timeout=INSTALL_SECONDS,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("newsgraph-*.whl")
    return found


@pytest.mark.parametrize("versions", ["latest", pytest.param("lowest", marks=pytest.mark.stress)])
def test_the_wheel_in_a_fresh_venv_ingests_txt_html_json_and_jsonl(
    wheel: Path, tmp_path: Path, versions: str
) -> None:
    venv = tmp_path / "venv"
    created = run(sys.executable, "-m", "venv", venv, cwd=tmp_path, timeout=120)
    assert created.returncode == 0, created.stderr
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if versions == "lowest":
        constraints = tmp_path / "lowest.txt"
        constraints.write_text("\n".join(lower_bounds()) + "\n", encoding="utf-8")
        pip += ["-c", constraints]
    installed = run(*pip, wheel, cwd=tmp_path, timeout=INSTALL_SECONDS)
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = run(venv / "bin" / "python", "-m", "pip", "list", cwd=tmp_path, timeout=120).stdout
    assert "pytest" not in listed and "playwright" not in listed  # no test extras

    newsgraph = venv / "bin" / "newsgraph"
    ingested = run(
        newsgraph, "ingest", inputs(tmp_path / "inputs"), "--store", tmp_path / "store",
        cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr[-3000:]
    assert "Traceback" not in ingested.stderr
    assert ingested.stdout.startswith("6 articles,"), ingested.stdout
    answered = run(
        newsgraph, "query", "--store", tmp_path / "store", "--canned", "articles",
        "--format", "csv", cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr[-3000:]
    rows = answered.stdout.strip().splitlines()[1:]
    assert len(rows) == 6, answered.stdout
    for found in ("article.txt", "Leaders hold video call", "Biden and Xi", "a/1", "a/2", "a/4"):
        assert found in answered.stdout, (found, answered.stdout)
