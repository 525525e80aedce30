"""Every canned query runs against a real ingested store, declares what it returns, and binds its
parameters as values."""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SAMPLE_DATA, WIKIDATA_COUNTRIES
from pyoxigraph import QueryResultsFormat, RdfFormat, Store

from newsgraph import queries
from newsgraph.errors import InvalidParameter, NotFound
from newsgraph.ingest import articles, pipeline, triggers
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

ALL = queries.load()
CONTRACT = {
    "articles": ["article", "source", "title", "published"],
    "actors": ["article", "actor", "name", "type", "wikidata", "mentions"],
    "statements": ["article", "statement", "speaker", "speakerName", "text", "cue", "direct"],
    "events": ["article", "event", "label", "cameo", "participantNames", "date", "place", "kind"],
}
NG = "https://w3id.org/newsgraph/ontology#"
PREFIXES = f"PREFIX ng: <{NG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>\n"


def declared_variables(text: str) -> list[str]:
    """The projection of a SELECT query, in order: bare ?vars and the ?var of (expr AS ?var)."""
    body = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith(("#", "PREFIX"))
    )
    match = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*\bWHERE\b", body, re.S | re.I)
    assert match, "no SELECT ... WHERE"
    projection = match.group(1)
    names, depth, group = [], 0, ""
    for char in projection:
        if char == "(":
            depth += 1
        if depth:
            group += char
        elif char in "?$":
            group = char
        elif group.startswith(("?", "$")):
            if char.isalnum() or char == "_":
                group += char
            else:
                names.append(group[1:])
                group = ""
        if char == ")":
            depth -= 1
            if depth == 0:
                names.append(re.search(r"\bAS\s+[?$](\w+)\s*\)$", group, re.I).group(1))
                group = ""
    if group.startswith(("?", "$")):
        names.append(group[1:])
    return names


# The sample .txt files carry no date and `ingested_store` links no actor to Wikidata, so the
# queries over dates or Wikidata links run against the same articles ingested as `newsgraph ingest`
# does: with a publication date and the local Wikidata index.
FEDERATED = {name for name, query in ALL.items() if "SERVICE" in query.text}
# The dashboard's and the story timeline's date filters need dated articles and stories.
DATED = {"story_timeline", "dashboard_actors", "dashboard_speakers", "dashboard_network"}
NEEDS_LINKED_STORE = FEDERATED | {"timeline", "dashboard_sources"} | DATED


class _WikidataStandIn(BaseHTTPRequestHandler):
    """A SPARQL endpoint over WIKIDATA_COUNTRIES, for the federated queries' SERVICE calls."""

    facts = Store()
    facts.load(path=WIKIDATA_COUNTRIES, format=RdfFormat.TURTLE)
    calls: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        data = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        if "form" in self.headers.get("Content-Type", ""):
            data = urllib.parse.parse_qs(data)["query"][0]
        self._answer(data)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)["query"][0])

    def _answer(self, query: str) -> None:
        self.calls.append(query)
        body = self.facts.query(query).serialize(format=QueryResultsFormat.JSON)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def wikidata_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WikidataStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def catalog(wikidata_endpoint: str) -> dict[str, queries.CannedQuery]:
    return queries.load(wikidata_endpoint)


@pytest.fixture(scope="module")
def store(ingested_store: Path) -> Store:
    return StoreFolder(ingested_store).reader()


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Store:
    """The sample articles, with a publication date and actors linked by the Wikidata index."""
    from newsgraph.ingest.linking import Linker

    folder = tmp_path_factory.mktemp("linked") / "store"
    linker = Linker(cache_path=folder.parent / "wikidata-cache.json", online=False)
    with StoreFolder(folder).writer() as writer:
        items = articles.read([str(SAMPLE_DATA)], settings.max_bytes, dt.date(2022, 3, 19))
        summary = pipeline.ingest_articles(
            items, writer, settings.replace(store=str(folder)), linker=linker
        )
    assert summary.articles == 2
    return StoreFolder(folder).reader()


def one(store: Store, sparql: str) -> str:
    rows = list(store.query(PREFIXES + sparql, use_default_graph_as_union=True))
    assert rows, sparql
    return rows[0][0].value


