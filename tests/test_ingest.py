"""Ingest end to end with the real model into a real store: actors, statements, events, re-ingest,
atomicity and deterministic IRIs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fixtures import SAMPLE_DATA, ingest_into
from pyoxigraph import NamedNode, RdfFormat, Store, Variable

from newsgraph import queries
from newsgraph.ingest import articles, pipeline, rdf
from newsgraph.ontology import PREFIXES, Minter
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

INPUTS = Path(__file__).resolve().parent / "inputs"
MECHANISMS = INPUTS / "mechanisms"
PUBLISHED = dt.date(2022, 3, 19)  # a Saturday: "on Friday" is 2022-03-18
WITH_TITLE = "000_ee27ff7c3978a191.txt"
WITHOUT_TITLE = "004_c73451ecdcd84528.txt"
NG = PREFIXES["ng"]


def reader(folder: Path) -> Store:
    return StoreFolder(folder).reader()


def select(folder: Path | Store, sparql: str, **bindings: NamedNode) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of all graphs, each term as its plain value."""
    store = folder if isinstance(folder, Store) else reader(folder)
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    # pyoxigraph wants every substituted variable in the SELECT projection.
    solutions = store.query(
        prefixes + sparql,
        use_default_graph_as_union=True,
        substitutions={Variable(k): v for k, v in bindings.items()},
    )
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def canned(folder: Path, name: str, **values: str) -> list[dict[str, str]]:
    solutions = queries.run(reader(folder), queries.get(name), values)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def article_iri(folder: Path, file_name: str) -> str:
    rows = select(
        folder, "SELECT ?article ?source WHERE { ?article a ng:Article ; dcterms:source ?source }"
    )
    found = [r["article"] for r in rows if r["source"].endswith(file_name)]
    assert len(found) == 1, (file_name, rows)
    return found[0]


def ingest_with_date(
    folder: Path, paths: list[str], settings: Settings, published: dt.date | None
) -> pipeline.Summary:
    settings = settings.replace(store=str(folder))
    with StoreFolder(folder).writer() as writer:
        return pipeline.ingest_articles(
            articles.read(paths, settings.max_bytes, published), writer, settings
        )


def actors_of(folder: Path, article: str) -> dict[str, str]:
    """name -> type for the actors an article mentions, from the `actors` canned query."""
    return {row["name"]: row["type"] for row in canned(folder, "actors", article=article)}


def statements_of(folder: Path, article: str) -> list[dict[str, str]]:
    return canned(folder, "statements", article=article)


EVENT_DETAILS = """
SELECT ?article ?event ?label ?kind ?cameo ?factuality ?date ?expression WHERE {
  GRAPH ?article {
    ?event a ng:Event ; rdfs:label ?label ; ng:kind ?kind ; ng:factuality ?factuality .
    OPTIONAL { ?event ng:cameo ?cameo }
    OPTIONAL { ?event sem:hasTimeStamp ?date }
    OPTIONAL { ?event ng:timeExpression ?expression }
  }
}"""


def events_of(folder: Path, article: str) -> list[dict[str, str]]:
    rows = select(folder, EVENT_DETAILS, article=NamedNode(article))
    for row in rows:
        row["cameo"] = (row.get("cameo") or "").rsplit("/", 1)[-1]
        row["kind"] = row["kind"].rsplit("/", 1)[-1]
        row["factuality"] = row["factuality"].rsplit("#", 1)[-1]
    return rows


def participants(folder: Path, event: str) -> set[str]:
    rows = select(
        folder,
        "SELECT ?event ?name WHERE { ?event sem:hasActor ?actor . ?actor rdfs:label ?name }",
        event=NamedNode(event),
    )
    return {row["name"] for row in rows}


# ---------------------------------------------------------------- the sample articles


@pytest.mark.parametrize("file_name", [WITH_TITLE, WITHOUT_TITLE])
def test_sample_article_has_the_expected_actors_with_their_types(
    ingested_store: Path, file_name: str
) -> None:
    found = actors_of(ingested_store, article_iri(ingested_store, file_name))
    expected = {
        "Joe Biden": "Person",
        "Xi Jinping": "Person",
        "China": "Country",
        "Russia": "Country",
        "Ukraine": "Country",
        "United States": "Country",
    }
    assert {name: found.get(name) for name in expected} == expected


