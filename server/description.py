"""The SPARQL 1.1 Service Description of the endpoint, answered to a GET /sparql without a query."""

from __future__ import annotations

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    serialize,
)

from newsgraph.ontology import DCTERMS, PREFIXES, RDF, RDFS
from newsgraph.server.negotiation import GRAPH_FORMATS, RESULT_FORMATS, Format
from newsgraph.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
# The W3C's names for each format (http://www.w3.org/ns/formats/).
_W3C_NAMES = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "rdfxml": "RDF_XML",
    "jsonld": "JSON-LD", "nquads": "N-Quads", "trig": "TriG",
}  # fmt: skip

UNION_COMMENT = (
    "The default graph is the union of all article graphs (and the actors graph), so queries "
    "need no GRAPH clause; GRAPH ?article { ... } still reaches each article's own graph. "
    "A query's FROM clauses, or default-graph-uri and named-graph-uri, choose other graphs. "
    "These prefixes are predeclared (a query's own PREFIX wins): "
    + ", ".join(f"{name}: <{iri}>" for name, iri in PREFIXES.items())
)


def description(endpoint: str, settings: Settings) -> list[Triple]:
    """The service description of the endpoint at `endpoint`, as triples."""
    service = NamedNode(endpoint)
    dataset = BlankNode()
    default_graph = BlankNode()

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    triples = [
        Triple(service, NamedNode(RDF + "type"), sd("Service")),
        Triple(service, sd("endpoint"), service),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("feature"), sd("BasicFederatedQuery")),
        Triple(service, NamedNode(DCTERMS + "title"), Literal("newsgraph SPARQL endpoint")),
        Triple(service, NamedNode(RDFS + "comment"), Literal(UNION_COMMENT, language="en")),
        Triple(service, NamedNode(RDFS + "comment"), Literal(_limits(settings), language="en")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, NamedNode(RDF + "type"), sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(default_graph, NamedNode(RDF + "type"), sd("Graph")),
        Triple(default_graph, NamedNode(RDFS + "comment"), Literal(UNION_COMMENT, language="en")),
    ]
    for known in (*RESULT_FORMATS, *GRAPH_FORMATS):
        triples.append(
            Triple(service, sd("resultFormat"), NamedNode(FORMATS + _W3C_NAMES[known.name]))
        )
    return triples


def serialized(triples: list[Triple], chosen: Format) -> bytes:
    """The description in the chosen RDF format, with prefixes where the format has them."""
    rdf_format = getattr(RdfFormat, chosen.oxigraph)
    prefixes = {"sd": SD, "formats": FORMATS, "rdf": RDF, "rdfs": RDFS, "dcterms": DCTERMS}
    if chosen.name in ("nquads", "trig"):
        quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
        return serialize(quads, format=rdf_format, prefixes=prefixes)  # type: ignore[return-value]  # no output: bytes
    return serialize(triples, format=rdf_format, prefixes=prefixes)  # type: ignore[return-value]  # no output: bytes


def _limits(settings: Settings) -> str:
    allowed = ", ".join(settings.service_allow) or "none"
    return (
        f"A query may run for {settings.query_timeout:g} s; a SELECT returns at most "
        f"{settings.max_rows} rows. SERVICE may call: {allowed}."
    )
