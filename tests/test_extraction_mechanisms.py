"""One test per extraction mechanism, on sentences written for them, through the real model."""

from __future__ import annotations

import datetime as dt

import pytest

from newsgraph.ingest import nlp, pipeline
from newsgraph.ingest.articles import from_text
from newsgraph.ingest.extraction import Extraction
from newsgraph.ingest.linking import Linker
from newsgraph.settings import Settings

PUBLISHED = dt.date(2024, 5, 18)  # a Saturday


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker()


def extract(
    text: str, linker: Linker | None = None, published: dt.date | None = PUBLISHED
) -> Extraction:
    article = from_text(text, "test.txt", published)
    doc = nlp.load(Settings().model)(article.text)
    return pipeline.extract(doc, article, linker)


def names(extraction: Extraction, kind: str | None = None) -> list[str]:
    return sorted(a.name for a in extraction.actors.values() if kind is None or a.type == kind)


def said(extraction: Extraction) -> list[tuple[str, str, bool]]:
    return [(extraction.actors[s.speaker].name, s.text, s.direct) for s in extraction.statements]


def events(extraction: Extraction) -> list[tuple[str, str, str, list[str], list[str]]]:
    name = lambda keys: [extraction.actors[k].name for k in keys]  # noqa: E731
    return [
        (e.label, e.cameo, e.factuality, name(e.sources), name(e.targets))
        for e in extraction.events
    ]


# ---------------------------------------------------------------- who said what


def test_quote_then_attribution_with_a_pronoun_for_the_last_named_person() -> None:
    found = extract(
        'Oona King spoke after Mr Galloway left. "We will win this seat back," she said.'
    )
    assert said(found) == [("Oona King", "We will win this seat back", True)]


def test_a_quote_split_by_its_attribution_keeps_one_speaker() -> None:
    found = extract('"We will not accept this," the minister, Anna Lind, said, "and we will act."')
    assert [s[0] for s in said(found)] == ["Anna Lind", "Anna Lind"]


def test_attribution_before_a_colon_and_a_continued_quote_in_the_next_paragraph() -> None:
    found = extract(
        'Jan Shaw said: "The policy was operated unfairly for years."\n\n'
        '"It must now be changed without delay."'
    )
    assert [(s[0], s[2]) for s in said(found)] == [("Jan Shaw", True), ("Jan Shaw", True)]


def test_reported_speech_with_and_without_that() -> None:
    found = extract(
        "Peter Hall said that the factory would close in June. "
        "Mary Long said the union would appeal."
    )
    assert said(found) == [
        ("Peter Hall", "the factory would close in June", False),
        ("Mary Long", "the union would appeal", False),
    ]


def test_accused_of_reports_whom_and_what() -> None:
    found = extract("Russia accused Ukraine of shelling a border town.")
    assert said(found) == [("Russia", "Ukraine of shelling a border town", False)]
    assert [found.actors[k].name for k in found.statements[0].about] == ["Ukraine"]


def test_institutions_and_their_readouts_speak() -> None:
    found = extract(
        '"The talks were frank," the White House said in a statement. '
        '"Both sides agreed to meet again," a Kremlin readout of the call said.'
    )
    assert [s[0] for s in said(found)] == ["White House", "Kremlin"]
    assert found.statements[0].cue == "said in a statement"


def test_an_unnamed_official_is_a_speaker_of_its_own() -> None:
    found = extract('"We are watching closely," a senior administration official said.')
    assert said(found) == [("senior administration official", "We are watching closely", True)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("A spokesman for the Kremlin said the talks would continue.", "Kremlin"),
        (
            '"We are monitoring the situation," a spokeswoman for Amnesty International said.',
            "Amnesty International",
        ),
    ],
)
def test_a_spokesperson_for_an_organization_speaks_for_it(text: str, speaker: str) -> None:
    assert [name for name, _, _ in said(extract(text))] == [speaker]


def test_the_audience_told_is_not_part_of_what_was_said() -> None:
    found = extract("Spokesperson Lin Wei told a regular briefing that Beijing opposed the move.")
    assert said(found) == [("Lin Wei", "Beijing opposed the move", False)]


def test_a_quote_attributed_in_the_next_sentence() -> None:
    found = extract(
        'Ministers met on Monday. "We will not be intimidated by anyone." '
        "Those were the words of Prime Minister Mette Frederiksen."
    )
    assert said(found) == [("Mette Frederiksen", "We will not be intimidated by anyone.", True)]


def test_a_quote_right_after_reported_speech_goes_on_with_its_speaker() -> None:
    words = "Families cannot carry this burden alone, and the council will fight it in court."
    found = extract(
        "The mayor of Lisbon, Carla Moedas, said the new tax was "
        f'"a mistake we will all pay for". "{words}"'
    )
    assert ("Carla Moedas", words, True) in said(found)


def test_a_scare_quote_inside_a_sentence_is_not_a_statement_of_its_own() -> None:
    found = extract('The plan was called "reckless" by critics.')
    assert all(s.direct is False for s in found.statements)


def test_a_relative_clause_speaker_is_its_antecedent() -> None:
    found = extract("The case went to the European Commission, which said the rules were unfair.")
    assert said(found) == [("European Commission", "the rules were unfair", False)]


def test_a_reported_clause_before_its_verb() -> None:
    found = extract("The new rules broke the law, the Supreme Court has ruled.")
    assert said(found) == [("Supreme Court", "The new rules broke the law", False)]


def test_an_appositive_speaker_before_a_colon_quote() -> None:
    found = extract(
        "Responding to the verdict, Sara Moyo, director of the Legal Aid Fund, said: "
        '"This is a good day for the families."'
    )
    assert said(found) == [("Sara Moyo", "This is a good day for the families.", True)]


def test_the_newspaper_is_the_organization_last_named_as_a_subject() -> None:
    found = extract(
        "Amnesty International said the trial was unfair. The Washington Post was sued by "
        "Tom Reed after the newspaper claimed he took bribes."
    )
    assert said(found)[-1] == ("Washington Post", "he took bribes", False)


def test_according_to_attributes_the_rest_of_the_sentence() -> None:
    found = extract(
        "The death toll rose to 50 on Sunday, according to the World Health Organization."
    )
    assert said(found) == [
        ("World Health Organization", "The death toll rose to 50 on Sunday", False)
    ]
    assert found.statements[0].cue == "according to"