def test_white_house_is_an_organization_actor(ingested_store: Path) -> None:
    found = actors_of(ingested_store, article_iri(ingested_store, WITH_TITLE))
    assert found.get("White House") == "Organization"
    assert found.get("Jen Psaki") == "Person"


BIDEN_ACTORS = """
SELECT DISTINCT ?article ?actor ?name WHERE {
  GRAPH ?article { ?actor gaf:denotedBy ?mention . ?mention nif:anchorOf ?anchor }
  FILTER (CONTAINS(?anchor, "Biden"))
  ?actor a ng:Person ; rdfs:label ?name .
}"""


def test_biden_is_one_actor_per_article_and_the_same_iri_across_articles(
    ingested_store: Path,
) -> None:
    iris = set()
    for file_name in (WITH_TITLE, WITHOUT_TITLE):
        rows = select(
            ingested_store, BIDEN_ACTORS, article=NamedNode(article_iri(ingested_store, file_name))
        )
        assert [row["name"] for row in rows] == ["Joe Biden"], (file_name, rows)
        iris.add(rows[0]["actor"])
    assert len(iris) == 1


MENTION_SPANS = """
SELECT ?article ?actor ?begin ?end WHERE {
  GRAPH ?article {
    ?actor gaf:denotedBy ?mention . ?mention nif:beginIndex ?begin ; nif:endIndex ?end
  }
}"""


@pytest.mark.parametrize("file_name", [WITH_TITLE, WITHOUT_TITLE])
def test_every_surface_form_of_biden_is_a_mention_of_the_one_biden_actor(
    ingested_store: Path, file_name: str
) -> None:
    """One actor for "US President Joe Biden", "Mr Biden", "Mr. Biden’s", "Sir. Biden"."""
    article = article_iri(ingested_store, file_name)
    [biden] = select(ingested_store, BIDEN_ACTORS, article=NamedNode(article))
    spans = [
        (int(r["begin"]), int(r["end"]))
        for r in select(
            ingested_store,
            MENTION_SPANS,
            article=NamedNode(article),
            actor=NamedNode(biden["actor"]),
        )
    ]
    text = (SAMPLE_DATA / file_name).read_text(encoding="utf-8")
    occurrences = [m.start() for m in re.finditer(r"\bBiden\b", text)]
    assert len(occurrences) >= 6
    missed = [
        text[max(0, at - 15) : at + 6]
        for at in occurrences
        if not any(b <= at < e for b, e in spans)
    ]
    assert not missed


ANCHORS = """
SELECT ?article ?text ?anchor ?begin ?end WHERE {
  GRAPH ?article {
    ?article nif:isString ?text .
    ?mention nif:referenceContext ?article ; nif:anchorOf ?anchor ;
      nif:beginIndex ?begin ; nif:endIndex ?end .
  }
}"""


@pytest.mark.parametrize("file_name", [WITH_TITLE, WITHOUT_TITLE])
def test_every_mention_anchor_is_the_article_text_at_its_offsets(
    ingested_store: Path, file_name: str
) -> None:
    rows = select(
        ingested_store, ANCHORS, article=NamedNode(article_iri(ingested_store, file_name))
    )
    assert len(rows) > 20
    wrong = [r["anchor"] for r in rows if r["text"][int(r["begin"]) : int(r["end"])] != r["anchor"]]
    assert not wrong


def test_white_house_statement_is_a_direct_quote(ingested_store: Path) -> None:
    rows = statements_of(ingested_store, article_iri(ingested_store, WITH_TITLE))
    quote = [
        r
        for r in rows
        if r["text"].startswith("The president underlined his support for a diplomatic solution")
    ]
    assert len(quote) == 1
    assert quote[0]["speakerName"] == "White House"
    assert quote[0]["direct"] == "true"
    assert quote[0]["cue"] == "said in a statement"


def test_quote_continued_in_the_next_paragraph_keeps_its_speaker(ingested_store: Path) -> None:
    rows = statements_of(ingested_store, article_iri(ingested_store, WITH_TITLE))
    follow = [r for r in rows if r["text"].startswith("The two leaders also agreed")]
    assert [r["speakerName"] for r in follow] == ["White House"]


