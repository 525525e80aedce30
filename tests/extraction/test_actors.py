"""Actors on sentences written for these tests: the known-actors ruler, type agreement, and
what must not become an actor (places, nicknames, titles, peoples, groups merely mentioned)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import spacy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Span

from newsgraph.ingest import docindex, encoding, nlp
from newsgraph.ingest.articles import from_text
from newsgraph.ingest.extraction import Extraction
from newsgraph.ingest.linking import CACHE_FORMAT, Linker
from newsgraph.ingest.ruler import COMPONENT, KnownActors
from newsgraph.ingest.wikidata_index import load_index
from newsgraph.settings import Settings


def extract(text: str, linker: Linker | None = None) -> Extraction:
    article = from_text(text, "test.txt", dt.date(2024, 5, 18))
    doc = nlp.load(Settings().model)(article.text)
    return encoding.extract(doc, article, linker)


def names(extraction: Extraction, kind: str | None = None) -> list[str]:
    return sorted(a.name for a in extraction.actors.values() if kind is None or a.type == kind)


def said(extraction: Extraction) -> list[tuple[str, str, bool]]:
    return [(extraction.actors[s.speaker].name, s.text, s.direct) for s in extraction.statements]


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker()


def actors(extraction: Extraction, kind: str | None = None) -> dict[str, list[str]]:
    """name -> mention texts, for the actors of one type (or all)."""
    return {
        a.name: [m.text for m in a.mentions]
        for a in extraction.actors.values()
        if kind is None or a.type == kind
    }


# ---------------------------------------------------------------- the known-actors ruler


@pytest.fixture(scope="module")
def ruler() -> KnownActors:
    return KnownActors(spacy.blank("en"), load_index())


def tagged(words: list[str], entities: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in entities]
    return doc


def entities(doc: Doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def test_the_ruler_adds_a_known_actor_the_recogniser_missed(ruler: KnownActors) -> None:
    doc = ruler(tagged("Envoys from the Kremlin met Xi Jinping".split(), []))
    assert entities(doc) == [("Kremlin", "ORG"), ("Xi Jinping", "PERSON")]


def test_the_ruler_retypes_a_known_organization_the_recogniser_called_a_person(
    ruler: KnownActors,
) -> None:
    doc = ruler(tagged("The Kremlin denied it".split(), [(1, 2, "PERSON")]))
    assert entities(doc) == [("Kremlin", "ORG")]


def test_the_ruler_never_cuts_a_persons_name_or_turns_a_persons_word_into_a_country(
    ruler: KnownActors,
) -> None:
    words = "Lisa O. Monaco spoke . Monaco said no . Ms Jordan agreed".split()
    doc = ruler(tagged(words, [(0, 3, "PERSON"), (5, 6, "PERSON"), (10, 11, "PERSON")]))
    assert entities(doc) == [
        ("Lisa O. Monaco", "PERSON"),
        ("Monaco", "PERSON"),
        ("Jordan", "PERSON"),
    ]


def test_the_ruler_reads_no_acronym_in_a_line_of_capitals(ruler: KnownActors) -> None:
    doc = ruler(tagged("WHO IS TO BLAME ? The WHO said".split(), []))
    assert [(e.start, e.text, e.label_) for e in doc.ents] == [(6, "WHO", "ORG")]


def test_the_ruler_has_no_lone_surname_patterns(ruler: KnownActors) -> None:
    doc = ruler(tagged("Johnson and Putin spoke".split(), []))
    assert entities(doc) == []


def test_the_pipeline_runs_the_ruler_after_the_recogniser() -> None:
    names = nlp.load(Settings().model).pipe_names
    assert names.index(COMPONENT) == names.index("ner") + 1
    assert COMPONENT not in nlp.load(Settings().model, known_actors=False).pipe_names


# ---------------------------------------------------------------- type agreement


def test_a_surname_that_is_a_country_is_the_person_unless_it_is_a_location() -> None:
    found = extract(
        "Lisa O. Monaco, the homeland security adviser, said the attack was over. Monaco told "
        "reporters that the agencies had worked together. She later flew to Monaco for a "
        "conference."
    )
    assert actors(found, "Person")["Lisa O. Monaco"] == ["Lisa O. Monaco", "Monaco"]
    assert actors(found, "Country") == {"Monaco": ["Monaco"]}  # "flew to Monaco"


def test_a_person_is_never_linked_to_a_country(tmp_path: Path) -> None:
    # A cached live answer that would link the person to the country Monaco (Q235, a Country
    # in the shipped index): the linker must refuse it.
    cache = tmp_path / "cache.json"
    candidate = {"qid": "Q235", "label": "Monaco", "matched": "alias", "description": ""}
    answer = {"candidates": [candidate], "endpoint": "test", "fetched": "2026-01-01T00:00:00"}
    cache.write_text(
        json.dumps({"format": CACHE_FORMAT, "answers": {"Person|Lisa Monaco": answer}}),
        encoding="utf-8",
    )
    linker = Linker(cache_path=cache)
    assert load_index().entries["Q235"].type == "Country"
    assert linker.link("Lisa Monaco", "Person") is None
    assert linker.link("Monaco", "Country") is not None


# ---------------------------------------------------------------- no place, nickname or title


def test_a_constituency_the_recogniser_calls_a_person_is_no_actor() -> None:
    found = extract(
        "Arlen Vossberg, the MP for Kettering Vale, said the vote had failed. Kettering Vale "
        "was won by Labour in 2019."
    )
    assert "Kettering Vale" not in actors(found)
    assert "Arlen Vossberg" in actors(found, "Person")


def test_a_nickname_before_a_name_is_not_part_of_the_person() -> None:
    found = extract(
        "Hillary Clinton spoke in Ohio on Tuesday. Donald Trump attacked Crooked Hillary "
        "Clinton at a rally the next day."
    )
    people = actors(found, "Person")
    assert sorted(people) == ["Donald Trump", "Hillary Clinton"]
    assert len(people["Hillary Clinton"]) == 2


def test_a_title_alone_is_no_person() -> None:
    found = extract(
        '"Mr. President, will you resign?" a reporter shouted. Joe Biden did not answer.'
    )
    # The unnamed reporter who asked is a speaker of their own; the title names no one.
    assert sorted(actors(found, "Person")) == ["Joe Biden", "reporter"]


def test_a_picture_credit_names_no_actor() -> None:
    found = extract(
        "The two leaders met in November.(Reuters: Jonathan Ernst)\n\nThey spoke again."
    )
    assert "Jonathan Ernst" not in actors(found)


def test_a_people_the_recogniser_calls_a_person_is_a_group() -> None:
    found = extract("Africans said the deal was unfair, according to the union.")
    assert "Africans" not in actors(found, "Person")
    assert "Africans" in actors(found, "Group")


def test_names_listed_after_a_plural_title_are_people_of_its_gender() -> None:
    found = extract(
        "Lady Fenwick, sitting with Lords Ashby, Tennant, Hope and Carlow, said the appeal "
        "failed. But she said the rules were unclear."
    )
    assert {"Ashby", "Tennant", "Hope", "Carlow"} <= set(actors(found, "Person"))
    speakers = {found.actors[s.speaker].name for s in found.statements}
    assert "Carlow" not in speakers  # "she" is Lady Fenwick, not the last lord named


# ---------------------------------------------------------------- groups act


def test_a_nationality_is_a_group_where_it_acts_and_none_where_it_is_only_mentioned() -> None:
    found = extract(
        "The Chinese condemned the sanctions on Tuesday. A poll of Americans found little "
        "support for the plan."
    )
    assert "Chinese" in actors(found, "Group")
    assert "Americans" not in actors(found)


def test_a_collective_noun_is_a_group_where_it_acts() -> None:
    found = extract(
        "Angry protesters marched on parliament on Monday. The minister told journalists that "
        "talks would resume."
    )
    groups = actors(found, "Group")
    assert any("protesters" in name for name in groups)
    assert "journalists" not in groups


# ---------------------------------------------------------------- one actor per entity


def test_titles_honorifics_possessives_and_surnames_make_one_person() -> None:
    found = extract(
        "President Joe Biden spoke on Monday. Mr. Biden said the talks went well. "
        "Biden's aides were pleased, and Mr Biden left for Delaware."
    )
    people = [a for a in found.actors.values() if a.type == "Person"]
    assert [p.name for p in people] == ["Joe Biden"]
    assert len(people[0].mentions) == 4


def test_a_surname_alone_joins_the_person_named_in_full_later() -> None:
    found = extract("Markov arrived first. Later, Elena Markov told reporters she was ready.")
    assert names(found, "Person") == ["Elena Markov"]


def test_a_spokesman_title_is_not_part_of_the_name() -> None:
    found = extract("Foreign Ministry spokesman Wang Wenbin said the visit would go ahead.")
    assert "Wang Wenbin" in names(found, "Person")
    assert said(found)[0][0] == "Wang Wenbin"


def test_country_names_capitals_and_abbreviations_make_one_country() -> None:
    found = extract(
        "The United States warned Moscow. Washington said the U.S. would not wait, "
        "and Moscow replied that Russia was ready."
    )
    assert names(found, "Country") == ["Russia", "United States"]


def test_a_nationality_stands_for_the_government_only_where_it_does() -> None:
    found = extract(
        "Chinese state media said the talks were useful. "
        "The Chinese government said it would respond."
    )
    speakers = {speaker for speaker, _, _ in said(found)}
    assert "Chinese State Media" in speakers or "Chinese state media" in speakers
    assert "China" in speakers  # "the Chinese government" speaks for China
    media = [s for s in found.statements if "useful" in s.text]
    assert found.actors[media[0].speaker].type == "Organization"


def test_an_adjective_the_recogniser_takes_for_a_name_belongs_to_its_group() -> None:
    # The small English model tags "Bangladeshi" here as a PERSON modifying "population".
    found = extract("The council wants to reach the Bangladeshi population in the east.")
    assert names(found, "Person") == []
    assert names(found, "Group") == ["Bangladeshi population"]


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("The activist will stand against pro-Brexit Conservative MP Anna Hollis.", "Conservative"),
        ("He is to stand against pro-Iraq war Liberal MP John Harte next year.", "Liberal"),
        ("Campaigners will stand against pro-Iraq war Labour MP Ruth Kelso next time.", "Labour"),
    ],
)
def test_a_stance_and_a_role_around_a_party_name_are_not_part_of_it(text: str, party: str) -> None:
    found = extract(text)
    assert names(found, "Organization") == [party]


def test_a_name_with_its_abbreviation_in_brackets_is_one_organization() -> None:
    found = extract(
        "The World Health Organization (WHO) warned of a new outbreak. The WHO will meet "
        "again on Friday to review the data, WHO officials said."
    )
    organizations = [a for a in found.actors.values() if a.type == "Organization"]
    assert [(a.name, len(a.mentions)) for a in organizations] == [("World Health Organization", 3)]


def test_a_surname_the_recogniser_takes_for_a_place_is_the_person() -> None:
    found = extract(
        "Secretary of State Antony Blinken arrived in Beijing. Mr Blinken met Chinese leader "
        "Xi Jinping. Blinken later told reporters the talks were candid."
    )
    assert names(found) == ["Antony Blinken", "Xi Jinping"]  # "State" is part of a title
    assert said(found) == [("Antony Blinken", "the talks were candid", False)]


def test_linked_actors_take_the_wikidata_entity_and_merge(linker: Linker) -> None:
    found = extract("Vladimir Putin met Xi Jinping. Putin and President Xi signed a deal.", linker)
    linked = {a.name: a.wikidata for a in found.actors.values() if a.wikidata}
    assert linked == {"Vladimir Putin": "Q7747", "Xi Jinping": "Q15031"}


def test_a_party_the_recogniser_calls_a_group_links_as_an_organization(linker: Linker) -> None:
    found = extract("Both the Conservatives and Labour chose candidates on Monday.", linker)
    parties = {a.name: (a.type, a.wikidata) for a in found.actors.values() if a.wikidata}
    assert parties.get("Conservative Party") == ("Organization", "Q9626")


def test_words_found_by_attribute_are_those_a_pass_over_the_doc_finds() -> None:
    text = "Headline\n\nMr Xi met Ms King. Protesters and Voters gathered; the Ministry said so."
    doc = nlp.load(Settings().model)(text)
    words = {"mr", "ms", "voters", "protesters"}
    assert [t.i for t in docindex.having(doc, LOWER, words)] == [
        t.i for t in doc if t.lower_ in words
    ]
    lemmas = {"ministry", "say"}
    begin = text.index("Protesters")
    assert [t.i for t in docindex.having(doc, LEMMA, lemmas, begin)] == [
        t.i for t in doc if t.idx >= begin and t.lemma_.lower() in lemmas
    ]
    assert len(docindex.having(doc, LOWER, words)) == 4


def test_the_word_before_secretary_is_part_of_the_office_not_a_body() -> None:
    found = extract(
        "Talks stall\n\nThe Home Secretary, Suella Braverman, said she was disappointed."
    )
    assert sorted((a.name, a.type) for a in found.actors.values()) == [
        ("Suella Braverman", "Person")
    ]
