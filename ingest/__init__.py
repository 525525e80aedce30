"""Ingest: read articles, parse them, extract actors, statements and events, build RDF, store."""
