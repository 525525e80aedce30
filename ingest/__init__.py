"""Ingest: read articles, parse them with spaCy, extract actors, statements and events, build RDF, store."""
