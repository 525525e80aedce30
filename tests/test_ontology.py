"""The shipped ontology, CAMEO scheme, event kinds and SHACL shapes: parseable, documented, and
enforcing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

try:
    from newsgraph.ontology import ontology_file
except ImportError:  # running from a checkout that was never pip-installed

    def ontology_file(name: str) -> Path:
        return Path(__file__).parent.parent / "ontology" / name


NG = Namespace("https://w3id.org/newsgraph/ontology#")
CAMEO = Namespace("https://w3id.org/newsgraph/cameo/")
KIND = Namespace("https://w3id.org/newsgraph/kind/")
SH = Namespace("http://www.w3.org/ns/shacl#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("http://schema.org/")

FILES = ("newsgraph.ttl", "cameo.ttl", "eventkinds.ttl", "shapes.ttl")

# The terms the rest of the code base relies on; an addition or a typo shows up here.
DECLARED = {
    "Article", "Actor", "Person", "Organization", "Country", "Group", "Mention", "Statement",
    "Event", "Place", "Factuality", "Asserted", "Hypothetical", "Negated", "LinkMethod",
    "LocalIndex", "Cache", "LiveQuery", "speaker", "cue", "direct", "cameo", "kind", "sourceActor",
    "targetActor", "factuality", "timeExpression", "linkScore", "linkMethod", "linkedAt",
    "wikidata", "articleLabel", "Story", "report", "reportedBy", "participant", "storyKind", "sourceCount",
}  # fmt: skip


def load(name: str) -> Graph:
    return Graph().parse(ontology_file(name), format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load("newsgraph.ttl")


@pytest.fixture(scope="module")
def cameo() -> Graph:
    return load("cameo.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load("shapes.ttl")


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("name", FILES)
def test_oxigraph_and_rdflib_read_the_same_triples(name: str) -> None:
    path = str(ontology_file(name))
    quads = list(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    assert quads
    assert len(quads) == len(load(name))


# ---------------------------------------------------------------- newsgraph.ttl


def ng_subjects(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(NG)}


def test_declares_exactly_the_agreed_terms(ontology: Graph) -> None:
    assert {str(s)[len(NG) :] for s in ng_subjects(ontology)} == DECLARED


def test_every_term_has_an_english_label_and_comment(ontology: Graph) -> None:
    for subject in ng_subjects(ontology):
        for predicate in (RDFS.label, RDFS.comment):
            english = [
                v
                for v in ontology.objects(subject, predicate)
                if isinstance(v, Literal) and v.language == "en" and str(v).strip()
            ]
            assert english, f"{subject} has no English {predicate}"


def test_actor_types_are_actors(ontology: Graph) -> None:
    for local in ("Person", "Organization", "Country", "Group"):
        assert (NG[local], RDFS.subClassOf, NG.Actor) in ontology


def test_wikidata_link_is_exact_match_not_same_as(ontology: Graph) -> None:
    assert (NG.wikidata, RDFS.subPropertyOf, SKOS.exactMatch) in ontology
    assert not list(ontology.triples((None, None, URIRef("http://www.w3.org/2002/07/owl#sameAs"))))


@pytest.mark.parametrize("name", ("shapes.ttl", "cameo.ttl", "eventkinds.ttl"))
def test_other_files_use_only_declared_ng_terms(ontology: Graph, name: str) -> None:
    used = {t for triple in load(name) for t in triple if isinstance(t, URIRef)}
    undeclared = {t for t in used if t.startswith(NG)} - ng_subjects(ontology)
    assert not undeclared


# ---------------------------------------------------------------- cameo.ttl


def concepts(graph: Graph) -> dict[URIRef, str]:
    """Each concept with its single notation."""
    found = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        notations = list(graph.objects(concept, SKOS.notation))
        assert len(notations) == 1, f"{concept} has notations {notations}"
        found[concept] = str(notations[0])
    return found


def test_cameo_has_the_twenty_roots(cameo: Graph) -> None:
    roots = set(cameo.subjects(SKOS.topConceptOf, CAMEO.scheme))
    assert {concepts(cameo)[r] for r in roots} == {f"{n:02d}" for n in range(1, 21)}
    assert set(cameo.objects(CAMEO.scheme, SKOS.hasTopConcept)) == roots


def test_every_concept_is_named_by_its_code(cameo: Graph) -> None:
    for concept, notation in concepts(cameo).items():
        assert notation.isdigit() and len(notation) in (2, 3)
        assert concept == CAMEO[notation]
        notation_literal = cameo.value(concept, SKOS.notation)
        assert notation_literal.datatype is None and notation_literal.language is None
        assert (concept, SKOS.inScheme, CAMEO.scheme) in cameo
        labels = list(cameo.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "en" and str(labels[0]).strip()


def test_every_second_level_code_is_under_its_root(cameo: Graph) -> None:
    second_level = {c: n for c, n in concepts(cameo).items() if len(n) == 3}
    assert second_level
    for concept, notation in second_level.items():
        assert list(cameo.objects(concept, SKOS.broader)) == [CAMEO[notation[:2]]], concept
        assert (concept, SKOS.topConceptOf, CAMEO.scheme) not in cameo


# ---------------------------------------------------------------- eventkinds.ttl


@pytest.fixture(scope="module")
def kinds() -> Graph:
    return load("eventkinds.ttl")


def kind_concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, KIND.scheme))


def test_event_kinds_hold_the_gold_types_and_the_kinds_analysts_track(kinds: Graph) -> None:
    names = {str(c)[len(KIND) :] for c in kind_concepts(kinds)}
    gold_types = {
        "Meeting", "Communication", "Attack", "Sanction", "Aid", "Agreement", "Accusation",
        "Demand", "Threat", "Protest", "Election", "Legislation",
    }  # fmt: skip
    more = {
        "Vote", "CourtRuling", "Publication", "Speech", "Appointment", "Resignation", "Disaster",
    }  # fmt: skip
    assert gold_types | more <= names
    assert set(kinds.objects(KIND.scheme, SKOS.hasTopConcept)) == kind_concepts(kinds)


def test_every_kind_has_a_label_and_a_definition_and_close_matches_only_cameo_roots(
    kinds: Graph, cameo: Graph
) -> None:
    roots = set(cameo.subjects(SKOS.topConceptOf, CAMEO.scheme))
    plover = set(kinds.subjects(SKOS.inScheme, URIRef("https://w3id.org/newsgraph/plover/scheme")))
    assert len(plover) == 16
    for concept in kind_concepts(kinds):
        assert kinds.value(concept, SKOS.prefLabel) and kinds.value(concept, SKOS.definition)
        matches = set(kinds.objects(concept, SKOS.closeMatch))
        assert matches <= roots | plover, (concept, matches - roots - plover)
    # Elections have no CAMEO counterpart; attacks map to CAMEO's force roots.
    assert not list(kinds.objects(KIND.Election, SKOS.closeMatch))
    attack = set(kinds.objects(KIND.Attack, SKOS.closeMatch))
    assert {CAMEO["18"], CAMEO["19"], CAMEO["20"]} <= attack


def test_the_shapes_allow_exactly_the_kinds_of_the_scheme(kinds: Graph, shapes: Graph) -> None:
    (allowed,) = [
        Collection(shapes, node)
        for prop in shapes.objects(None, SH.property)
        if shapes.value(prop, SH.path) == NG.kind
        for node in shapes.objects(prop, SH["in"])
    ]
    assert set(allowed) == kind_concepts(kinds)


# ---------------------------------------------------------------- shapes.ttl

# One article as ingest would write it, actors typed only with their subclass so that the
# shapes' targets are reached through the ontology.
VALID = """
@prefix ng:      <https://w3id.org/newsgraph/ontology#> .
@prefix cameo:   <https://w3id.org/newsgraph/cameo/> .
@prefix kind:    <https://w3id.org/newsgraph/kind/> .
@prefix sem:     <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix schema:  <http://schema.org/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix nif:     <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix gaf:     <http://groundedannotationframework.org/gaf#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@base <https://newsgraph.example/id/> .

