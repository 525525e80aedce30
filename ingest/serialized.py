"""Article graphs as N-Triples: what worker processes send back, and what the store loads."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import RdfFormat, serialize

from newsgraph.ingest.rdf import ArticleGraph
from newsgraph.store import Derived, derive


@dataclass(frozen=True)
class SerializedGraph:
    article: str  # the article's IRI, which names its graph
    triples: bytes  # N-Triples of the article's own graph
    actor_triples: bytes  # N-Triples of its actors, for the shared actors graph
    actors: int
    statements: int
    events: int
    # Derived here, in the worker, so the one process that stores does not read the graph again.
    derived: Derived

    @property
    def quads(self) -> int:
        return self.triples.count(b"\n") + self.actor_triples.count(b"\n")


def serialize_graph(graph: ArticleGraph) -> SerializedGraph:
    """One article's graph as N-Triples written by Oxigraph: small to pickle, fast to load."""
    triples: bytes = serialize(graph.triples, format=RdfFormat.N_TRIPLES)  # type: ignore[assignment]  # no output: bytes
    actor_triples: bytes = serialize(graph.actor_triples, format=RdfFormat.N_TRIPLES)  # type: ignore[assignment]  # no output: bytes
    return SerializedGraph(
        article=graph.article.value,
        triples=triples,
        actor_triples=actor_triples,
        actors=graph.actors,
        statements=graph.statements,
        events=graph.events,
        derived=derive(graph.article.value, triples, actor_triples),
    )