def test_psaki_reported_speech_is_indirect(ingested_store: Path) -> None:
    rows = statements_of(ingested_store, article_iri(ingested_store, WITH_TITLE))
    psaki = [r for r in rows if r["speakerName"] == "Jen Psaki"]
    assert len(psaki) == 1
    assert psaki[0]["text"].startswith("Mr Biden would question Mr Xi")
    assert psaki[0]["direct"] == "false"


def test_zhao_lijian_and_the_senior_official_are_speakers_of_their_quotes(
    ingested_store: Path,
) -> None:
    rows = statements_of(ingested_store, article_iri(ingested_store, WITHOUT_TITLE))
    by_speaker: dict[str, list[str]] = {}
    for row in rows:
        by_speaker.setdefault(row["speakerName"], []).append(row["text"])
    assert any(
        t.startswith("What the US should do is to seriously reflect")
        for t in by_speaker.get("Zhao Lijian", [])
    )
    assert any(
        t.startswith("As the culprit of the Ukraine crisis")
        for t in by_speaker.get("Zhao Lijian", [])
    )
    official = [name for name in by_speaker if "administration official" in name.lower()]
    assert len(official) == 1
    assert any(t.startswith("President Biden made clear") for t in by_speaker[official[0]])
    assert all(
        r["direct"] == "true" for r in rows if r["speakerName"] in ("Zhao Lijian", official[0])
    )


def test_statement_texts_have_no_surrounding_whitespace(ingested_store: Path) -> None:
    rows = canned(ingested_store, "statements")
    assert rows
    assert [r["text"] for r in rows if r["text"] != r["text"].strip()] == []


def test_video_call_is_cameo_041_between_biden_and_xi(ingested_store: Path) -> None:
    article = article_iri(ingested_store, WITHOUT_TITLE)
    calls = [e for e in events_of(ingested_store, article) if e["label"] == "video call"]
    assert len(calls) == 1
    assert calls[0]["cameo"] == "041" and calls[0]["factuality"] == "Asserted"
    assert {"Joe Biden", "Xi Jinping"} <= participants(ingested_store, calls[0]["event"])


@pytest.mark.parametrize("file_name", [WITH_TITLE, WITHOUT_TITLE])
def test_russian_invasion_is_cameo_190_with_russia(ingested_store: Path, file_name: str) -> None:
    article = article_iri(ingested_store, file_name)
    invasions = [e for e in events_of(ingested_store, article) if e["label"] == "invasion"]
    assert len(invasions) == 1
    assert invasions[0]["cameo"] == "190"
    assert "Russia" in participants(ingested_store, invasions[0]["event"])
    sources = select(
        ingested_store,
        "SELECT ?event ?name WHERE { ?event ng:sourceActor ?a . ?a rdfs:label ?name }",
        event=NamedNode(invasions[0]["event"]),
    )
    # "Putin's three-week war in Ukraine", named again, is the same attack, with its leader.
    assert {r["name"] for r in sources} in ({"Russia"}, {"Russia", "Vladimir Putin"})


# ---------------------------------------------------------------- mechanisms, on written articles


@pytest.fixture(scope="module")
def mechanism_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    folder = tmp_path_factory.mktemp("mechanisms") / "store"
    summary = ingest_with_date(folder, [str(MECHANISMS)], settings, PUBLISHED)
    assert summary.articles == len(list(MECHANISMS.glob("*.txt"))) and not summary.skipped
    return folder


def test_a_quoted_sentence_its_attribution_splits_is_one_statement_of_the_pronoun_speaker(
    mechanism_store: Path,
) -> None:
    rows = statements_of(mechanism_store, article_iri(mechanism_store, "split_quote.txt"))
    assert [(r["speakerName"], r["direct"], r["cue"]) for r in rows] == [
        ("Wang Yi", "true", "said")
    ]
    assert rows[0]["text"].startswith(
        "We will not accept any interference in our internal affairs, and we will respond firmly"
    )


