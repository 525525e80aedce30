"""SPARQL tokens: the query text as Oxigraph's parser sees it, without comments and whitespace.

The federation check and the row limit both need to know what in a query is code and what is
a comment, a string or an IRI, or a comment could hide a SERVICE call and a string could fake
one. Regular expressions over the raw text cannot tell; a tokenizer can, with one subtlety:
`<` starts an IRI in a pattern and is "less than" inside an expression after an operand
(`FILTER(?a<'x')`). Expressions only ever appear inside parentheses, so the tokenizer keeps a
stack of open brackets and what each one holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

# Possessive: an IRI's characters are taken in runs and never given back, three times faster.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>")
_RULES = [
    ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*(?:'''|\Z)"),
    ("string", r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*(?:"""|\Z)'),
    ("string", r"'(?:[^'\\\n\r]|\\.)*(?:'|\Z)"),
    ("string", r'"(?:[^"\\\n\r]|\\.)*(?:"|\Z)'),
    ("var", rf"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ("bnode", rf"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("pname", rf"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("number", r"\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+|\d*\.\d+|\d+"),
    ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
    ("punct", r"<<|>>|\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;=<>!*+\-/|^?$@]"),
]
_ALTERNATIVES = "|".join(f"(?P<{kind}{n}>{rx})" for n, (kind, rx) in enumerate(_RULES))
# Skipped text, then a token: an IRI where `<` may start one (see tokenize), or any other kind;
# the empty `token` group marks where the token starts, and an empty match an unknown character.
_NEXT = re.compile(rf"(?:\s+|#[^\r\n]*)*(?P<token>)(?:(?P<iri>{_IRI.pattern})|{_ALTERNATIVES}|)")
_NEXT_NOT_IRI = re.compile(rf"(?P<token>)(?:{_ALTERNATIVES}|)")
_KIND = {f"{kind}{n}": kind for n, (kind, _) in enumerate(_RULES)} | {"iri": "iri"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")

# Tokens after which, inside an expression, `<` is the operator "less than".
_OPERAND_ENDS = {"var", "iri", "pname", "string", "number", "langtag", "bnode"}
_CLOSERS = {"}": "{", ")": "(", "]": "["}


class Token(NamedTuple):
    kind: str  # iri, pname, var, string, number, word, bnode, langtag, punct
    text: str
    start: int
    end: int
    depth: int  # brackets of any kind open around the token

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


@dataclass
class _Frame:
    bracket: str
    expression: bool = False  # a '(' holding an expression rather than an RDF collection
    select: bool = False  # a '{' whose content is a sub-SELECT and its modifiers


def tokenize(text: str) -> list[Token]:
    """The tokens of a SPARQL query or update; unknown characters become one-character tokens."""
    tokens: list[Token] = []
    frames: list[_Frame] = []
    position, length = 0, len(text)
    # One match a token, skipping what comes before it: queries are tokenized on every request.
    while position < length:
        match = _NEXT.match(text, position)
        assert match is not None  # both patterns match the empty string
        start = match.start("token")
        if start == length:
            break  # only whitespace and comments were left
        if match.lastgroup == "iri" and _less_than(frames, tokens[-1] if tokens else None):
            match = _NEXT_NOT_IRI.match(text, start)
            assert match is not None
        kind = _KIND.get(match.lastgroup or "")
        if kind is None:
            tokens.append(Token("punct", text[start], start, start + 1, len(frames)))
            position = start + 1
            continue
        value = match.group(match.lastgroup or 0)
        position = match.end()
        depth = len(frames)
        if kind == "punct":
            if value in "{([":
                frames.append(_open(value, frames, tokens))
            elif value in _CLOSERS:
                if frames and frames[-1].bracket == _CLOSERS[value]:
                    frames.pop()
                depth = len(frames)
        elif kind == "word" and frames and value.upper() == "SELECT":
            frames[-1].select = True
        tokens.append(Token(kind, value, start, position, depth))
    return tokens


def _open(bracket: str, frames: list[_Frame], tokens: list[Token]) -> _Frame:
    if bracket != "(":
        return _Frame(bracket)
    return _Frame(bracket, expression=_starts_expression(frames, tokens))


def _starts_expression(frames: list[_Frame], tokens: list[Token]) -> bool:
    """Whether a '(' opens an expression (FILTER, BIND, SELECT, ORDER BY...) or a collection."""
    previous = tokens[-1] if tokens else None
    if frames and frames[-1].expression:
        return True
    if previous is not None and previous.is_word("VALUES"):
        return False  # VALUES (?a ?b): variables, then rows of terms
    if previous is not None and previous.kind == "word" and previous.text != "a":
        return True  # FILTER(, BIND(, STR(, IN (, BY (, DESC(...
    if not frames or frames[-1].select:
        return True  # projections and solution modifiers, outside any pattern
    if previous is not None and previous.kind in ("iri", "pname") and len(tokens) > 1:
        return tokens[-2].is_word("FILTER")  # FILTER <fn>(...) is a call; <p> (...) a list
    return False


def _less_than(frames: list[_Frame], previous: Token | None) -> bool:
    """Whether a '<' here is the comparison operator rather than the start of an IRI."""
    if not frames or not frames[-1].expression or previous is None:
        return False
    if previous.kind in _OPERAND_ENDS:
        return True
    return previous.text in (")", "]") or previous.is_word("TRUE", "FALSE")


def iri_value(token: Token) -> str:
    """The IRI an IRI token stands for, with \\u escapes decoded."""
    return unescape(token.text[1:-1])


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def local_name(text: str) -> str:
    """The local part of a prefixed name with its backslash escapes removed."""
    return _LOCAL_ESCAPE.sub(r"\1", text)


def prologue(tokens: list[Token]) -> tuple[dict[str, str], str | None, int]:
    """The PREFIX map, the BASE IRI and the index of the first token after the prologue."""
    prefixes: dict[str, str] = {}
    base = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.is_word("BASE") and _kind_at(tokens, index + 1) == "iri":
            base = iri_value(tokens[index + 1])
            index += 2
        elif (
            token.is_word("PREFIX")
            and _kind_at(tokens, index + 1) == "pname"
            and _kind_at(tokens, index + 2) == "iri"
        ):
            prefixes[tokens[index + 1].text.rstrip(":")] = iri_value(tokens[index + 2])
            index += 3
        else:
            break
    return prefixes, base, index


def _kind_at(tokens: list[Token], index: int) -> str | None:
    return tokens[index].kind if index < len(tokens) else None
