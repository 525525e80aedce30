"""No one article ends a batch: an article over spaCy's max_length is parsed in pieces with its
spans right, and an input that fails to read or parse is reported by name while the rest is
stored."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from fixtures import SAMPLE_DATA, ingest_into
from pyoxigraph import NamedNode
from test_ingest import ANCHORS, article_iri, select

from newsgraph.errors import InputError
from newsgraph.ingest import nlp, parsing
from newsgraph.settings import Settings

# 3 MB: over spaCy's default max_length (1,000,000) and under the 5 MB byte limit.
LONG_CHARS = 3_000_000


def long_article(sample: str) -> str:
    """The sample article three times, at the start, the middle and the end of a 3 MB text.

    Between them, paragraphs of spaces: spaCy reads a run of spaces as one token, so the 3 MB
    parse takes seconds, not minutes, and the real sentences sit in three different pieces.
    """
    filler_paragraph = " " * 9_998 + "\n\n"
    gap = (LONG_CHARS - 3 * len(sample)) // 2
    filler = filler_paragraph * (gap // len(filler_paragraph))
    return sample + "\n\n" + filler + sample + "\n\n" + filler + sample


def test_pieces_end_at_paragraph_breaks_and_join_back_into_the_text() -> None:
    text = "One two.\n\nThree four five.\n\nSix.\nSeven eight nine ten eleven"
    found = parsing.pieces(text, 20)
    assert "".join(found) == text
    assert all(len(piece) <= 20 for piece in found)
    assert found[:3] == ["One two.\n\n", "Three four five.\n\n", "Six.\n"]
    assert "".join(parsing.pieces("x" * 45, 20)) == "x" * 45  # no break at all: cut


def test_a_text_over_max_length_parses_into_one_doc_with_the_full_texts_offsets() -> None:
    parser = spacy.blank("en")
    parser.max_length = 50
    text = "Alpha beta gamma.\n\n" * 10 + "Omega."
    doc = parsing.parse_long(parser, text)
    assert doc.text == text
    assert doc[-2].text == "Omega" and doc[-2].idx == text.index("Omega")


def test_a_failing_parse_is_one_articles_error_and_the_others_are_parsed() -> None:
    parser = spacy.blank("en")

    @spacy.Language.component("test_fails_on_boom")
    def fails_on_boom(doc):  # noqa: ANN001, ANN202
        if "boom" in doc.text:
            raise ValueError("boom in the parser")
        return doc

    parser.add_pipe("test_fails_on_boom")
    texts = [("first text", "a"), ("a boom text", "b"), ("third text", "c"), ("last", "d")]
    results = list(parsing.parse_each(parser, texts, batch_size=2, source=str))
    assert [context for _, context in results] == ["a", "b", "c", "d"]
    error = results[1][0]
    assert isinstance(error, InputError) and error.source == "b" and "boom" in error.reason
    assert [doc.text for doc, _ in results if not isinstance(doc, InputError)] == [
        "first text",
        "third text",
        "last",
    ]


def test_a_3mb_article_is_stored_with_right_spans_and_bad_inputs_are_reported(
    tmp_path: Path, settings: Settings
) -> None:
    sample = (SAMPLE_DATA / "000_ee27ff7c3978a191.txt").read_text(encoding="utf-8")
    text = long_article(sample)
    assert len(text) > nlp.load(settings.model).max_length and len(text) >= LONG_CHARS - 20_000
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "a_long.txt").write_text(text, encoding="utf-8")
    (inputs / "b_latin1.txt").write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    (inputs / "c_number.json").write_text(json.dumps({"text": 42}), encoding="utf-8")
    (inputs / "d_short.txt").write_text(
        "Talks\nPresident Emmanuel Macron said that France would host talks.\n", encoding="utf-8"
    )
    folder = tmp_path / "store"
    summary = ingest_into(folder, [str(inputs)], settings)

    assert summary.articles == 2, summary
    assert sorted(Path(error.source).name for error in summary.skipped) == [
        "b_latin1.txt",
        "c_number.json",
    ]
    rows = select(folder, ANCHORS, article=NamedNode(article_iri(folder, "a_long.txt")))
    wrong = [r["anchor"] for r in rows if r["text"][int(r["begin"]) : int(r["end"])] != r["anchor"]]
    assert not wrong
    last_copy = text.rindex(sample)
    begins = sorted(int(r["begin"]) for r in rows)
    # Mentions in all three copies, the last one past 2.9 MB. The second and third copies tell
    # again what the first told, so they hold the same mentions; the first may hold more: an
    # event first told by a verb takes its span from a later noun phrase ("the video call"),
    # which in a retold copy names the event already known.
    in_copies = [
        [b - start for b in begins if start <= b < start + len(sample)]
        for start in (0, text.index(sample, 1), last_copy)
    ]
    assert len(in_copies[1]) > 10
    assert in_copies[1] == in_copies[2]
    assert set(in_copies[1]) <= set(in_copies[0])
    assert last_copy > 2_900_000


def test_an_error_reading_the_input_is_raised_after_the_articles_before_it() -> None:
    parser = spacy.blank("en")

    def failing_input():  # noqa: ANN202
        yield "first text", "a"
        yield "second text", "b"
        raise OSError("the input went away")

    results = []
    try:
        for doc, context in parsing.parse_each(parser, failing_input(), 10, str):
            results.append((doc.text, context))
    except OSError as error:
        assert "went away" in str(error)
    else:
        raise AssertionError("the input's failure was swallowed")
    assert results == [("first text", "a"), ("second text", "b")]