def values_from(store: Store) -> dict[str, str]:
    """Real IRIs and values from a store for every parameter name a query declares."""
    biden = one(store, 'SELECT ?a WHERE { ?a a ng:Person ; rdfs:label "Joe Biden" }')
    xi = one(store, 'SELECT ?a WHERE { ?a a ng:Person ; rdfs:label "Xi Jinping" }')
    speaker = one(store, 'SELECT ?a WHERE { ?s ng:speaker ?a . ?a rdfs:label "White House" }')
    article = one(
        store, 'SELECT ?a WHERE { GRAPH ?a { ?s ng:speaker ?x } ?x rdfs:label "White House" }'
    )
    source = one(store, f"SELECT ?s WHERE {{ <{article}> <http://purl.org/dc/terms/source> ?s }}")
    story = one(store, 'SELECT ?s WHERE { ?s ng:report ?e ; rdfs:label "video call" }')
    return {
        "since": "2000-01-01",
        "until": "2100-01-01",
        "source": source,
        "story": story,
        "actor": biden,
        "first": biden,
        "second": xi,
        "speaker": speaker,
        "article": article,
        "type": "Person",
    }


@pytest.fixture(scope="module")
def real_values(store: Store) -> dict[str, str]:
    return values_from(store)


def run(
    store: Store,
    name: str,
    values: dict[str, str],
    catalog: dict[str, queries.CannedQuery] | None = None,
) -> tuple[list[str], list[dict[str, object]]]:
    solutions = queries.run(store, queries.get(name, catalog or ALL), values)
    variables = [v.value for v in solutions.variables]
    rows = [{v: row[v] for v in variables} for row in solutions]
    return variables, rows


def test_the_four_contract_queries_exist() -> None:
    assert set(CONTRACT) <= set(ALL)


@pytest.mark.parametrize("name", sorted(ALL))
def test_query_has_a_title_and_a_description(name: str) -> None:
    query = ALL[name]
    assert query.title.strip() and query.description.strip()
    assert query.title != query.description
    for parameter in query.parameters:
        assert parameter.type in queries.TYPES
        assert parameter.description.strip(), (
            f"{name}: parameter {parameter.name} has no description"
        )


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_query_declares_exactly_the_agreed_variables(name: str) -> None:
    assert declared_variables(ALL[name].text) == CONTRACT[name]


def choose(name: str, store: Store, linked_store: Store) -> Store:
    return linked_store if name in NEEDS_LINKED_STORE else store


@pytest.mark.parametrize("name", sorted(ALL))
def test_query_with_its_required_parameters_returns_rows_with_the_declared_variables(
    store: Store, linked_store: Store, catalog: dict[str, queries.CannedQuery], name: str
) -> None:
    store = choose(name, store, linked_store)
    query = catalog[name]
    values = {p.name: values_from(store)[p.name] for p in query.parameters if p.required}
    variables, rows = run(store, name, values, catalog)
    assert variables == declared_variables(query.text)
    assert rows, f"{name} returned no rows with {values}"
    for row in rows:
        assert set(row) == set(variables)


@pytest.mark.parametrize("name", sorted(ALL))
def test_query_with_every_parameter_filled_still_runs(
    store: Store, linked_store: Store, catalog: dict[str, queries.CannedQuery], name: str
) -> None:
    store = choose(name, store, linked_store)
    query = catalog[name]
    values = {p.name: values_from(store)[p.name] for p in query.parameters}
    variables, rows = run(store, name, values, catalog)
    assert variables == declared_variables(query.text)
    if query.parameters:
        assert rows, f"{name} returned no rows with {values}"


def test_federated_queries_name_wikidata_and_can_be_pointed_elsewhere(
    wikidata_endpoint: str,
) -> None:
    assert FEDERATED, "no federated canned query"
    moved = queries.load(wikidata_endpoint)
    for name in FEDERATED:
        assert "<https://query.wikidata.org/sparql>" in ALL[name].text
        assert f"<{wikidata_endpoint}>" in moved[name].text
        assert "query.wikidata.org" not in moved[name].text
    with pytest.raises(ValueError):
        queries.load("https://x.example/> } SERVICE <https://evil.example/")


