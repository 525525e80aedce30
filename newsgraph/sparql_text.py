"""The store's own SPARQL files (newsgraph/sparql/): its updates and the queries its steps run."""

from __future__ import annotations

from importlib import resources


def sparql_file(name: str) -> str:
    """The text of one of the store's own SPARQL files."""
    return resources.files("newsgraph").joinpath("sparql", name).read_text(encoding="utf-8")
