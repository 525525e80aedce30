"""Per-Doc lookups built once: spaCy rebuilds Doc.ents and Doc.sents on every access."""

from __future__ import annotations

from collections.abc import Iterable, Set

import numpy
from spacy.attrs import IDX
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
    """The words from character `begin` on whose `attribute` (spacy.attrs.LEMMA, LOWER), in
    lower case, is one of `words`, in text order, found without making a Token of every word
    (a pass over the Doc in Python costs about a third of a millisecond an article)."""
    strings = doc.vocab.strings
    array = doc.to_array([attribute, IDX])
    wanted = [h for h in numpy.unique(array[:, 0]) if strings[int(h)].lower() in words]
    found = numpy.flatnonzero(numpy.isin(array[:, 0], wanted) & (array[:, 1] >= begin))
    return [doc[int(i)] for i in found]