def test_wikidata_leaders_joins_linked_actors_with_wikidata_offices(
    linked_store: Store, catalog: dict[str, queries.CannedQuery]
) -> None:
    _, rows = run(linked_store, "wikidata_leaders", {}, catalog)
    found = {(r["name"].value, r["office"].value, r["country"].value) for r in rows}
    assert ("Joe Biden", "head of state", "United States of America") in found
    assert ("Joe Biden", "head of government", "United States of America") in found
    assert ("Xi Jinping", "head of state", "People's Republic of China") in found


def test_wikidata_countries_joins_country_actors_with_wikidata_facts(
    linked_store: Store, catalog: dict[str, queries.CannedQuery]
) -> None:
    _, rows = run(linked_store, "wikidata_countries", {}, catalog)
    by_name = {r["name"].value: r for r in rows}
    assert by_name["United States"]["iso3"].value == "USA"
    assert by_name["United States"]["capital"].value == "Washington, D.C."
    assert int(by_name["United States"]["articles"].value) == 2
    assert by_name["China"]["iso3"].value == "CHN"


def test_events_query_gives_one_row_per_event(store: Store) -> None:
    _, rows = run(store, "events", {})
    events = [str(row["event"]) for row in rows]
    assert events
    assert len(events) == len(set(events))


def test_events_query_gives_every_event_its_kind_and_a_cameo_code_only_where_one_applies(
    store: Store,
) -> None:
    _, rows = run(store, "events", {})
    kinds = {(row["label"].value, row["kind"].value) for row in rows}
    assert ("video call", "Communication") in kinds
    assert all(row["kind"] is not None for row in rows)
    uncoded = {row["kind"].value for row in rows if row["cameo"] is None}
    table = triggers.table().values()
    assert uncoded <= {row.kind for rows in table for row in rows if row.cameo is None}


def test_actors_query_gives_one_row_per_actor_per_article(store: Store) -> None:
    _, rows = run(store, "actors", {})
    pairs = [(str(row["article"]), str(row["actor"])) for row in rows]
    assert len(pairs) == len(set(pairs))
    assert all(int(row["mentions"].value) >= 1 for row in rows)


def test_statements_query_filters_by_article_and_speaker(
    store: Store, real_values: dict[str, str]
) -> None:
    _, everything = run(store, "statements", {})
    _, by_article = run(store, "statements", {"article": real_values["article"]})
    _, by_speaker = run(store, "statements", {"speaker": real_values["speaker"]})
    assert 0 < len(by_article) < len(everything)
    assert {row["article"].value for row in by_article} == {real_values["article"]}
    assert by_speaker and {row["speaker"].value for row in by_speaker} == {real_values["speaker"]}
    assert {row["speakerName"].value for row in by_speaker} == {"White House"}


def test_top_actors_type_parameter_filters_by_type(store: Store) -> None:
    _, people = run(store, "top_actors", {"type": "Person"})
    _, countries = run(store, "top_actors", {"type": "Country"})
    assert people and {row["type"].value for row in people} == {"Person"}
    assert countries and {row["type"].value for row in countries} == {"Country"}


def test_events_between_biden_and_xi_includes_the_video_call(
    store: Store, real_values: dict[str, str]
) -> None:
    _, rows = run(
        store, "events_between", {"first": real_values["first"], "second": real_values["second"]}
    )
    assert ("video call", "041") in {(row["label"].value, row["cameo"].value) for row in rows}
    assert {row["first"].value for row in rows} == {real_values["first"]}


def test_actor_profile_counts_both_articles_for_biden(
    store: Store, real_values: dict[str, str]
) -> None:
    _, rows = run(store, "actor_profile", {"actor": real_values["actor"]})
    assert len(rows) == 1
    assert rows[0]["name"].value == "Joe Biden" and rows[0]["type"].value == "Person"
    assert int(rows[0]["articles"].value) == 2


def test_articles_query_lists_both_sample_articles_with_the_one_title(store: Store) -> None:
    _, rows = run(store, "articles", {})
    assert len(rows) == 2
    titles = [row["title"].value for row in rows if row["title"] is not None]
    assert titles == [
        "US President Joe Biden is pressuring his Chinese counterpart, Xi Jinping, "
        "on Russia’s support"
    ]


