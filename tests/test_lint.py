"""The code passes ruff (whose banned-api rule also forbids bare `import ingest` and the like),
is formatted as ruff formats it, and passes mypy --strict (configured in pyproject.toml)."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_ruff_finds_nothing() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_reformat_nothing() -> None:
    result = run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing_in_the_package(tmp_path: Path) -> None:
    # mypy cannot follow the editable install's import hook, so it reads the package from a
    # tree of links laid out as installed: newsgraph/ingest -> ingest/ and so on.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tree = tmp_path / "tree"
    for package, folder in project["tool"]["setuptools"]["package-dir"].items():
        if package == "newsgraph":
            (tree / "newsgraph").mkdir(parents=True, exist_ok=True)
            for entry in (ROOT / folder).iterdir():
                if entry.name != "__pycache__":
                    (tree / "newsgraph" / entry.name).symlink_to(entry)
        else:
            (tree / package.replace(".", "/")).symlink_to(ROOT / folder)
    result = run(
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "-p",
        "newsgraph",
        cwd=tree,
    )
    assert result.returncode == 0, result.stdout + result.stderr
