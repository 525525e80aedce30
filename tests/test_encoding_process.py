"""The parser process a Dask worker hands its batches to (newsgraph.ingest.encoding_process):
the same graphs as in-process encoding, errors told to the sender, and an end when its input
ends."""

from __future__ import annotations

import pytest
from fixtures import SAMPLE_DATA

from newsgraph.errors import NewsgraphError
from newsgraph.ingest import articles, encoding, nlp
from newsgraph.ingest.encoding_process import EncodingProcess
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.ontology import Minter
from newsgraph.settings import Settings


def test_a_parser_process_encodes_as_this_process_does(settings: Settings) -> None:
    first, second = (
        articles.from_text(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(SAMPLE_DATA.glob("*.txt"))[:2]
    )
    parser = EncodingProcess(settings.model)
    try:
        with pytest.raises(NewsgraphError, match="before its run's setup"):
            parser.encode([(0, first)])
        parser.setup(settings.base, settings.batch_size, None)
        results, answers = parser.encode([(3, first), (4, second)])
    finally:
        parser.close()
    assert parser.process.returncode == 0  # it ends at the end of its input
    assert answers is None
    assert [sequence for sequence, _ in results] == [3, 4]
    pipeline, minter = nlp.load(settings.model), Minter(settings.base)
    for (_, graph), article in zip(results, (first, second), strict=True):
        here = encoding.encode(pipeline(article.text), article, minter)
        assert isinstance(graph, SerializedGraph) and isinstance(here, SerializedGraph)
        assert graph.article == here.article
        assert sorted(graph.triples.splitlines()) == sorted(here.triples.splitlines())
        assert graph.statements == here.statements > 0


def test_a_parser_process_says_why_it_has_no_model(settings: Settings) -> None:
    parser = EncodingProcess("no_such_model_package")
    try:
        with pytest.raises(NewsgraphError, match="could not load 'no_such_model_package'"):
            parser.setup(settings.base, settings.batch_size, None)
        assert parser.alive()  # and keeps saying it, to each setup and batch
    finally:
        parser.close()
