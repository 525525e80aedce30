"""Row limits and paging: SELECT query text with its top-level LIMIT and OFFSET set.

Oxigraph cannot bind LIMIT or OFFSET, and there is no API to stop a result after n rows without
building it row by row in Python, so the limit goes into the query text. Rather than wrapping the
query in a sub-SELECT (which loses the column order of `SELECT *` and cannot carry FROM clauses),
the query's own top-level solution modifiers are rewritten: the LIMIT and OFFSET written after
the WHERE clause (and before a trailing VALUES block) are composed with the requested ones. Only
validated integers are ever written into the text, and the rewrite works on tokens, so a LIMIT
inside a comment, a string or a subquery is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgraph.server.lexer import Token, prologue, tokenize

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass(frozen=True)
class Shape:
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, or None when the text is not a query
    declares_dataset: bool  # has FROM or FROM NAMED clauses of its own


@dataclass(frozen=True)
class _Modifiers:
    limit: int | None
    offset: int
    spans: tuple[tuple[int, int], ...]  # text of the current LIMIT / OFFSET clauses
    insert_at: int | None  # where new clauses go: before VALUES, or None for the end


def shape(text: str, tokens: list[Token] | None = None) -> Shape:
    """The form of a query and whether it names its own dataset."""
    tokens = tokenize(text) if tokens is None else tokens
    # FROM appears nowhere but in dataset clauses, which sub-SELECTs cannot have.
    declares_dataset = any(token.depth == 0 and token.is_word("FROM") for token in tokens)
    return Shape(_form(tokens)[0], declares_dataset)


def with_limit(
    text: str, limit: int | None, offset: int = 0, tokens: list[Token] | None = None
) -> str:
    """The SELECT query returning at most `limit` of its rows, skipping `offset` first.

    The text of any other query comes back unchanged.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit {limit} and offset {offset} must not be negative")
    tokens = tokenize(text) if tokens is None else tokens
    form, index = _form(tokens)
    if form != "SELECT":
        return text
    current = _modifiers(tokens, index)
    if current is None:
        return text  # no WHERE group: not a query Oxigraph will accept anyway
    new_offset = current.offset + offset
    new_limit = current.limit
    if new_limit is not None:
        new_limit = max(0, new_limit - offset)
    if limit is not None:
        new_limit = limit if new_limit is None else min(new_limit, limit)
    if new_limit == current.limit and new_offset == current.offset:
        return text
    clauses = []
    if new_limit is not None:
        clauses.append(f"LIMIT {new_limit}")
    if new_offset:
        clauses.append(f"OFFSET {new_offset}")
    edited = list(text)
    for start, end in current.spans:
        edited[start:end] = " " * (end - start)
    at = len(text) if current.insert_at is None else current.insert_at
    # Newlines around the clauses: the text may end inside a comment.
    return "".join(edited[:at]) + "\n" + " ".join(clauses) + "\n" + "".join(edited[at:])


def _form(tokens: list[Token]) -> tuple[str | None, int]:
    _prefixes, _base, index = prologue(tokens)
    if index < len(tokens) and tokens[index].is_word(*FORMS):
        return tokens[index].text.upper(), index
    return None, index


def _modifiers(tokens: list[Token], select: int) -> _Modifiers | None:
    where_end = _where_end(tokens, select)
    if where_end is None:
        return None
    limit: int | None = None
    offset = 0
    spans: list[tuple[int, int]] = []
    insert_at = None
    index = where_end + 1
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.depth == 0 and token.is_word("VALUES"):
            insert_at = token.start
            break
        if (
            token.depth == 0
            and token.is_word("LIMIT", "OFFSET")
            and following is not None
            and _is_integer(following)
        ):
            if token.is_word("LIMIT"):
                limit = int(following.text)
            else:
                offset = int(following.text)
            spans.append((token.start, following.end))
            index += 2
            continue
        index += 1
    return _Modifiers(limit, offset, tuple(spans), insert_at)


def _where_end(tokens: list[Token], select: int) -> int | None:
    """Index of the '}' closing the top-level WHERE group of the SELECT at `select`."""
    opened = False
    for index in range(select + 1, len(tokens)):
        token = tokens[index]
        if token.depth != 0 or token.kind != "punct":
            continue
        if token.text == "{":
            opened = True
        elif token.text == "}" and opened:
            return index
    return None


def _is_integer(token: Token) -> bool:
    return token.kind == "number" and token.text.isascii() and token.text.isdigit()


def projection(text: str) -> list[str] | None:
    """The variables a SELECT query projects, in order; None for SELECT * or another form."""
    tokens = tokenize(text)
    form, index = _form(tokens)
    if form != "SELECT":
        return None
    names: list[str] = []
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.depth == 0 and (token.text == "{" or token.is_word("WHERE", "FROM")):
            break
        if token.depth == 0 and token.text == "*":
            return None
        after_as = position > 0 and tokens[position - 1].is_word("AS")
        if token.kind == "var" and (token.depth == 0 or after_as):
            names.append(token.text[1:])
    return names
