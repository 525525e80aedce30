"""Article graphs as ingest makes them, many at once: each source article is parsed and
extracted once, then built and serialized for every copy (the copies differ only after the
source text, so the source's extraction holds for each of them)."""

from __future__ import annotations

from pathlib import Path

import corpus

from newsgraph.ingest import articles, encoding, nlp, rdf
from newsgraph.ingest.linking import Linker
from newsgraph.ingest.serialized import SerializedGraph, serialize_graph
from newsgraph.ontology import Minter
from newsgraph.settings import Settings

MECHANISMS = corpus.ROOT / "tests" / "inputs" / "mechanisms"


def _extractions(texts: list[tuple[str, str]], settings: Settings) -> list:
    parser = nlp.load(settings.model)
    linker = Linker()
    found = []
    for name, text in texts:
        article = articles.from_text(text, name)
        found.append(encoding.extract(parser(text), article, linker))
    return found


def copies(count: int, settings: Settings) -> list[SerializedGraph]:
    """The graphs of the first `count` articles of the benchmark corpus."""
    sources = corpus.source_texts()
    extractions = _extractions(sources, settings)
    minter = Minter(settings.base)
    graphs = []
    for number in range(count):
        index = number % len(sources)
        name, text = sources[index]
        article = articles.from_text(corpus.copy_text(text, number), f"{number:05d}-{name}")
        graphs.append(serialize_graph(rdf.build(article, extractions[index], minter)))
    return graphs


def others(settings: Settings) -> list[SerializedGraph]:
    """Graphs of the short test articles, whose actors the corpus never mentions."""
    paths = sorted(MECHANISMS.glob("*.txt"))
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in paths]
    minter = Minter(settings.base)
    return [
        serialize_graph(rdf.build(articles.from_text(text, name), extraction, minter))
        for (name, text), extraction in zip(texts, _extractions(texts, settings), strict=True)
    ]


def nquads_file(graphs: list[SerializedGraph], actors_graph: str, path: Path) -> Path:
    """All the graphs as one N-Quads file, as the bulk path writes its chunks."""
    from pyoxigraph import NamedNode

    from newsgraph.store import nquads

    actors = NamedNode(actors_graph)
    with open(path, "wb") as out:
        for graph in graphs:
            out.write(nquads(graph.triples, NamedNode(graph.article)))
            out.write(nquads(graph.actor_triples, actors))
    return path
