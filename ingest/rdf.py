"""RDF: an article and its extraction as triples, for its own graph and the actors graph."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyoxigraph import Literal, NamedNode, Triple

from newsgraph.ingest.articles import Article
from newsgraph.ingest.extraction import Extraction, Span
from newsgraph.ontology import (
    DCTERMS,
    GAF,
    NG,
    NIF,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    XSD,
    Minter,
    cameo_concept,
    event_kind,
    wikidata_entity,
)


@cache
def _n(namespace: str, local: str) -> NamedNode:
    # Terms are immutable, so one instance per IRI serves every article: building them anew,
    # IRI parsing included, was 1.3 ms of the 2 ms rdf.build takes per article.
    return NamedNode(namespace + local)


TYPE = _n(RDF, "type")
LABEL = _n(RDFS, "label")
ALT_LABEL = _n(SKOS, "altLabel")
ARTICLE_LABEL = _n(NG, "articleLabel")
DENOTED_BY = _n(GAF, "denotedBy")
BEGIN = _n(NIF, "beginIndex")
END = _n(NIF, "endIndex")
ANCHOR = _n(NIF, "anchorOf")
CONTEXT = _n(NIF, "referenceContext")
IS_STRING = _n(NIF, "isString")
DERIVED = _n(PROV, "wasDerivedFrom")
INTEGER = _n(XSD, "integer")
DATATYPES = {10: _n(XSD, "date"), 7: _n(XSD, "gYearMonth"), 4: _n(XSD, "gYear")}


@dataclass(frozen=True)
class ArticleGraph:
    article: NamedNode
    triples: list[Triple]  # the article's own named graph
    actor_triples: list[Triple]  # descriptions of its actors, for the shared actors graph
    actors: int
    statements: int
    events: int


def build(article: Article, extraction: Extraction, minter: Minter) -> ArticleGraph:
    """The triples for one article; IRIs are deterministic, so re-ingest rewrites the same ones."""
    node = minter.article(article.url, article.content_hash)
    triples: list[Triple] = []
    add = triples.append

    def mention(span: Span) -> NamedNode:
        iri = minter.mention(node, span.begin, span.end)
        add(Triple(iri, TYPE, _n(NG, "Mention")))
        add(Triple(iri, BEGIN, Literal(str(span.begin), datatype=INTEGER)))
        add(Triple(iri, END, Literal(str(span.end), datatype=INTEGER)))
        add(Triple(iri, ANCHOR, Literal(span.text)))
        add(Triple(iri, CONTEXT, node))
        return iri

    add(Triple(node, TYPE, _n(NG, "Article")))
    add(Triple(node, IS_STRING, Literal(article.text)))
    add(Triple(node, _n(SCHEMA, "sha256"), Literal(article.content_hash)))
    add(Triple(node, _n(DCTERMS, "source"), Literal(article.source)))
    if article.title:
        add(Triple(node, _n(SCHEMA, "headline"), Literal(article.title)))
    if article.url:
        add(Triple(node, _n(SCHEMA, "url"), NamedNode(article.url)))
    if article.published:
        add(
            Triple(
                node,
                _n(SCHEMA, "datePublished"),
                Literal(article.published.isoformat(), datatype=_n(XSD, "date")),
            )
        )

    actor_iris: dict[str, NamedNode] = {}
    actor_triples: list[Triple] = []
    for key, actor in extraction.actors.items():
        iri = minter.actor(actor.name, actor.type, actor.wikidata)
        actor_iris[key] = iri
        if not actor.mentions:
            continue
        for span in actor.mentions:
            add(Triple(iri, DENOTED_BY, mention(span)))
        # The article's own name for the actor, kept with the article: the store picks the
        # actor's one rdfs:label from these names (see newsgraph/sparql/relabel_actors.ru).
        add(Triple(iri, ARTICLE_LABEL, Literal(actor.name)))
        actor_triples.append(Triple(iri, TYPE, _n(NG, actor.type)))
        actor_triples.append(Triple(iri, TYPE, _n(NG, "Actor")))
        actor_triples.append(Triple(iri, LABEL, Literal(actor.name)))
        for alias in actor.aliases:
            actor_triples.append(Triple(iri, ALT_LABEL, Literal(alias)))
        if actor.wikidata:
            actor_triples.append(Triple(iri, _n(NG, "wikidata"), wikidata_entity(actor.wikidata)))
            if actor.link_score is not None:
                actor_triples.append(
                    Triple(
                        iri,
                        _n(NG, "linkScore"),
                        Literal(f"{actor.link_score:.3f}", datatype=_n(XSD, "decimal")),
                    )
                )
            if actor.link_method:
                method = {"index": "LocalIndex", "cache": "Cache", "live": "LiveQuery"}[
                    actor.link_method
                ]
                actor_triples.append(Triple(iri, _n(NG, "linkMethod"), _n(NG, method)))
            if actor.linked_at:
                actor_triples.append(
                    Triple(
                        iri,
                        _n(NG, "linkedAt"),
                        Literal(actor.linked_at, datatype=_n(XSD, "dateTime")),
                    )
                )

    for statement in extraction.statements:
        iri = minter.statement(node, statement.span.begin, statement.span.end)
        add(Triple(iri, TYPE, _n(NG, "Statement")))
        add(Triple(iri, _n(NG, "speaker"), actor_iris[statement.speaker]))
        add(Triple(iri, _n(SCHEMA, "text"), Literal(statement.text)))
        add(Triple(iri, _n(NG, "cue"), Literal(statement.cue)))
        add(
            Triple(
                iri,
                _n(NG, "direct"),
                Literal("true" if statement.direct else "false", datatype=_n(XSD, "boolean")),
            )
        )
        for about in statement.about:
            add(Triple(iri, _n(SCHEMA, "about"), actor_iris[about]))
        add(Triple(iri, DERIVED, node))
        add(Triple(iri, DENOTED_BY, mention(statement.span)))

    places: dict[str, NamedNode] = {}
    for event in extraction.events:
        iri = minter.event(node, event.span.begin, event.span.end)
        add(Triple(iri, TYPE, _n(NG, "Event")))
        add(Triple(iri, LABEL, Literal(event.label)))
        add(Triple(iri, _n(NG, "kind"), event_kind(event.kind)))
        if event.cameo:
            add(Triple(iri, _n(NG, "cameo"), cameo_concept(event.cameo)))
        add(Triple(iri, _n(NG, "factuality"), _n(NG, event.factuality.value)))
        for key in event.participants:
            add(Triple(iri, _n(SEM, "hasActor"), actor_iris[key]))
        for key in event.sources:
            add(Triple(iri, _n(NG, "sourceActor"), actor_iris[key]))
        for key in event.targets:
            add(Triple(iri, _n(NG, "targetActor"), actor_iris[key]))
        if event.date:
            add(
                Triple(
                    iri,
                    _n(SEM, "hasTimeStamp"),
                    Literal(event.date, datatype=DATATYPES[len(event.date)]),
                )
            )
        if event.time_expression:
            add(Triple(iri, _n(NG, "timeExpression"), Literal(event.time_expression)))
        if event.place:
            if event.place in actor_iris:
                place = actor_iris[event.place]
            else:
                place = places.setdefault(event.place, minter.place(event.place))
                add(Triple(place, TYPE, _n(NG, "Place")))
                add(Triple(place, LABEL, Literal(event.place)))
            add(Triple(iri, _n(SEM, "hasPlace"), place))
        add(Triple(iri, DERIVED, node))
        for span in [event.span, *event.more_spans]:
            add(Triple(iri, DENOTED_BY, mention(span)))

    return ArticleGraph(
        article=node,
        triples=list(dict.fromkeys(triples)),
        actor_triples=list(dict.fromkeys(actor_triples)),
        actors=sum(1 for a in extraction.actors.values() if a.mentions),
        statements=len(extraction.statements),
        events=len(extraction.events),
    )