<article/0123456789abcdef> a ng:Article ;
    nif:isString "President Joe Biden said on Friday that Russia would face consequences." ;
    schema:sha256 "547abbf7fad22fe63f586cf38eb7978d3d571a66ac6e95f19b7c839f6c99f5ec" ;
    schema:headline "Biden warns Russia" ;
    schema:url <https://news.example/biden-warns-russia> ;
    schema:datePublished "2022-02-18T20:00:00Z"^^xsd:dateTime ;
    dcterms:source <https://news.example/biden-warns-russia> .

<article/0123456789abcdef#char=10,19> a ng:Mention ;
    nif:beginIndex "10"^^xsd:integer ; nif:endIndex "19"^^xsd:integer ;
    nif:anchorOf "Joe Biden" ; nif:referenceContext <article/0123456789abcdef> .
<article/0123456789abcdef#char=40,46> a ng:Mention ;
    nif:beginIndex "40"^^xsd:integer ; nif:endIndex "46"^^xsd:integer ;
    nif:anchorOf "Russia" ; nif:referenceContext <article/0123456789abcdef> .
<article/0123456789abcdef#char=40,70> a ng:Mention ;
    nif:beginIndex "40"^^xsd:integer ; nif:endIndex "70"^^xsd:integer ;
    nif:anchorOf "Russia would face consequences" ;
    nif:referenceContext <article/0123456789abcdef> .
<article/0123456789abcdef#char=53,70> a ng:Mention ;
    nif:beginIndex "53"^^xsd:integer ; nif:endIndex "70"^^xsd:integer ;
    nif:anchorOf "face consequences" ; nif:referenceContext <article/0123456789abcdef> .

<actor/Q6279> a ng:Person ;
    rdfs:label "Joe Biden" ; skos:altLabel "Biden" ;
    ng:wikidata wd:Q6279 ;
    ng:linkScore 0.93 ; ng:linkMethod ng:LocalIndex ;
    ng:linkedAt "2024-05-01T12:00:00Z"^^xsd:dateTime ;
    gaf:denotedBy <article/0123456789abcdef#char=10,19> .