def test_pronoun_speaker_resolves_to_the_person_of_matching_gender(mechanism_store: Path) -> None:
    """After "Ms Merkel ... Mr Macron", "She said" is Merkel although Macron was named last."""
    rows = statements_of(mechanism_store, article_iri(mechanism_store, "pronoun_speaker.txt"))
    # "Mr Macron praised the long friendship ..." is a statement of Macron's as well.
    rows = [r for r in rows if "deepen" in r["text"]]
    assert len(rows) == 1
    assert "Merkel" in rows[0]["speakerName"]
    assert rows[0]["text"] == "Germany would deepen its defence cooperation with France"
    assert rows[0]["direct"] == "false"


def test_reported_speech_with_that_is_an_indirect_statement(mechanism_store: Path) -> None:
    rows = statements_of(mechanism_store, article_iri(mechanism_store, "reported_speech.txt"))
    trudeau = [r for r in rows if r["speakerName"] == "Justin Trudeau"]
    assert [(r["text"], r["cue"], r["direct"]) for r in trudeau] == [
        ("Canada would send more humanitarian aid to Ukraine", "said", "false")
    ]


ABOUT = "SELECT ?statement ?name WHERE { ?statement schema:about ?a . ?a rdfs:label ?name }"
ROLES = """
SELECT ?event ?role ?name WHERE {
  VALUES ?role { ng:sourceActor ng:targetActor }
  ?event ?role ?actor . ?actor rdfs:label ?name
}"""


def test_accused_of_is_a_statement_about_the_accused_and_an_accusation_event(
    mechanism_store: Path,
) -> None:
    article = article_iri(mechanism_store, "reported_speech.txt")
    rows = [r for r in statements_of(mechanism_store, article) if r["cue"] == "accused"]
    assert len(rows) == 1
    assert rows[0]["speakerName"] == "Russia"
    assert rows[0]["text"] == "Ukraine of shelling civilian areas near Donetsk"
    about = {
        r["name"] for r in select(mechanism_store, ABOUT, statement=NamedNode(rows[0]["statement"]))
    }
    assert about == {"Ukraine"}
    [accusation] = [e for e in events_of(mechanism_store, article) if e["cameo"] == "112"]
    roles = {
        (r["role"].rsplit("#", 1)[-1], r["name"])
        for r in select(mechanism_store, ROLES, event=NamedNode(accusation["event"]))
    }
    assert roles == {("sourceActor", "Russia"), ("targetActor", "Ukraine")}


def test_institutional_speaker_said_in_a_statement(mechanism_store: Path) -> None:
    article = article_iri(mechanism_store, "reported_speech.txt")
    rows = [
        r
        for r in statements_of(mechanism_store, article)
        if r["text"].startswith("The sanctions are illegal")
    ]
    assert len(rows) == 1
    assert rows[0]["speakerName"] == "Foreign Ministry"
    assert rows[0]["cue"] == "said in a statement"
    assert rows[0]["direct"] == "true"
    assert actors_of(mechanism_store, article)["Foreign Ministry"] == "Organization"


def test_negated_event_is_marked_negated_and_left_out_of_the_events_query(
    mechanism_store: Path,
) -> None:
    article = article_iri(mechanism_store, "factuality.txt")
    invasions = [e for e in events_of(mechanism_store, article) if e["cameo"] == "190"]
    assert [(e["label"], e["factuality"]) for e in invasions] == [("invade", "Negated")]
    listed = {row["event"] for row in canned(mechanism_store, "events", article=article)}
    assert invasions[0]["event"] not in listed
    assert listed  # the asserted meeting is still there


def test_threatened_sanctions_are_a_hypothetical_event(mechanism_store: Path) -> None:
    """In "The United States threatened to impose sanctions on Iran" the sanctions are not real."""
    article = article_iri(mechanism_store, "factuality.txt")
    sanctions = [e for e in events_of(mechanism_store, article) if e["cameo"] == "163"]
    assert [e["factuality"] for e in sanctions] == ["Hypothetical"]
    assert {"United States", "Iran"} <= participants(mechanism_store, sanctions[0]["event"])


