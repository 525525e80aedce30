"""Per-Doc lookups built once: spaCy rebuilds Doc.ents and Doc.sents on every access."""

from __future__ import annotations

from collections.abc import Iterable, Set
from functools import cache

import numpy
from spacy.attrs import IDX
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token


def _table(doc: Doc, name: str, spans: Iterable[Span]) -> dict[int, Span]:
    table = doc.user_data.get(name)
    if table is None:
        table = doc.user_data[name] = {
            i: span for span in spans for i in range(span.start, span.end)
        }
    return table


def sentence(token: Token) -> Span:
    """The sentence a token is in."""
    return _table(token.doc, "newsgraph.sents", token.doc.sents)[token.i]


def entities(doc: Doc) -> tuple[Span, ...]:
    """The Doc's named entities."""
    value = doc.user_data.get("newsgraph.entities")
    if value is None:
        value = doc.user_data["newsgraph.entities"] = tuple(doc.ents)
    return value


def entity(token: Token) -> Span | None:
    """The named entity a token is part of, if any."""
    return _table(token.doc, "newsgraph.ents", entities(token.doc)).get(token.i)


def text(doc: Doc) -> str:
    """The Doc's text; Doc.text joins every token again on each access."""
    value = doc.user_data.get("newsgraph.text")
    if value is None:
        value = doc.user_data["newsgraph.text"] = doc.text
    return value


def know_text(doc: Doc, text: str) -> None:
    """Record the text the Doc was parsed from, which spaCy keeps character for character,
    so that no one has to join its tokens again."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        doc.user_data["newsgraph.text"] = text


def having(doc: Doc, attribute: int, words: Set[str], begin: int = 0) -> list[Token]:
    """The words from character `begin` on whose `attribute` (spacy.attrs.LEMMA, LOWER) is one
    of `words` as a text may case it (see _spellings), in text order, found without making a
    Token of every word (a pass over the Doc in Python costs about a third of a millisecond an
    article)."""
    array = doc.to_array([attribute, IDX])
    wanted = _spellings(frozenset(words))
    found = numpy.flatnonzero(numpy.isin(array[:, 0], wanted) & (array[:, 1] >= begin))
    return [doc[int(i)] for i in found]


@cache
def _spellings(words: frozenset[str]) -> numpy.ndarray:
    """The string hashes of lower-case words in lower case, capitalized, in title case and in
    capitals ("minister", "Minister", "MINISTER"), the ways a lemma of a name or of a headline
    keeps them: hashing these once is cheaper than lowering each of a Doc's strings."""
    spellings = {form for word in words for form in (word, word.capitalize(), word.title())}
    spellings |= {word.upper() for word in words}
    return numpy.array(sorted(get_string_id(form) for form in spellings), dtype="uint64")