<actor/Q159> a ng:Country ;
    rdfs:label "Russia" ;
    ng:wikidata wd:Q159 ;
    gaf:denotedBy <article/0123456789abcdef#char=40,46> .

<article/0123456789abcdef/statement/40-70> a ng:Statement ;
    ng:speaker <actor/Q6279> ;
    schema:text "Russia would face consequences" ;
    ng:cue "said" ;
    ng:direct false ;
    schema:about <actor/Q159> ;
    prov:wasDerivedFrom <article/0123456789abcdef> ;
    gaf:denotedBy <article/0123456789abcdef#char=40,70> .

<article/0123456789abcdef/event/53-70> a ng:Event ;
    rdfs:label "face consequences" ;
    ng:kind kind:Threat ;
    ng:cameo cameo:130 ;
    ng:factuality ng:Asserted ;
    ng:sourceActor <actor/Q6279> ;
    ng:targetActor <actor/Q159> ;
    sem:hasTimeStamp "2022-02-18"^^xsd:date ;
    ng:timeExpression "on Friday" ;
    prov:wasDerivedFrom <article/0123456789abcdef> ;
    gaf:denotedBy <article/0123456789abcdef#char=53,70> .
"""

PREFIXES = """
PREFIX ng:     <https://w3id.org/newsgraph/ontology#>
PREFIX cameo:  <https://w3id.org/newsgraph/cameo/>
PREFIX kind:   <https://w3id.org/newsgraph/kind/>
PREFIX schema: <http://schema.org/>
PREFIX nif:    <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX xsd:    <http://www.w3.org/2001/XMLSchema#>
PREFIX wd:     <http://www.wikidata.org/entity/>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
"""

# Each breaks one rule; the report must name the path that rule is about.
BREAKAGES = {
    "statement without speaker": ("DELETE WHERE { ?s ng:speaker ?o }", NG.speaker),
    # Reached only through ng:Person rdfs:subClassOf ng:Actor.
    "person without name": ("DELETE WHERE { ?p a ng:Person ; rdfs:label ?l }", RDFS.label),
    "unknown factuality": (
        "DELETE { ?e ng:factuality ?f } INSERT { ?e ng:factuality ng:Likely }"
        " WHERE { ?e ng:factuality ?f }",
        NG.factuality,
    ),
    "cameo not a code": (
        "DELETE { ?e ng:cameo ?c } INSERT { ?e ng:cameo cameo:scheme } WHERE { ?e ng:cameo ?c }",
        NG.cameo,
    ),
    "event without kind": ("DELETE WHERE { ?e ng:kind ?k }", NG.kind),
    "kind not of the scheme": (
        "DELETE { ?e ng:kind ?k } INSERT { ?e ng:kind kind:Picnic } WHERE { ?e ng:kind ?k }",
        NG.kind,
    ),
    "two kinds": ("INSERT { ?e ng:kind kind:Meeting } WHERE { ?e ng:kind ?k }", NG.kind),
    "upper-case hash": (
        "DELETE { ?a schema:sha256 ?h } INSERT { ?a schema:sha256 ?u }"
        " WHERE { ?a schema:sha256 ?h BIND(UCASE(?h) AS ?u) }",
        SCHEMA.sha256,
    ),
    "offset as a string": (
        "DELETE { ?m nif:beginIndex ?b } INSERT { ?m nif:beginIndex '10' }"
        " WHERE { ?m nif:beginIndex ?b FILTER(?b = '10'^^xsd:integer) }",
        NIF.beginIndex,
    ),
    "wikidata property, not item": (
        "DELETE { ?x ng:wikidata wd:Q159 } INSERT { ?x ng:wikidata wd:P17 }"
        " WHERE { ?x ng:wikidata wd:Q159 }",
        NG.wikidata,
    ),
}


def check(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    return validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")


def test_valid_article_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, _, text = check(Graph().parse(data=VALID, format="turtle"), shapes, ontology)
    assert conforms, text


def test_valid_article_mentions_match_the_text() -> None:
    # Keeps the fixture honest: a conforming graph with wrong offsets would prove little.
    data = Graph().parse(data=VALID, format="turtle")
    for mention in data.subjects(RDF.type, NG.Mention):
        text = str(data.value(data.value(mention, NIF.referenceContext), NIF.isString))
        begin = int(data.value(mention, NIF.beginIndex))
        end = int(data.value(mention, NIF.endIndex))
        assert text[begin:end] == str(data.value(mention, NIF.anchorOf))
        assert str(mention).endswith(f"#char={begin},{end}")


@pytest.mark.parametrize("update, path", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_broken_article_does_not_conform(
    shapes: Graph, ontology: Graph, update: str, path: URIRef
) -> None:
    data = Graph().parse(data=VALID, format="turtle")
    before = set(data)
    data.update(PREFIXES + update)
    assert set(data) != before, "the breakage matched nothing"
    conforms, report, text = check(data, shapes, ontology)
    assert not conforms
    assert path in set(report.objects(None, SH.resultPath)), text
