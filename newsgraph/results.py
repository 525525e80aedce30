"""pyoxigraph's query results narrowed to the kind a query gives: its text says which."""

from __future__ import annotations

from typing import TypeAlias

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
    Variable,
)

Result: TypeAlias = QuerySolutions | QueryBoolean | QueryTriples
# What Store.query binds each variable to.
Substitutions: TypeAlias = dict[Variable, NamedNode | BlankNode | Literal | Triple]


def solutions(result: Result) -> QuerySolutions:
    """The rows of a SELECT query; raises TypeError for the answer of an ASK or a CONSTRUCT."""
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"a SELECT query gives rows, not {type(result).__name__}")
    return result


def triples(result: Result) -> QueryTriples:
    """The triples of a CONSTRUCT query; raises TypeError for the answer of another form."""
    if not isinstance(result, QueryTriples):
        raise TypeError(f"a CONSTRUCT query gives triples, not {type(result).__name__}")
    return result