def test_timeline_counts_dated_events_by_month_and_cameo_root(linked_store: Store) -> None:
    _, rows = run(linked_store, "timeline", {})
    counts = {(row["month"].value, row["root"].value): int(row["events"].value) for row in rows}
    assert counts.get(("2022-03", "04"), 0) >= 1  # the video call on Friday, 2022-03-18
    assert counts.get(("2021-11", "04"), 0) >= 1  # the virtual summit in November
    assert all(
        re.fullmatch(r"\d{4}-\d{2}", month) and re.fullmatch(r"\d{2}", root)
        for month, root in counts
    )


# ---------------------------------------------------------------- parameters


def test_unknown_query_is_not_found_naming_the_available_ones() -> None:
    with pytest.raises(NotFound) as raised:
        queries.get("no_such_query")
    assert "no_such_query" in str(raised.value) and "statements" in str(raised.value)


@pytest.mark.parametrize(
    "bad", ["not an iri", "Joe Biden", "<https://x.example/a>", "https://x.example/a b", ""]
)
def test_iri_parameter_that_is_not_an_absolute_iri_is_invalid(bad: str) -> None:
    query = queries.get("statements_by_speaker")
    with pytest.raises(InvalidParameter) as raised:
        query.bind({"speaker": bad})
    assert "speaker" in str(raised.value)


DATED = """# title: Dated
# description: A query with a date and an integer parameter.
# param: since date -- earliest date
# param: limit integer = 10 -- most rows
SELECT ?since ?limit WHERE { }
"""


@pytest.mark.parametrize(
    "bad", ["2022-13-01", "2022-02-30", "18 March 2022", "yesterday", "2022-03-18'"]
)
def test_date_parameter_that_is_not_a_date_is_invalid(bad: str) -> None:
    query = queries.parse("dated", DATED)
    with pytest.raises(InvalidParameter) as raised:
        query.bind({"since": bad})
    assert "since" in str(raised.value) and repr(bad) in str(raised.value)


def test_integer_parameter_that_is_not_an_integer_is_invalid() -> None:
    query = queries.parse("dated", DATED)
    with pytest.raises(InvalidParameter):
        query.bind({"since": "2022-03-18", "limit": "ten"})


def test_date_parameter_is_bound_as_an_xsd_date() -> None:
    bindings = queries.parse("dated", DATED).bind({"since": "2022-03-18"})
    values = {variable.value: term for variable, term in bindings.items()}
    assert values["since"].value == "2022-03-18"
    assert values["since"].datatype.value.endswith("#date")
    assert values["limit"].value == "10"  # the default


def test_missing_required_parameter_is_invalid() -> None:
    with pytest.raises(InvalidParameter) as raised:
        queries.get("events_between").bind({"first": "https://x.example/a"})
    assert "second" in str(raised.value)


def test_unknown_parameter_is_invalid_naming_the_known_ones() -> None:
    with pytest.raises(InvalidParameter) as raised:
        queries.get("statements").bind({"speakr": "https://x.example/a"})
    assert "speakr" in str(raised.value) and "speaker" in str(raised.value)


INJECTIONS = [
    ("top_actors", "type", 'Person" } UNION { ?actor ?p ?name } #'),
    ("top_actors", "type", "Person') ; DROP ALL ; #"),
    ("statements", "speaker", "urn:x#;DELETE%20WHERE%7B?s?p?o%7D;DROP%20ALL"),
    ("actors", "article", "https://newsgraph.example/id/article/x?q=1%3E%20%7D%20UNION%20%7B"),
]


@pytest.mark.parametrize(("name", "parameter", "value"), INJECTIONS)
def test_injection_attempt_in_a_parameter_stays_a_value(
    store: Store, name: str, parameter: str, value: str
) -> None:
    before = len(store)
    _, rows = run(store, name, {parameter: value})
    assert rows == []
    assert len(store) == before


@pytest.mark.parametrize("value", ["https://x.example/a> } UNION { ?s ?p ?o", "urn:a {?s ?p ?o}"])
def test_iri_parameter_carrying_sparql_syntax_is_refused(store: Store, value: str) -> None:
    before = len(store)
    with pytest.raises(InvalidParameter):
        run(store, "statements", {"speaker": value})
    assert len(store) == before


def test_events_query_gives_a_place_only_where_the_event_has_one(store: Store) -> None:
    _, rows = run(store, "events", {})
    places = {(row["label"].value, row["place"].value if row["place"] else None) for row in rows}
    assert ("invasion", "Ukraine") in places
    assert ("video call", None) in places
