"""newsgraph: news articles in, an RDF knowledge graph of actors, statements and events out."""

__version__ = "0.1.0"
