"""Scoring what users get against gold annotations: extraction (scores) and links (links).

An application on top of the layers: it ingests and queries like any user, and nothing below it
imports it.
"""
