"""Real ingest output conforms to the SHACL shapes, article by article."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fixtures import ingest_into
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, serialize
from pyshacl import validate
from rdflib import Graph

from newsgraph.ontology import Minter, ontology_file
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

INPUTS = Path(__file__).resolve().parent / "inputs"
GAF_DENOTED_BY = NamedNode("http://groundedannotationframework.org/gaf#denotedBy")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file("newsgraph.ttl"), format="turtle")


def article_graphs(store: Store, actors_graph: NamedNode) -> list[NamedNode]:
    stories_graph = NamedNode(actors_graph.value.removesuffix("actors") + "stories")
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, NamedNode) and g not in (actors_graph, stories_graph)
    ]
    return sorted(graphs, key=lambda g: g.value)


def article_with_its_actors(store: Store, article: NamedNode, actors_graph: NamedNode) -> Graph:
    """The article graph plus the actors-graph triples about the actors it mentions."""
    triples = [
        Quad(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, article)
    ]
    actors = {q.subject for q in store.quads_for_pattern(None, GAF_DENOTED_BY, None, article)}
    for actor in actors:
        triples += [
            Quad(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(actor, None, None, actors_graph)
        ]
    data = serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8")
    return Graph().parse(data=data, format="nt")


def summarise(report: str, lines: int = 40) -> str:
    """Each distinct violation message with its count, then the start of the full report."""
    messages = Counter(
        line.strip() for line in report.splitlines() if line.strip().startswith("Message:")
    )
    counted = "\n".join(f"{count:5d} x {message}" for message, count in messages.most_common())
    return counted + "\n" + "\n".join(report.splitlines()[:lines])


def assert_every_article_conforms(
    folder: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> int:
    store = StoreFolder(folder).reader()
    actors_graph = Minter(settings.base).actors_graph()
    articles = article_graphs(store, actors_graph)
    assert articles, "no article graphs in the store"
    failures = []
    for article in articles:
        data = article_with_its_actors(store, article, actors_graph)
        conforms, _, report = validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs"
        )
        if not conforms:
            failures.append(f"{article.value}:\n{summarise(report)}")
    assert not failures, "\n\n".join(failures)
    return len(articles)


def test_every_sample_article_graph_conforms_to_the_shapes(
    ingested_store: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> None:
    assert assert_every_article_conforms(ingested_store, settings, shapes, ontology) == 2


def test_the_stories_graph_conforms_to_the_shapes(
    ingested_store: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> None:
    store = StoreFolder(ingested_store).reader()
    stories_graph = Minter(settings.base).stories_graph()
    assert store.contains_named_graph(stories_graph)
    everything = [Quad(q.subject, q.predicate, q.object) for q in store]
    data = Graph().parse(
        data=serialize(everything, format=RdfFormat.N_TRIPLES).decode("utf-8"), format="nt"
    )
    conforms, _, report = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert conforms, summarise(report)


def test_articles_with_urls_titles_and_wikidata_links_conform_to_the_shapes(
    tmp_path: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> None:
    """JSON records carry schema:url and dates; the local Wikidata index adds ng:wikidata links."""
    from newsgraph.ingest import articles, pipeline
    from newsgraph.ingest.linking import Linker

    folder = tmp_path / "store"
    linker = Linker(
        cache_path=tmp_path / "wikidata-cache.json",
        online=False,
        endpoint=settings.wikidata_endpoint,
    )
    paths = [
        str(INPUTS / "article.json"),
        str(INPUTS / "records.jsonl"),
        str(INPUTS / "mechanisms"),
    ]
    with StoreFolder(folder).writer() as writer:
        summary = pipeline.ingest_articles(
            articles.read(paths, settings.max_bytes), writer, settings, linker=linker
        )
    assert summary.articles == 8
    linked = (
        StoreFolder(folder)
        .reader()
        .query("ASK { GRAPH ?g { ?actor <https://w3id.org/newsgraph/ontology#wikidata> ?entity } }")
    )
    assert bool(linked)
    assert assert_every_article_conforms(folder, settings, shapes, ontology) == 8


def test_the_shapes_catch_a_broken_article(
    ingested_store: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> None:
    """The check above can fail: drop the speaker of one statement and the shapes object."""
    store = StoreFolder(ingested_store).reader()
    actors_graph = Minter(settings.base).actors_graph()
    article = article_graphs(store, actors_graph)[0]
    data = article_with_its_actors(store, article, actors_graph)
    from rdflib import URIRef

    speaker = URIRef("https://w3id.org/newsgraph/ontology#speaker")
    statement = next(data.subjects(speaker, None))
    data.remove((statement, speaker, None))
    conforms, _, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert not conforms


def test_html_article_graph_conforms_to_the_shapes(
    tmp_path: Path, settings: Settings, shapes: Graph, ontology: Graph
) -> None:
    folder = tmp_path / "store"
    ingest_into(folder, [str(INPUTS / "page.html")], settings)
    assert assert_every_article_conforms(folder, settings, shapes, ontology) == 1