def test_relative_date_on_friday_resolves_against_the_published_date(mechanism_store: Path) -> None:
    article = article_iri(mechanism_store, "factuality.txt")
    meetings = [e for e in events_of(mechanism_store, article) if e["cameo"] == "040"]
    assert len(meetings) == 1
    assert meetings[0]["date"] == "2022-03-18"
    assert meetings[0]["expression"] == "Friday"
    typed = select(
        mechanism_store,
        "SELECT ?event ?date WHERE { ?event sem:hasTimeStamp ?date "
        "FILTER (DATATYPE(?date) = xsd:date) }",
        event=NamedNode(meetings[0]["event"]),
    )
    assert len(typed) == 1
    assert participants(mechanism_store, meetings[0]["event"]) == {"Joe Biden", "Xi Jinping"}


def test_published_date_is_stored_on_the_article(mechanism_store: Path) -> None:
    rows = [
        r for r in canned(mechanism_store, "articles") if r["source"].endswith("factuality.txt")
    ]
    assert [(r["title"], r["published"]) for r in rows] == [("Talks in Geneva", "2022-03-19")]


def test_headline_is_not_read_as_body(mechanism_store: Path) -> None:
    """Titles ("Talks in Geneva", "Merkel and Macron meet in Berlin") give no event or statement."""
    for file_name, title in (
        ("factuality.txt", "Talks in Geneva"),
        ("pronoun_speaker.txt", "Merkel and Macron meet in Berlin"),
    ):
        article = article_iri(mechanism_store, file_name)
        begins = select(
            mechanism_store,
            "SELECT ?article ?begin WHERE { GRAPH ?article { "
            "?x a ?type ; gaf:denotedBy/nif:beginIndex ?begin "
            "VALUES ?type { ng:Event ng:Statement } } }",
            article=NamedNode(article),
        )
        assert begins and min(int(r["begin"]) for r in begins) > len(title)


# ---------------------------------------------------------------- re-ingest, atomicity, determinism


def count_quads(folder: Path) -> int:
    return len(reader(folder))


def test_reingesting_the_same_folder_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "store"
    ingest_into(folder, [str(SAMPLE_DATA)], settings)
    first = sorted(str(q) for q in reader(folder))
    summary = ingest_into(folder, [str(SAMPLE_DATA)], settings)
    assert summary.articles == 2
    assert count_quads(folder) == len(first)
    assert sorted(str(q) for q in reader(folder)) == first


URL = "https://news.example.org/world/2022/03/18/talks"
OLD_VERSION = {
    "url": URL,
    "title": "Talks (first version)",
    "published": "2022-03-18",
    "text": "Chancellor Angela Merkel said that Germany would host the talks in Berlin. "
    "Russia accused Ukraine of shelling civilian areas near Donetsk.",
}
NEW_VERSION = {
    "url": URL,
    "title": "Talks (corrected)",
    "published": "2022-03-18",
    "text": "President Emmanuel Macron said that France would host the talks in Paris. "
    "Russia accused Ukraine of shelling civilian areas near Donetsk.",
}
OTHER_ARTICLE = {
    "url": "https://news.example.org/world/2022/03/18/other",
    "text": "Prime Minister Justin Trudeau said that Canada would send more humanitarian aid "
    "to Ukraine.",
}


def write_json(path: Path, record: dict) -> Path:
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def labels_in_actors_graph(folder: Path, settings: Settings) -> set[str]:
    graph = Minter(settings.base).actors_graph()
    rows = select(
        folder,
        "SELECT ?graph ?name WHERE { GRAPH ?graph { ?actor rdfs:label ?name } }",
        graph=graph,
    )
    return {row["name"] for row in rows}


