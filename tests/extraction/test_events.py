"""Events: triggers named by verbs and nouns, their kinds, participants and factuality, on
sentences written for these tests, through the real model; and the trigger table itself."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import SKOS

from newsgraph.ingest import encoding, nlp, triggers
from newsgraph.ingest.articles import from_text
from newsgraph.ingest.extraction import Event, Extraction, Factuality
from newsgraph.ontology import ontology_file
from newsgraph.settings import Settings

PUBLISHED = dt.date(2024, 5, 18)  # a Saturday
KIND = Namespace("https://w3id.org/newsgraph/kind/")


def extract(text: str) -> Extraction:
    article = from_text(text, "test.txt", PUBLISHED)
    return encoding.extract(nlp.load(Settings().model)(article.text), article, None)


def names(found: Extraction, keys: list[str]) -> set[str]:
    return {found.actors[key].name for key in keys}


def only(found: Extraction, kind: str) -> Event:
    (event,) = [e for e in found.events if e.kind == kind]
    return event


def events(extraction: Extraction) -> list[tuple[str, str | None, str, list[str], list[str]]]:
    """(label, CAMEO code, factuality, sources, targets) of each event."""
    name = lambda keys: [extraction.actors[k].name for k in keys]  # noqa: E731
    return [
        (e.label, e.cameo, e.factuality, name(e.sources), name(e.targets))
        for e in extraction.events
    ]


# ---------------------------------------------------------------- the table


def test_every_kind_a_trigger_can_give_is_a_concept_of_the_kind_scheme() -> None:
    scheme = Graph().parse(ontology_file("eventkinds.ttl"))
    declared = {str(c)[len(KIND) :] for c in scheme.subjects(SKOS.inScheme, KIND.scheme)}
    kinds = {row.kind for rows in triggers.table().values() for row in rows}
    assert kinds <= declared, kinds - declared


def test_every_code_a_trigger_can_give_is_a_concept_of_the_cameo_scheme() -> None:
    scheme = Graph().parse(ontology_file("cameo.ttl"))
    notations = {str(n) for n in scheme.objects(None, SKOS.notation)}
    codes = {row.cameo for rows in triggers.table().values() for row in rows if row.cameo}
    assert codes <= notations, codes - notations


def test_every_word_set_a_row_names_exists_and_every_label_is_known() -> None:
    rows = [row for rows in triggers.table().values() for row in rows]
    assert {row.label for row in rows} <= {"word", "mods", "obj", "prep", "gov"}
    assert {row.pos for row in rows} <= {"NOUN", "VERB", "PROPN"}


def test_an_unknown_condition_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown trigger condition 'colour'.*known: by"):
        triggers._conditions("colour=red")


# ---------------------------------------------------------------- kinds with and without CAMEO


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("The Liberal Party won the by-election in Kent on Thursday.", "Election", "by-election"),
        ("Ireland will hold a referendum on the treaty in June.", "Election", "referendum"),
        ("The Supreme Court ruled that the curfew was unlawful.", "CourtRuling", "ruled"),
        (
            "Anna Price's pre-Budget report was welcomed by business leaders.",
            "Publication",
            "pre-Budget report",
        ),
        ("The Green Party unveiled plans to cut rail fares.", "Publication", "unveiled plans"),
        ("Tom Hale resigned as health secretary on Monday.", "Resignation", "resigned"),
        ("The Reform Alliance appointed Sara Moyo as its new leader.", "Appointment", "appointed"),
        ("Maria Ruiz gave an interview to the Daily Post.", "Speech", "interview"),
        (
            "The Senate passed the immigration bill on Tuesday.",
            "Legislation",
            "passed immigration bill",
        ),
        (
            "Nelson Okafor launched his leadership campaign in Leeds.",
            "Campaign",
            "launched leadership campaign",
        ),
    ],
)  # fmt: skip
def test_events_analysts_track_have_a_kind_whether_or_not_cameo_codes_them(
    text: str, kind: str, label: str
) -> None:
    assert (kind, label) in [(e.kind, e.label) for e in extract(text).events]


def test_an_election_has_no_cameo_code_and_an_invasion_has_one() -> None:
    found = extract("Russia invaded Georgia in 2008. Labour won the general election in 2005.")
    assert [(e.kind, e.cameo) for e in found.events] == [("Attack", "190"), ("Election", None)]


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("Ahmed Khan began a hunger strike in prison.", "Protest", "142"),
        ("The Fire Brigades Union went on strike over pay.", "Protest", "143"),
        ("Israeli air strikes hit Gaza overnight.", "Attack", "195"),
        ("Senator Tom Hale launched a personal attack on the governor.", "Accusation", "111"),
    ],
)
def test_a_strike_or_an_attack_is_read_by_its_modifiers(text: str, kind: str, code: str) -> None:
    assert [(e.kind, e.cameo) for e in extract(text).events] == [(kind, code)]


# ---------------------------------------------------------------- nouns take part through the parse


def test_a_noun_takes_the_participants_of_the_verb_that_carries_it() -> None:
    found = extract("Iran held talks with Oman in Muscat on Friday.")
    talks = only(found, "Meeting")
    assert (talks.label, talks.cameo, talks.date) == ("talks", "046", "2024-05-17")
    assert names(found, talks.sources) == {"Iran"} and names(found, talks.others) == {"Oman"}


def test_a_possessive_is_who_does_what_the_noun_names() -> None:
    found = extract("Anna Price's pre-Budget report was welcomed by business leaders.")
    assert names(found, only(found, "Publication").sources) == {"Anna Price"}


def test_a_relative_pronoun_stands_for_its_antecedent() -> None:
    found = extract("Tom Hale, who was expelled from the Unity Party in 2003, will stand again.")
    expelled = only(found, "Resignation")
    assert {"Tom Hale", "Unity Party"} <= names(found, expelled.participants)


def test_a_verb_and_its_object_naming_one_event_make_one_event() -> None:
    found = extract("France and Germany signed a trade treaty in Berlin.")
    assert [(e.kind, e.label) for e in found.events] == [("Agreement", "signed trade treaty")]


def test_an_indefinite_mention_is_a_new_event_and_a_definite_one_the_same() -> None:
    found = extract(
        "The Liberal Party lost the general election in 2001. The election cost it dearly. "
        "In 2003 the Liberal Party won a by-election in Kent."
    )
    elections = [e for e in found.events if e.kind == "Election"]
    assert [e.label for e in elections] == ["lost general election", "by-election"]
    assert len(elections[0].more_spans) == 1


# ---------------------------------------------------------------- evidence against


@pytest.mark.parametrize(
    "text",
    [
        "All agreements on trade are worth little, the Liberal Party said.",
        "The Committee for a Responsible Federal Budget said the plan would cost more.",
        "Maria Ruiz won 40% of the votes.",
        "The report said unemployment was falling.",
        "Critics say the war on drugs has failed.",
        "Tony Blair said the war on terror would last for years.",
        "Donald Trump said it was a big deal for Ohio.",
        "Senator Tom Hale died of a heart attack.",
        "The Liberal Party is courting the Muslim vote in Leeds.",
    ],
)
def test_generic_or_idiomatic_or_named_words_are_no_events(text: str) -> None:
    assert [(e.kind, e.label) for e in extract(text).events] == []


def test_protesters_marching_against_a_war_do_not_wage_it() -> None:
    found = extract("Members of the Stop the War Coalition marched against the war in Iraq.")
    attacks = [e for e in found.events if e.kind == "Attack"]
    assert all("Stop the War Coalition" not in names(found, e.sources) for e in attacks)


def test_a_negation_inside_a_condition_is_hypothetical() -> None:
    found = extract("Iran would face sanctions if it did not agree to a ceasefire with Iraq.")
    ceasefire = only(found, "Agreement")
    assert ceasefire.factuality is Factuality.HYPOTHETICAL


def test_no_plans_for_an_event_negate_it() -> None:
    found = extract("There were no plans for a call between Putin and Biden this week.")
    assert [(e.label, e.factuality) for e in found.events] == [("call", Factuality.NEGATED)]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Jack Straw met Kamal Kharrazi in Tehran for talks on trade.", "talks"),
        (
            "Ann Lee will stand against Tom Reed at the next general election.",
            "next general election",
        ),
        ("Dmitry Peskov held a conference call with reporters on Monday.", "conference call"),
    ],
)
def test_words_that_name_one_event_together_make_one_event(text: str, label: str) -> None:
    assert [e.label for e in extract(text).events] == [label]


def test_a_noun_in_a_clause_of_its_own_does_not_borrow_the_sentence_subject() -> None:
    found = extract("The Crown Prosecution Service charged Tom Reed with conspiracy to murder.")
    assert [(e.kind, e.label) for e in found.events] == [("LegalAction", "charged")]


def test_the_winner_of_an_event_takes_part_in_it_but_a_critic_of_a_war_does_not_wage_it() -> None:
    won = extract("Ann Lee was the clear winner of Tuesday's debate.")
    assert [(e.kind, names(won, e.participants)) for e in won.events] == [("Debate", {"Ann Lee"})]
    assert extract("China is a critic of the war.").events == []


def test_a_disaster_takes_place_in_its_country_and_kills_without_an_attacker() -> None:
    found = extract("The earthquake in Turkey killed hundreds of people.")
    assert [(e.kind, names(found, e.participants)) for e in found.events] == [
        ("Disaster", {"Turkey"})
    ]


def test_they_is_the_party_last_the_subject_and_it_as_an_object_is_a_thing() -> None:
    found = extract(
        "The Liberal Party promised lower taxes. Ann Lee said they would win the next election. "
        "The Senate debated the bill on Monday, and the Liberal Party voted against it."
    )
    election = only(found, "Election")
    assert names(found, election.participants) == {"Liberal Party"}
    assert names(found, only(found, "Vote").targets) == set()


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The White House sought to deter China from providing military aid to Russia.", "China"),
        ("Iran accused the United States of sending weapons to Israel.", "United States"),
    ],
)
def test_who_is_kept_from_or_accused_of_doing_something_does_it(text: str, source: str) -> None:
    found = extract(text)
    assert names(found, only(found, "Aid").sources) == {source}


def test_a_by_election_is_not_the_election_named_before() -> None:
    found = extract(
        "The Liberal Party came third in the European elections. "
        "Later the Liberal Party gained a council seat in a by-election in Kent."
    )
    assert [e.label for e in found.events if e.kind == "Election"] == [
        "elections",
        "by-election",
    ]


def test_whose_decision_it_is_takes_part_in_what_was_decided() -> None:
    found = extract("Tony Blair defended his decision to go to war in Iraq.")
    war = only(found, "Attack")
    assert names(found, war.sources) == {"Tony Blair"}


# ---------------------------------------------------------------- codes, factuality and dates


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canada and Mexico will meet in Ottawa on Friday.", "2024-05-24"),
        ("Canada is due to meet Mexico in Ottawa on Tuesday.", "2024-05-21"),
        ("Voters in Canada go to the polls on 3 May in a general election.", "2025-05-03"),
        ("Canada and Mexico met in Ottawa on Tuesday.", "2024-05-14"),
    ],
)
def test_an_event_still_to_come_is_dated_forward_and_a_past_one_back(
    text: str, expected: str
) -> None:
    assert [e.date for e in extract(text).events] == [expected]


def test_a_date_named_alone_resolves_back_or_ahead_of_publication() -> None:
    from newsgraph.ingest.dates import resolve

    saturday = dt.date(2024, 5, 18)
    assert resolve("Saturday", saturday) == resolve("Saturday", saturday, ahead=True)
    assert resolve("next Saturday", saturday) == "2024-05-25"
    assert resolve("last Tuesday", saturday, ahead=True) == "2024-05-14"
    assert resolve("1 March", saturday, ahead=True) == "2025-03-01"
    assert resolve("May 28", saturday) == "2024-05-28"  # this May's, as before


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Israel carried out air strikes on Gaza on Saturday.", "Gaza"),
        ("Russian troops attacked the city of Kharkiv on Friday.", "Kharkiv"),
        ("Rebels attacked a convoy near Goma.", "Goma"),
    ],
)
def test_an_attack_takes_place_where_it_strikes(text: str, place: str) -> None:
    assert [e.place for e in extract(text).events] == [place]


def test_who_is_due_to_meet_meets_where_the_object_is_met() -> None:
    found = extract("Chancellor Olaf Scholz is due to meet Emmanuel Macron in Paris on Tuesday.")
    meeting = found.events[0]
    assert names(found, meeting.sources) == {"Olaf Scholz"}
    assert (meeting.place, meeting.date) == ("Paris", "2024-05-21")


def test_an_agreement_signed_in_a_place_took_place_there() -> None:
    found = extract(
        "Canada and Mexico agreed a new trade deal. The agreement, signed in Geneva by both "
        "ministers, cuts tariffs on steel."
    )
    assert "Geneva" in [e.place for e in found.events]


def test_a_weapon_attack_is_an_attack_and_strikes_the_country_its_targets_belong_to() -> None:
    drones = extract("Russia launched a drone attack on Kyiv.").events
    assert [e.kind for e in drones] == ["Attack"]
    found = extract("Russia fired missiles at Ukrainian cities overnight.")
    assert [(names(found, e.targets), e.place) for e in found.events] == [
        ({"Ukraine"}, "country:ukraine")
    ]
    words = extract("Critics called the speech an attack on Mr Blair.").events
    assert [e.kind for e in words] == ["Accusation"]


def test_trigger_candidates_are_every_body_word_a_trigger_lemma_could_fit() -> None:
    text = "Talks Collapse\n\nThe leaders met in Geneva. Summit talks followed; the Vote was held."
    doc = nlp.load(Settings().model)(text)
    begin = text.index("The leaders")
    every = [t for t in doc if t.idx >= begin and t.lemma_.lower() in triggers.lemmas()]
    assert [t.i for t in triggers.candidates(doc, begin)] == [t.i for t in every]
    assert {t.lower_ for t in every} >= {"met", "summit", "talks", "vote"}


def test_who_reports_an_event_takes_no_part_in_it() -> None:
    found = extract(
        "Headline\n\nLebanon's health ministry said four people were killed and 17 injured."
    )
    sources = {name for e in found.events for name in names(found, e.sources)}
    assert not any("Ministry" in name for name in sources), sources


def test_a_dated_mention_is_no_re_mention_of_an_undated_event_of_its_family() -> None:
    # "the invasion in February 2022" is not the drone strikes just told; merged, the strikes
    # would take its date.
    found = extract(
        "War update\n\nUkraine launched drone strikes on Russian oil refineries. Since the "
        "invasion in February 2022, more than 10,000 civilians have died."
    )
    strikes = [e for e in found.events if e.label == "drone strikes"]
    assert len(strikes) == 1
    assert strikes[0].date is None
    assert [s.text for s in strikes[0].more_spans] == []
