"""Parsing a stream of articles so that no one article can stop the others.

`nlp.pipe` raises out of the whole stream when one text fails (spaCy's [E088] for a text over
`nlp.max_length`, or any error in a component), and the articles of the batch in progress are
lost with it. Here a text over the limit is parsed in paragraph-aligned pieces joined back into
one Doc whose character offsets are those of the full text, and an article whose parse raises
becomes an InputError naming it while the stream goes on.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from newsgraph.errors import InputError

log = logging.getLogger(__name__)
Context = TypeVar("Context")
# Where a piece may end, best first: after a blank line, a line, a sentence, a space.
BREAKS = ("\n\n", "\n", ". ", " ")


def pieces(text: str, limit: int) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, each ending at a paragraph break
    where there is one; the pieces joined are the text."""
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    found: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        end = 0
        for mark in BREAKS:
            at = window.rfind(mark)
            if at > 0:
                end = at + len(mark)
                break
        if end == 0:
            end = limit  # no break at all: cut the run of characters
        found.append(text[start : start + end])
        start += end
    found.append(text[start:])
    return found


def parse_long(parser: Language, text: str) -> Doc:
    """One Doc for a text over `parser.max_length`, parsed piece by piece.

    The pieces' Docs are joined with no whitespace added, so the Doc's text is `text` and every
    token's offset (hence every provenance span) is its offset in the full text.
    """
    docs = list(parser.pipe(pieces(text, parser.max_length)))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # pragma: no cover - Doc.from_docs keeps every character
        raise ValueError("the pieces' Docs do not join back into the article's text")
    return doc


class _Stream(Generic[Context]):
    """The items for one `nlp.pipe` run: it ends before a text over the limit, which waits in
    `held`; the items handed out and not yet given back are `pending`, to recover them when
    the pipe raises."""

    def __init__(self, items: Iterator[tuple[str, Context]], max_length: int) -> None:
        self.items = items
        self.max_length = max_length
        self.pending: deque[tuple[str, Context]] = deque()
        self.held: tuple[str, Context] | None = None
        self.exhausted = False
        self.failed: BaseException | None = None  # what reading the items raised

    def run(self) -> Iterator[tuple[str, Context]]:
        while True:
            try:
                text, context = next(self.items)
            except StopIteration:
                self.exhausted = True
                return
            except Exception as error:  # noqa: BLE001 - raised again once the batch is out
                self.failed, self.exhausted = error, True
                return
            if len(text) > self.max_length:
                self.held = (text, context)
                return
            self.pending.append((text, context))
            yield text, context


def parse_each(
    parser: Language,
    items: Iterable[tuple[str, Context]],
    batch_size: int,
    source: Callable[[Context], str],
) -> Iterator[tuple[Doc | InputError, Context]]:
    """Each text's Doc, or an InputError naming it (`source(context)`), in input order.

    Texts within the limit go through `nlp.pipe` in batches; when a batch raises, its articles
    are parsed again one by one, so that only the one that fails is reported. A text over the
    limit ends the run of `nlp.pipe` before it and is parsed in pieces.
    """
    stream = _Stream(iter(items), parser.max_length)
    while not stream.exhausted:
        try:
            for doc, context in parser.pipe(stream.run(), as_tuples=True, batch_size=batch_size):
                stream.pending.popleft()
                yield doc, context
        except Exception as error:  # noqa: BLE001 - one article's failure must not stop the rest
            log.info("a batch failed to parse (%r); parsing its articles one by one", error)
            while stream.pending:
                text, context = stream.pending.popleft()
                yield _parse_one(parser, text, source(context)), context
        if stream.held is not None:
            text, context = stream.held
            stream.held = None
            yield _parse_one(parser, text, source(context)), context
    if stream.failed is not None:
        raise stream.failed  # the input's own failure is not an article's: it is not swallowed


def _parse_one(parser: Language, text: str, source: str) -> Doc | InputError:
    try:
        if len(text) > parser.max_length:
            return parse_long(parser, text)
        return parser(text)
    except Exception as error:  # noqa: BLE001 - reported as this article's reason
        log.warning("parsing %s failed", source, exc_info=True)
        return InputError(source, f"parsing failed: {error!r}")
