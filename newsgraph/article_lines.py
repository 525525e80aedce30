"""Picking the few lines a step needs out of an article graph as N-Triples written by Oxigraph.

An article graph is mostly its mentions (offsets, anchors): the search index and the stories
step each need a few dozen of its hundreds of lines. One regular expression over the bytes finds
them far faster than parsing every triple; only the lines found are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pyoxigraph import RdfFormat, Triple, parse

from newsgraph.ontology import NG, RDF, RDFS, SCHEMA, SEM

# Values by subject, then by predicate.
Facts = dict[str, dict[str, list[str]]]


def selector(predicates: Iterable[str], types: Iterable[str] = ()) -> re.Pattern[bytes]:
    """A pattern for the lines with one of the predicates, or typing a subject as one of the
    types. Oxigraph writes one triple a line, IRIs in full: `<s> <p> o .`"""
    choices = [re.escape(f"<{iri}> ".encode()) for iri in predicates]
    choices += [re.escape(f"<{RDF}type> <{iri}> ".encode()) for iri in types]
    # The predicate follows the subject's closing bracket; the pattern finds it, and triples()
    # widens each match to its line (faster than a pattern for whole lines).
    return re.compile(rb"> (?:" + b"|".join(choices) + rb")")


def triples(data: bytes, lines: re.Pattern[bytes]) -> Iterator[Triple]:
    """The triples of the lines the pattern selects."""
    found = []
    for match in lines.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.end())
        found.append(data[start : len(data) if end < 0 else end])
    if found:
        yield from parse(b"\n".join(found) + b"\n", format=RdfFormat.N_TRIPLES)


def facts(data: bytes, lines: re.Pattern[bytes]) -> Facts:
    """The values of the lines the pattern selects, by subject and predicate."""
    found: Facts = {}
    for triple in triples(data, lines):
        by_predicate = found.setdefault(triple.subject.value, {})  # type: ignore[union-attr]
        by_predicate.setdefault(triple.predicate.value, []).append(triple.object.value)  # type: ignore[union-attr]
    return found


# What the writer's own steps read of an article graph: the search index (statements, event
# labels, speakers and participants) and the stories (events, their kind, time and participants).
ARTICLE_LINES = selector(
    (NG + "cameo", NG + "factuality", NG + "kind", NG + "speaker", RDFS + "label", SCHEMA + "text",
     SEM + "hasTimeStamp", SEM + "hasActor", SCHEMA + "datePublished"),
    (NG + "Event", NG + "Statement"),
)  # fmt: skip
LABEL_LINES = selector((RDFS + "label",))
