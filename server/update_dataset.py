"""The SPARQL 1.1 Protocol's `using-graph-uri` and `using-named-graph-uri` for updates.

pyoxigraph's `Store.update` takes no dataset, so the protocol's graphs become USING and
USING NAMED clauses of each DELETE/INSERT operation, as Oxigraph's own server sets the
operation's `using` dataset. The update is parsed into its operations with the SPARQL tokenizer
(which knows strings, comments and IRIs from code); a clause is added at the grammar's place for
it, just before an operation's top-level WHERE, and holds only IRIs that parsed as IRIs,
written back by pyoxigraph. Nothing from the request is pasted into the text as it came.

The protocol forbids both at once: an update with USING, USING NAMED or WITH of its own and
the parameters is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from newsgraph.errors import BadRequest
from newsgraph.server.lexer import Token, prologue, tokenize


@dataclass(frozen=True)
class Operation:
    """One operation of an update: its tokens after its prologue, and what kind it is."""

    tokens: list[Token]
    kind: str  # MODIFY (DELETE/INSERT ... WHERE), DELETE_WHERE, or the first keyword

    def top_level(self, *words: str) -> list[int]:
        return [
            index
            for index, token in enumerate(self.tokens)
            if token.depth == 0 and token.is_word(*words)
        ]


def operations(text: str) -> list[Operation]:
    """The update's operations, split at its top-level semicolons."""
    found: list[Operation] = []
    current: list[Token] = []
    for token in [*tokenize(text), None]:
        if token is None or (token.depth == 0 and token.text == ";"):
            _, _, start = prologue(current)
            body = current[start:]
            if body:
                found.append(Operation(body, _kind(body)))
            current = []
        else:
            current.append(token)
    return found


def _kind(tokens: list[Token]) -> str:
    first = tokens[0]
    second = tokens[1] if len(tokens) > 1 else None
    if first.is_word("WITH"):
        return "MODIFY"
    if first.is_word("DELETE") and second is not None and second.is_word("WHERE"):
        return "DELETE_WHERE"
    if first.is_word("DELETE", "INSERT") and not (second is not None and second.is_word("DATA")):
        return "MODIFY"
    return first.text.upper()


def with_dataset(text: str, default_graphs: list[NamedNode], named_graphs: list[NamedNode]) -> str:
    """The update with the protocol's dataset as USING / USING NAMED on each DELETE/INSERT.

    Raises BadRequest when the update names its own dataset (USING, USING NAMED, WITH).
    """
    if not default_graphs and not named_graphs:
        return text
    clauses = " ".join(
        [f"USING {graph}" for graph in default_graphs]
        + [f"USING NAMED {graph}" for graph in named_graphs]
    )
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the text
    for operation in operations(text):
        if operation.kind == "MODIFY":
            if operation.top_level("USING", "WITH"):
                raise BadRequest(
                    "using-graph-uri and using-named-graph-uri cannot be combined with an "
                    "update that has USING, USING NAMED or WITH clauses of its own"
                )
            wheres = operation.top_level("WHERE")
            if not wheres:
                continue  # not a well-formed DELETE/INSERT: the update parser will say why
            at = operation.tokens[wheres[0]].start
            edits.append((at, at, f"{clauses} "))
        elif operation.kind == "DELETE_WHERE":
            # DELETE WHERE { pattern } is DELETE { pattern } WHERE { pattern }, which may take
            # a USING clause; the pattern is the operation's own text, kept as it is.
            where = operation.tokens[1]
            pattern = text[operation.tokens[2].start : operation.tokens[-1].end]
            edits.append((where.start, where.start, f"{pattern} {clauses} "))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