def test_changed_article_with_a_url_replaces_its_old_version(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "store"
    source = tmp_path / "inputs"
    source.mkdir()
    write_json(source / "talks.json", OLD_VERSION)
    write_json(source / "other.json", OTHER_ARTICLE)
    ingest_into(folder, [str(source)], settings)
    before = {r["text"] for r in canned(folder, "statements")}
    assert "Germany would host the talks in Berlin" in before
    assert "Angela Merkel" in labels_in_actors_graph(folder, settings)

    write_json(source / "talks.json", NEW_VERSION)
    ingest_into(folder, [str(source / "talks.json")], settings)

    article = Minter(settings.base).article(URL, "").value
    nodes = select(
        folder,
        "SELECT ?url ?article ?title WHERE { ?article a ng:Article ; schema:url ?url "
        "OPTIONAL { ?article schema:headline ?title } }",
        url=NamedNode(URL),
    )
    assert nodes == [{"url": URL, "article": article, "title": "Talks (corrected)"}]
    texts = {r["text"] for r in canned(folder, "statements", article=article)}
    assert "Germany would host the talks in Berlin" not in texts
    assert "France would host the talks in Paris" in texts
    assert "Ukraine of shelling civilian areas near Donetsk" in texts
    labels = labels_in_actors_graph(folder, settings)
    assert "Angela Merkel" not in labels  # mentioned only by the old version: no orphan left
    assert {"Emmanuel Macron", "Russia", "Ukraine", "Justin Trudeau", "Canada"} <= labels
    graphs = {r["g"] for r in select(folder, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert len(graphs) == 4  # two article graphs, the actors graph and the stories graph


def test_actor_still_mentioned_elsewhere_survives_the_replacement(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "store"
    talks = write_json(tmp_path / "talks.json", OLD_VERSION)
    other = write_json(
        tmp_path / "other.json",
        OTHER_ARTICLE | {"text": OTHER_ARTICLE["text"] + " Chancellor Angela Merkel agreed."},
    )
    ingest_into(folder, [str(talks), str(other)], settings)
    write_json(talks, NEW_VERSION)
    ingest_into(folder, [str(talks)], settings)
    assert "Angela Merkel" in labels_in_actors_graph(folder, settings)


def test_article_whose_extraction_fails_leaves_nothing_and_the_others_are_stored(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "inputs"
    source.mkdir()
    (source / "a.txt").write_text(
        "First\nRussia accused Ukraine of shelling civilian areas.\n", encoding="utf-8"
    )
    (source / "b.txt").write_text(
        "Second\nPrime Minister Jacinda Ardern said that New Zealand would send aid.\n",
        encoding="utf-8",
    )
    (source / "c.txt").write_text(
        "Third\nPresident Emmanuel Macron said that France would host talks.\n", encoding="utf-8"
    )
    real_build = rdf.build

    def failing_build(article, extraction, minter):  # noqa: ANN001, ANN202
        graph = real_build(article, extraction, minter)  # the failure comes after real work
        if article.source.endswith("b.txt"):
            raise RuntimeError("boom while building b")
        return graph

    monkeypatch.setattr(rdf, "build", failing_build)
    folder = tmp_path / "store"
    summary = ingest_into(folder, [str(source)], settings)

    assert summary.articles == 2
    assert [
        (Path(e.source).name, "extraction failed" in e.reason, "boom" in e.reason)
        for e in summary.skipped
    ] == [("b.txt", True, True)]
    sources = sorted(Path(r["source"]).name for r in canned(folder, "articles"))
    assert sources == ["a.txt", "c.txt"]
    text_b = (source / "b.txt").read_text(encoding="utf-8")
    b_iri = Minter(settings.base).article(None, articles.from_text(text_b, "b").content_hash)
    assert not list(reader(folder).quads_for_pattern(None, None, None, b_iri))
    assert not list(reader(folder).quads_for_pattern(b_iri, None, None, None))
    assert "Jacinda Ardern" not in labels_in_actors_graph(folder, settings)
    assert "Emmanuel Macron" in labels_in_actors_graph(folder, settings)


def sorted_nquads(folder: Path) -> list[str]:
    text = reader(folder).dump(format=RdfFormat.N_QUADS).decode("utf-8")
    return sorted(line for line in text.splitlines() if line.strip())


def test_same_inputs_into_two_fresh_stores_give_identical_nquads(
    tmp_path: Path, settings: Settings
) -> None:
    paths = [str(SAMPLE_DATA), str(INPUTS / "article.json")]
    ingest_into(tmp_path / "one", paths, settings)
    ingest_into(tmp_path / "two", paths, settings)
    one, two = sorted_nquads(tmp_path / "one"), sorted_nquads(tmp_path / "two")
    assert len(one) > 1000
    assert one == two
