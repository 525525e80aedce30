"""Content negotiation: which serialization a response gets, from Accept or a `format` parameter.

SELECT and ASK results come as SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE
results, and the service description, as RDF (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads,
TriG). Browsers cannot set Accept from a link, so `format=csv` (a name, an alias or a media type;
repeated values are tried in order) takes precedence over the header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from newsgraph.errors import NotAcceptable

RESULTS = "results"
GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    name: str
    kind: str  # RESULTS or GRAPH
    media_type: str  # the Content-Type of the response
    oxigraph: str  # the member of pyoxigraph's QueryResultsFormat or RdfFormat
    accepts: tuple[str, ...] = ()  # further media types that select it
    aliases: tuple[str, ...] = ()  # further `format` values that select it

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type.split(";")[0], *self.accepts)


RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", RESULTS, "application/sparql-results+json", "JSON", ("application/json",)),
    Format("xml", RESULTS, "application/sparql-results+xml", "XML"),
    Format("csv", RESULTS, "text/csv; charset=utf-8", "CSV"),
    Format("tsv", RESULTS, "text/tab-separated-values; charset=utf-8", "TSV"),
)

_TURTLE_TYPES = ("application/turtle", "application/x-turtle")
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", GRAPH, "text/turtle", "TURTLE", _TURTLE_TYPES, ("ttl", "n3")),
    Format("ntriples", GRAPH, "application/n-triples", "N_TRIPLES", ("text/plain",), ("nt",)),
    Format("rdfxml", GRAPH, "application/rdf+xml", "RDF_XML", (), ("rdf+xml", "xml", "rdf")),
    Format(
        "jsonld",
        GRAPH,
        "application/ld+json",
        "JSON_LD",
        ("application/json",),
        ("json-ld", "json"),
    ),
    Format("nquads", GRAPH, "application/n-quads", "N_QUADS", (), ("nq",)),
    Format("trig", GRAPH, "application/trig", "TRIG"),
)

FORMATS_BY_KIND = {RESULTS: RESULT_FORMATS, GRAPH: GRAPH_FORMATS}


def choose(
    formats: tuple[Format, ...], accept: str | None, requested: list[str] | None = None
) -> Format | None:
    """The format to answer in, or None when none of `formats` is acceptable.

    `requested` are the values of the `format` parameter; without them, the Accept header
    decides, with its q-values; ties and `*/*` go to the first of `formats`.
    """
    return _choose(formats, accept, tuple(requested or ()))


@lru_cache(maxsize=1024)
def _choose(
    formats: tuple[Format, ...], accept: str | None, requested: tuple[str, ...]
) -> Format | None:
    if requested:
        for value in requested:
            found = _named(formats, value.strip().lower())
            if found is not None:
                return found
        return None
    if not accept or not accept.strip():
        return formats[0]
    return _by_accept(formats, accept)


def describe(formats: tuple[Format, ...]) -> str:
    """The formats as a reader-friendly list for error messages."""
    return ", ".join(f"{f.name} ({f.media_type.split(';')[0]})" for f in formats)


def not_acceptable(formats: tuple[Format, ...], what: str) -> NotAcceptable:
    return NotAcceptable(
        f"cannot give {what} in the requested type; available: {describe(formats)}; "
        "choose with the Accept header or the format parameter"
    )


def _named(formats: tuple[Format, ...], value: str) -> Format | None:
    for candidate in formats:
        if value == candidate.name or value in candidate.aliases:
            return candidate
        if value.split(";")[0].strip() in candidate.media_types:
            return candidate
    return None


def _by_accept(formats: tuple[Format, ...], accept: str) -> Format | None:
    ranges = _parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for candidate in formats:
        # Wildcards match a format's own media type; its further ones only when named exactly.
        q = _quality(ranges, candidate.media_types[0], wildcards=True)
        for media_type in candidate.accepts:
            q = max(q, _quality(ranges, media_type, wildcards=False))
        if q > best_q:
            best, best_q = candidate, q
    return best


def _parse_accept(accept: str) -> tuple[tuple[str, str, float], ...]:
    ranges = []
    for part in accept.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media_range = pieces[0].lower()
        if "/" not in media_range:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        main, _, sub = media_range.partition("/")
        ranges.append((main, sub, q))
    return tuple(ranges)


def _quality(ranges: tuple[tuple[str, str, float], ...], media_type: str, wildcards: bool) -> float:
    """The q-value of the most specific range matching the media type (RFC 9110, 12.5.1)."""
    main, _, sub = media_type.partition("/")
    best_specificity = -1
    q = 0.0
    for range_main, range_sub, range_q in ranges:
        if range_main == main and range_sub == sub:
            specificity = 2
        elif not wildcards:
            continue
        elif range_main == main and range_sub == "*":
            specificity = 1
        elif range_main == "*" and range_sub == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, range_q
    return q
