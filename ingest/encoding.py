"""One parsed article to its graph: extraction, then RDF, sent on as N-Triples.

Every way of ingesting runs these: this process with one worker (newsgraph.ingest.pipeline), and
each worker process, local (newsgraph.ingest.workers) or a cluster worker's parser process
(newsgraph.ingest.encoding_process), both through encode_each.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsgraph.errors import InputError
from newsgraph.ingest import actors, docindex, events, gazetteer, parsing, rdf, statements
from newsgraph.ingest.articles import Article
from newsgraph.ingest.extraction import Extraction
from newsgraph.ingest.linking import Linker
from newsgraph.ingest.serialized import SerializedGraph, serialize_graph
from newsgraph.ontology import Minter

log = logging.getLogger(__name__)


def extract(doc: Doc, article: Article, linker: Linker | None = None) -> Extraction:
    """Actors, statements and events of one parsed article."""
    docindex.know_text(doc, article.text)
    actor_set = actors.extract(doc, article.body_start, gazetteer.country_names())
    if linker is not None:
        actors.link(actor_set, linker)
    found_statements = statements.extract(doc, article.body_start, actor_set)
    found_events = events.extract(doc, article.body_start, actor_set, article.published)
    return Extraction(actor_set.actors, found_statements, found_events)


def encode(
    doc: Doc, article: Article, minter: Minter, linker: Linker | None = None
) -> SerializedGraph | InputError:
    """One parsed article's graph as N-Triples, or the reason it has none."""
    try:
        return serialize_graph(rdf.build(article, extract(doc, article, linker), minter))
    except Exception as error:  # noqa: BLE001 - one bad article must not stop the batch
        log.exception("extraction failed for %s", article.source)
        return InputError(article.source, f"extraction failed: {error!r}")


def encode_each(
    parser: Language,
    numbered: Iterable[tuple[int, Article]],
    batch_size: int,
    minter: Minter,
    linker: Linker | None = None,
) -> Iterator[tuple[int, SerializedGraph | InputError]]:
    """Each numbered article's graph, or the reason it has none, in order; parsed as
    parsing.parse_each does (a text over the limit in pieces, a failing one named)."""
    texts = ((article.text, (sequence, article)) for sequence, article in numbered)
    for doc, (sequence, article) in parsing.parse_each(parser, texts, batch_size, _source):
        if isinstance(doc, InputError):
            yield sequence, doc
        else:
            yield sequence, encode(doc, article, minter, linker)


def _source(numbered: tuple[int, Article]) -> str:
    return numbered[1].source
