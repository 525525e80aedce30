"""The canned-query API at /api: one documented operation per .rq file, parameters validated
and bound as values, JSON, rows and CSV, paging, ETags, the result cache, CORS; and the service
routes (/health, /, the access log)."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import httpx
import pytest
from fixtures import (
    UPDATE_TOKEN,
    Servers,
    free_port,
    select,
    start_server,
)

from newsgraph import queries
from newsgraph.store import StoreFolder

CATALOG = queries.load()
FEDERATED = {name for name, query in CATALOG.items() if "SERVICE" in query.text}
SCHEMA_TYPES = {
    "iri": ("string", "uri"),
    "date": ("string", "date"),
    "integer": ("integer", None),
    "string": ("string", None),
}


@pytest.fixture(scope="session")
def api(servers: Servers) -> str:
    return servers.main.url + "/api/queries"


@pytest.fixture(scope="session")
def values(servers: Servers) -> dict[str, str]:
    """A real value for every parameter name the canned queries use, found by querying."""
    pair = select(
        servers.main,
        "SELECT ?first ?second ?article WHERE { GRAPH ?article { ?e a ng:Event ; "
        "sem:hasActor ?first, ?second } FILTER (STR(?first) < STR(?second)) } LIMIT 1",
    )[0]
    spoken = select(
        servers.main,
        "SELECT ?speaker ?article WHERE { GRAPH ?article { ?s ng:speaker ?speaker } } LIMIT 1",
    )[0]
    story = select(
        servers.main, "SELECT ?story WHERE { ?story a ng:Story ; ng:report ?e } LIMIT 1"
    )[0]
    return {
        "story": story["story"],
        "actor": pair["first"],
        "first": pair["first"],
        "second": pair["second"],
        "speaker": spoken["speaker"],
        "article": spoken["article"],
        "type": "Person",
    }


def declared_variables(text: str) -> list[str]:
    """The projection of a SELECT, read from its text: ?vars and the ?var after AS."""
    body = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith(("#", "PREFIX"))
    )
    clause = re.search(r"\bSELECT\s+(?:DISTINCT\s+)?(.*?)\bWHERE\b", body, re.S | re.I)
    assert clause is not None
    without_expressions = re.sub(
        r"\((?:[^()]|\([^()]*\))*\bAS\s+\?(\w+)\s*\)", r"?\1", clause.group(1)
    )
    return re.findall(r"\?(\w+)", without_expressions)


def solutions(response: httpx.Response) -> tuple[list[str], list[dict]]:
    assert response.status_code == 200, response.text
    document = response.json()
    return document["head"]["vars"], document["results"]["bindings"]


# ------------------------------------------------------------------ the catalog


def test_list_gives_every_rq_file_with_its_title_description_and_parameters(api: str) -> None:
    listed = {item["name"]: item for item in httpx.get(api).json()}
    assert set(listed) == set(CATALOG)
    for name, query in CATALOG.items():
        item = listed[name]
        assert (item["title"], item["description"], item["path"]) == (
            query.title,
            query.description,
            f"/api/queries/{name}",
        )
        assert item["columns"] == declared_variables(query.text)
        assert [
            (p["name"], p["type"], p["required"], p["default"], p["description"])
            for p in item["parameters"]
        ] == [(p.name, p.type, p.required, p.default, p.description) for p in query.parameters]


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_canned_query_runs_and_returns_its_declared_variables(
    api: str, values: dict[str, str], name: str
) -> None:
    query = CATALOG[name]
    required = {p.name: values[p.name] for p in query.parameters if p.required}
    variables, rows = solutions(httpx.get(f"{api}/{name}", params=required, timeout=30))
    assert variables == declared_variables(query.text)
    if name not in FEDERATED | {"timeline", "story_timeline"}:  # those need linked or dated data
        assert rows, f"{name} returned no rows with {required}"


def test_federated_canned_queries_call_the_configured_wikidata_endpoint(
    servers: Servers, api: str
) -> None:
    """The remote server stands in for Wikidata; one country actor is linked to Q159 for it."""
    country = select(
        servers.main,
        "SELECT ?actor ?name WHERE { ?actor a ng:Country ; rdfs:label ?name FILTER EXISTS "
        "{ GRAPH ?article { ?actor gaf:denotedBy ?mention } } } ORDER BY ?actor LIMIT 1",
    )[0]
    link = (
        f"INSERT DATA {{ GRAPH <urn:test:links> {{ <{country['actor']}> "
        "<https://w3id.org/newsgraph/ontology#wikidata> <http://www.wikidata.org/entity/Q159> } }"
    )
    headers = {
        "Authorization": f"Bearer {UPDATE_TOKEN}",
        "Content-Type": "application/sparql-update",
    }
    assert (
        httpx.post(servers.main.url + "/update", content=link, headers=headers).status_code == 204
    )
    _, rows = solutions(httpx.get(f"{api}/wikidata_countries", timeout=30))
    found = {(row["actor"]["value"], row["iso3"]["value"]) for row in rows}
    assert (country["actor"], "RUS") in found


def test_every_canned_query_is_a_typed_operation_in_the_openapi_document(servers: Servers) -> None:
    document = httpx.get(servers.main.url + "/openapi.json").json()
    every = [op for path in document["paths"].values() for op in path.values()]
    operations = {op["operationId"]: op for op in every}
    assert len(operations) == len(every), "operation ids are not unique"
    for name, query in CATALOG.items():
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert operations[name] is operation
        assert (operation["summary"], operation["description"]) == (query.title, query.description)
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert {"format", "limit", "offset"} <= set(parameters)
        for declared in query.parameters:
            documented = parameters[declared.name]
            assert documented["required"] == declared.required and documented["in"] == "query"
            assert documented["description"] == declared.description
            kind, form = SCHEMA_TYPES[declared.type]
            assert (
                documented["schema"]["type"] == kind and documented["schema"].get("format") == form
            )


def test_docs_page_works_offline_with_swagger_ui_served_locally(servers: Servers) -> None:
    page = httpx.get(servers.main.url + "/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assets = re.findall(r"(?:src|href)=[\"']([^\"']+\.(?:js|css))[\"']", page.text)
    assert len(assets) == 2
    for asset in assets:
        assert asset.startswith("/"), f"{asset} would need the internet"
        assert httpx.get(servers.main.url + asset).status_code == 200


# ------------------------------------------------------------------ parameters


def test_missing_required_parameter_is_422_naming_it(api: str) -> None:
    response = httpx.get(f"{api}/events_between", params={"first": "https://x.example/a"})
    assert response.status_code == 422
    assert "second" in response.json()["error"]


@pytest.mark.parametrize(
    ("name", "params", "words"),
    [
        ("statements", {"speakr": "https://x.example/a"}, ["speakr", "speaker"]),
        ("statements_by_speaker", {"speaker": "Joe Biden"}, ["speaker", "not an absolute IRI"]),
        ("articles", {"limit": "-1"}, ["limit"]),
        ("articles", {"offset": "ten"}, ["offset"]),
        # Unicode digits that str.isdigit accepts and int() refuses (they gave a 500).
        ("articles", {"limit": "²"}, ["limit", "²"]),
        ("articles", {"offset": "٣"}, ["offset"]),
        ("articles", {"format": "pdf"}, ["format", "rows"]),
    ],
)
def test_invalid_parameter_is_422_with_the_reason(
    api: str, name: str, params: dict[str, str], words: list[str]
) -> None:
    response = httpx.get(f"{api}/{name}", params=params)
    assert response.status_code == 422
    assert all(word in response.json()["error"] for word in words)


def test_a_parameter_given_twice_is_422(api: str, values: dict[str, str]) -> None:
    response = httpx.get(
        f"{api}/statements", params=[("speaker", values["speaker"]), ("speaker", values["speaker"])]
    )
    assert response.status_code == 422


def test_unknown_query_is_404_naming_the_available_ones(api: str) -> None:
    response = httpx.get(f"{api}/no_such_query")
    assert response.status_code == 404
    assert "no_such_query" in response.json()["error"] and "statements" in response.json()["error"]


def test_an_iri_parameter_filters_by_that_value(api: str, values: dict[str, str]) -> None:
    _, rows = solutions(
        httpx.get(f"{api}/statements_by_speaker", params={"speaker": values["speaker"]})
    )
    assert rows and {row["speaker"]["value"] for row in rows} == {values["speaker"]}


@pytest.mark.parametrize(
    ("name", "parameter", "value", "status"),
    [
        ("statements_by_speaker", "speaker", "http://x> } ; DROP ALL ; #", 422),
        ("statements", "speaker", "https://x.example/a> } UNION { ?s ?p ?o", 422),
        ("statements", "speaker", "urn:x#;DELETE%20WHERE%7B?s?p?o%7D;DROP%20ALL", 200),
        ("statements_by_speaker", "speaker", "http://x/'};DROP_ALL;#", 422),
        ("statements_by_speaker", "speaker", "http://x/');DROP_ALL;%7D#", 200),
        ("top_actors", "type", 'Person" } ; DROP ALL ; #', 200),
        ("top_actors", "type", "Person') } UNION { ?actor ?p ?name } #", 200),
        ("top_actors", "type", '"""{ }"""\'\'\' \\" \\u0022 }}', 200),
    ],
)
def test_injection_attempts_stay_values(
    servers: Servers, api: str, name: str, parameter: str, value: str, status: int
) -> None:
    quads = httpx.get(servers.main.url + "/health").json()["quads"]
    response = httpx.get(f"{api}/{name}", params={parameter: value})
    assert response.status_code == status, response.text
    if status == 200:
        assert solutions(response)[1] == []
    else:
        assert parameter in response.json()["error"]
    assert httpx.get(servers.main.url + "/health").json()["quads"] == quads


# ------------------------------------------------------------------ formats and paging


def test_rows_format_gives_plain_objects_with_typed_values(api: str) -> None:
    rows = httpx.get(f"{api}/top_actors", params={"format": "rows"}).json()
    assert rows and all(
        isinstance(row["articles"], int) and isinstance(row["name"], str) for row in rows
    )
    statements = httpx.get(f"{api}/statements", params={"format": "rows"}).json()
    assert statements and all(isinstance(row["direct"], bool) for row in statements)
    _, bindings = solutions(httpx.get(f"{api}/top_actors"))
    assert [row["name"] for row in rows] == [b["name"]["value"] for b in bindings]


def test_csv_by_format_parameter_or_accept(api: str) -> None:
    by_format = httpx.get(f"{api}/articles", params={"format": "csv"})
    by_accept = httpx.get(f"{api}/articles", headers={"Accept": "text/csv"})
    for response in (by_format, by_accept):
        assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(by_format.text)))
    assert rows and by_format.text == by_accept.text
    assert list(rows[0]) == declared_variables(CATALOG["articles"].text)
    assert httpx.get(f"{api}/articles", headers={"Accept": "image/png"}).status_code == 406


def test_limit_and_offset_page_through_the_results(api: str) -> None:
    everything = httpx.get(f"{api}/actors", params={"format": "rows"}).json()
    assert len(everything) > 3
    pages = []
    for offset in range(0, len(everything), 2):
        pages += httpx.get(
            f"{api}/actors", params={"format": "rows", "limit": "2", "offset": str(offset)}
        ).json()
    assert pages == everything
    assert httpx.get(f"{api}/actors", params={"format": "rows", "limit": "0"}).json() == []


def test_etag_gives_304_and_changes_with_parameters_and_format(
    api: str, values: dict[str, str]
) -> None:
    first = httpx.get(f"{api}/statements")
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = httpx.get(f"{api}/statements", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    others = {
        httpx.get(f"{api}/statements", params={"speaker": values["speaker"]}).headers["ETag"],
        httpx.get(f"{api}/statements", params={"format": "csv"}).headers["ETag"],
        httpx.get(f"{api}/statements", params={"limit": "1"}).headers["ETag"],
    }
    assert etag not in others and len(others) == 3


def test_a_repeated_canned_call_is_answered_from_the_cache(servers: Servers, api: str) -> None:
    params = {"format": "rows", "limit": "7", "offset": "1"}
    first = httpx.get(f"{api}/top_actors", params=params)
    second = httpx.get(f"{api}/top_actors", params=params)
    assert first.content == second.content
    lines = [
        line
        for line in servers.main.log.read_text().splitlines()
        if "/api/queries/top_actors?format=rows&limit=7&offset=1" in line
    ]
    assert len(lines) == 2
    assert "(query" in lines[0] and "(query" not in lines[1]


def test_cors_allows_the_configured_origins_only(api: str) -> None:
    allowed = httpx.get(f"{api}/articles", headers={"Origin": "https://dashboard.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example"
    assert "etag" in allowed.headers["access-control-expose-headers"].lower()
    other = httpx.get(f"{api}/articles", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


# ------------------------------------------------------------------ service routes


def test_health_names_the_snapshot_in_use_and_its_size(servers: Servers) -> None:
    health = httpx.get(servers.remote.url + "/health").json()
    store = StoreFolder(servers.remote.settings.store)
    assert health["status"] == "ok"
    assert health["snapshot"] == store.current().name
    rows = select(servers.remote, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert health["quads"] == int(rows[0]["n"]) > 0


def test_index_page_and_access_log(servers: Servers) -> None:
    response = httpx.get(servers.main.url + "/")
    assert response.status_code == 200
    index = Path(queries.__file__).resolve().parent.parent / "server" / "static" / "index.html"
    assert response.headers["content-type"].startswith(
        "text/html" if index.is_file() else "application/json"
    )
    httpx.get(servers.main.sparql, params={"query": "ASK { ?s ?p ?o }"})
    log = servers.main.log.read_text()
    assert re.search(r'"GET /sparql\?query=ASK[^"]*" 200 [\d.]+ ms \(query [\d.]+ ms\)', log)


def test_without_the_access_log_a_request_writes_no_line(servers: Servers, tmp_path: Path) -> None:
    settings = servers.main.settings.replace(port=free_port(), access_log=False)
    quiet = start_server("quiet", settings, tmp_path)
    try:
        quiet.wait_until_healthy(time.monotonic() + 60)
        assert httpx.get(quiet.sparql, params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    finally:
        quiet.stop()
    log = quiet.log.read_text()
    assert "Application startup complete" in log, log
    assert "/sparql" not in log and "/health" not in log, log
