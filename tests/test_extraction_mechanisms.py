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
    assert [(a.type, a.name, len(a.mentions)) for a in found.actors.values()] == [
        ("Organization", "World Health Organization", 3)
    ]


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


# ---------------------------------------------------------------- what happened


def test_triggers_map_to_cameo_codes_with_source_and_target() -> None:
    found = extract(
        "Russia invaded Ukraine in February. The European Union imposed sanctions on Russia."
    )
    table = {label: (code, sources, targets) for label, code, _, sources, targets in events(found)}
    assert table["invaded"] == ("190", ["Russia"], ["Ukraine"])
    assert table["sanctions"] == ("163", ["European Union"], ["Russia"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters demanded an end to the occupation of Iraq.", ("occupation", "192")),
        ("Russian troops occupied the Zaporizhzhia region in 2022.", ("occupied", "192")),
        ("The rebels kidnapped two aid workers from France.", ("kidnapped", "181")),
        ("Israel imposed a blockade on Gaza.", ("blockade", "191")),
        ("The opposition leader Maria Ruiz attacked the government's budget.", ("attacked", "111")),
        (
            "Senator Tom Hale launched a fierce attack on the president's record.",
            ("fierce attack", "111"),
        ),
        ("Iran attacked an Israeli air base with missiles.", ("attacked", "190")),
        ("Egypt called for an immediate ceasefire in Gaza.", ("called for", "020")),
        ("The United Nations called on both sides to cease fire.", ("called on", "020")),
        ("Erdogan called Netanyahu after the attack.", ("called", "041")),
        ("Iran rejected the proposal from the United States.", ("rejected", "120")),
        ("The president praised Kenya for its help.", ("praised", "051")),
        ("Blinken met his Chinese counterpart Wang Yi in Munich.", ("met", "040")),
        ("Hezbollah fired rockets at northern Israel.", ("fired rockets", "190")),
    ],
)
def test_triggers_beyond_the_first_table_have_their_cameo_codes(
    text: str, expected: tuple[str, str]
) -> None:
    assert expected in [(label, code) for label, code, *_ in events(extract(text))]


@pytest.mark.parametrize(
    "text", ["Her occupation was listed as teacher.", "Students occupied the library for a week."]
)
def test_occupying_a_job_or_a_building_is_not_occupying_territory(text: str) -> None:
    assert events(extract(text)) == []


def test_a_country_s_minister_acts_for_the_country() -> None:
    found = events(extract("France's foreign minister met his German counterpart."))
    assert [(code, sources, targets) for _, code, _, sources, targets in found] == [
        ("040", ["France"], ["Germany"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "North Korea fired a ballistic missile into the sea.",
        "The coach fired the goalkeeper after the match.",
        "The company hopes to meet its targets this year.",
    ],
)
def test_a_missile_test_a_dismissal_and_a_target_met_are_no_events(text: str) -> None:
    assert events(extract(text)) == []


@pytest.mark.parametrize(
    "text", ["Trump called Zelensky a dictator.", "Critics called Johnson weak."]
)
def test_calling_someone_something_is_not_a_phone_call(text: str) -> None:
    assert [code for _, code, *_ in events(extract(text)) if code == "041"] == []


def test_who_condemns_an_attack_is_not_its_attacker() -> None:
    found = events(extract("NATO condemned the attack on the convoy."))
    attacks = [(sources, targets) for label, code, _, sources, targets in found if code == "190"]
    assert all("NATO" not in sources for sources, _ in attacks)
    assert ("condemned", "111") in [(label, code) for label, code, *_ in found]


def test_a_video_call_between_two_leaders_is_one_041_event_however_often_named() -> None:
    found = extract(
        "Joe Biden held a video call with Xi Jinping on Friday. "
        "During the call, the two men spoke for two hours."
    )
    calls = [e for e in found.events if e.cameo == "041"]
    assert len(calls) == 1
    assert {found.actors[k].name for k in calls[0].participants} == {"Joe Biden", "Xi Jinping"}
    assert calls[0].date == "2024-05-17"


def test_negated_and_conditional_events_are_marked_not_asserted() -> None:
    found = extract(
        "Russia did not invade Georgia. "
        "The United States would impose sanctions on Iran if talks failed. "
        "Iran threatened to attack Israel."
    )
    factuality = {label: f for label, _, f, _, _ in events(found)}
    assert factuality["invade"] == "Negated"
    assert factuality["sanctions"] == "Hypothetical"
    assert factuality["attack"] == "Hypothetical"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canada and Mexico met in Ottawa on Friday.", "2024-05-17"),
        ("Canada and Mexico met in Ottawa in November.", "2023-11"),
        ("Canada and Mexico met in Ottawa on 3 March 2021.", "2021-03-03"),
        ("Canada and Mexico met in Ottawa last week.", "2024-05"),
    ],
)
def test_event_dates_resolve_against_the_publication_date(text: str, expected: str) -> None:
    found = extract(text)
    assert [e.date for e in found.events] == [expected]
    assert found.events[0].place == "Ottawa"


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


def test_a_party_the_recogniser_calls_a_group_links_as_an_organization(linker: Linker) -> None:
    found = extract("Both the Conservatives and Labour chose candidates on Monday.", linker)
    parties = {a.name: (a.type, a.wikidata) for a in found.actors.values() if a.wikidata}
    assert parties.get("Conservative Party") == ("Organization", "Q9626")
