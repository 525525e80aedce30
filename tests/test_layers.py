"""The package's imports point one way: no cycles, and no layer imports one above it.

Every import counts, function-level and `if TYPE_CHECKING:` ones included, since each is a
dependency all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each package's modules live (pyproject.toml's package-dir).
FOLDERS = {
    "newsgraph": "newsgraph",
    "newsgraph.evaluation": "newsgraph/evaluation",
    "newsgraph.ontology": "ontology",
    "newsgraph.ingest": "ingest",
    "newsgraph.queries": "queries",
    "newsgraph.server": "server",
}
# The layers, bottom first. A module may import its own part and every part of a lower layer;
# parts sharing a layer (ingest and server) may not import each other. A name stands for a
# module and, for a package, every module in it; "newsgraph" alone is the package's __init__.
LAYERS: list[dict[str, tuple[str, ...]]] = [
    {
        "core": (
            "newsgraph",
            "newsgraph.errors",
            "newsgraph.settings",
            "newsgraph.ontology",
            "newsgraph.results",
        )
    },
    {"queries": ("newsgraph.queries",)},
    {
        "store": (
            "newsgraph.store",
            "newsgraph.sparql_text",
            "newsgraph.article_lines",
            "newsgraph.search",
            "newsgraph.stories",
            "newsgraph.materialized",
        )
    },
    {"ingest": ("newsgraph.ingest",), "server": ("newsgraph.server",)},
    {
        "applications": (
            "newsgraph.cli",
            "newsgraph.__main__",
            "newsgraph.evaluation",
            "newsgraph.training",
        )
    },
]


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in FOLDERS.items():
        for path in sorted((ROOT / folder).glob("*.py")):
            found[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that this file imports, wherever in the file the import is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {name for name in found if name in known}


def part_of(module: str) -> tuple[int, str]:
    """The layer (its index) and the part a module belongs to."""
    best: tuple[int, int, str] | None = None
    for level, parts in enumerate(LAYERS):
        for part, names in parts.items():
            for name in names:
                covers = module == name or (name != "newsgraph" and module.startswith(name + "."))
                if covers and (best is None or len(name) > best[0]):
                    best = (len(name), level, part)
    assert best is not None, f"{module} is in no layer: add it to LAYERS in {__file__}"
    return best[1], best[2]


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def test_every_module_has_a_layer() -> None:
    for module in graph():
        part_of(module)


def test_no_layer_imports_a_layer_above_it_or_a_sibling() -> None:
    wrong = []
    for module, imported in sorted(graph().items()):
        level, part = part_of(module)
        for target in sorted(imported):
            target_level, target_part = part_of(target)
            if target_level > level or (target_level == level and target_part != part):
                wrong.append(f"{module} ({part}) imports {target} ({target_part})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    edges = graph()
    cycles = []
    state: dict[str, str] = {}  # "open" while on the current path, then "done"
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert not cycles, "\n".join(cycles)


def test_the_walk_sees_function_level_imports() -> None:
    """The walk itself: an import inside a function is a dependency too."""
    edges = graph()
    assert "newsgraph.ingest.encoding" in edges["newsgraph.ingest.workers"]
