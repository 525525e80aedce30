"""The SPARQL 1.1 Protocol at /sparql, against a real server: query forms, methods, datasets,
content negotiation, errors and the service description."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
import rdflib
from fixtures import (
    MINTER,
    PREFIXES,
    Servers,
    select,
)
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from SPARQLWrapper import CSV, JSON, POST, RDFXML, TURTLE, XML, SPARQLWrapper

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
ARTICLES = (
    PREFIXES + "SELECT ?article ?title WHERE { ?article a ng:Article ; schema:headline ?title }"
)
STATEMENTS = PREFIXES + (
    "CONSTRUCT { ?s ng:speaker ?who ; schema:text ?text } "
    "WHERE { ?s ng:speaker ?who ; schema:text ?text }"
)
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="session")
def endpoint(servers: Servers) -> str:
    return servers.main.sparql


def wrapper(endpoint: str, query: str, result_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(result_format)
    return client


def titles_from_json(document: dict) -> set[str]:
    return {row["title"]["value"] for row in document["results"]["bindings"]}


# ------------------------------------------------------------------ query forms and clients


def test_select_in_json_xml_and_csv_through_sparqlwrapper_agree(endpoint: str) -> None:
    from_json = titles_from_json(wrapper(endpoint, ARTICLES, JSON).queryAndConvert())
    document = wrapper(endpoint, ARTICLES, XML).queryAndConvert()
    from_xml = {
        binding.getElementsByTagName("literal")[0].firstChild.data
        for binding in document.getElementsByTagName("binding")
        if binding.getAttribute("name") == "title"
    }
    table = wrapper(endpoint, ARTICLES, CSV).queryAndConvert().decode("utf-8")
    from_csv = {row["title"] for row in csv.DictReader(io.StringIO(table))}
    assert from_json, "no article titles in the store"
    assert from_json == from_xml == from_csv


def test_select_by_post_through_sparqlwrapper(endpoint: str) -> None:
    client = wrapper(endpoint, ARTICLES, JSON)
    client.setMethod(POST)
    assert titles_from_json(client.queryAndConvert()) == titles_from_json(
        wrapper(endpoint, ARTICLES, JSON).queryAndConvert()
    )


def test_ask_through_sparqlwrapper(endpoint: str) -> None:
    assert (
        wrapper(endpoint, PREFIXES + "ASK { ?a a ng:Article }", JSON).queryAndConvert()["boolean"]
        is True
    )
    assert (
        wrapper(endpoint, PREFIXES + "ASK { ?a a ng:Nothing }", JSON).queryAndConvert()["boolean"]
        is False
    )


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_construct_parsed_into_an_rdflib_graph(endpoint: str, servers: Servers) -> None:
    expected = len(
        select(
            servers.main, "SELECT ?s ?who ?text WHERE { ?s ng:speaker ?who ; schema:text ?text }"
        )
    )
    graph = wrapper(endpoint, STATEMENTS, RDFXML).queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    assert expected > 0 and len(graph) == 2 * expected
    turtle = wrapper(endpoint, STATEMENTS, TURTLE).queryAndConvert()
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(graph)


def test_get_form_post_and_direct_post_give_the_same_results(endpoint: str) -> None:
    headers = {"Accept": JSON_RESULTS}
    by_get = httpx.get(endpoint, params={"query": ARTICLES}, headers=headers)
    by_form = httpx.post(endpoint, data={"query": ARTICLES}, headers=headers)
    by_body = httpx.post(
        endpoint,
        content=ARTICLES.encode(),
        headers={**headers, "Content-Type": "application/sparql-query"},
    )
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert (
        titles_from_json(by_get.json())
        == titles_from_json(by_form.json())
        == titles_from_json(by_body.json())
    )


def test_describe_answers_a_graph_about_the_resource(servers: Servers) -> None:
    article = select(servers.main, "SELECT ?a WHERE { ?a a ng:Article } LIMIT 1")[0]["a"]
    response = httpx.get(
        servers.main.sparql, params={"query": f"DESCRIBE <{article}>", "format": "ntriples"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    triples = list(parse(response.content, format=RdfFormat.N_TRIPLES))
    assert triples and all(t.subject.value == article for t in triples)


# ------------------------------------------------------------------ datasets


def test_default_graph_is_the_union_of_the_article_graphs(servers: Servers) -> None:
    graphs = {
        row["g"]
        for row in select(servers.main, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    articles = {row["a"] for row in select(servers.main, "SELECT ?a WHERE { ?a a ng:Article }")}
    assert articles and articles <= graphs
    # Statements are in article graphs, speaker labels in the actors graph: one pattern joins them.
    rows = select(servers.main, "SELECT ?name WHERE { ?s ng:speaker ?who . ?who rdfs:label ?name }")
    assert rows


def test_default_graph_uri_and_named_graph_uri_choose_the_dataset(servers: Servers) -> None:
    actors_graph = MINTER.actors_graph().value
    article = select(servers.main, "SELECT ?a WHERE { ?a a ng:Article } ORDER BY ?a LIMIT 1")[0][
        "a"
    ]
    only_actors = select(
        servers.main,
        "SELECT ?label WHERE { ?x rdfs:label ?label . FILTER NOT EXISTS { ?s ng:speaker ?x } }",
        **{"default-graph-uri": actors_graph},
    )
    statements = select(
        servers.main, "SELECT ?s WHERE { ?s a ng:Statement }", **{"default-graph-uri": actors_graph}
    )
    assert only_actors and not statements
    named = select(
        servers.main,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": article},
    )
    assert [row["g"] for row in named] == [article]


def test_from_clause_of_the_query_is_honoured(servers: Servers) -> None:
    actors_graph = MINTER.actors_graph().value
    rows = select(servers.main, f"SELECT ?s FROM <{actors_graph}> WHERE {{ ?s a ng:Statement }}")
    assert rows == []


def test_invalid_default_graph_uri_is_400(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": ARTICLES, "default-graph-uri": "not an iri"})
    assert response.status_code == 400 and "default-graph-uri" in response.json()["error"]


# ------------------------------------------------------------------ content negotiation


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON_RESULTS),
        ("*/*", JSON_RESULTS),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.3, application/sparql-results+json;q=0.2", "text/csv"),
        ("application/json", JSON_RESULTS),
    ],
)
def test_select_negotiates_accept_with_q_values(
    endpoint: str, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": ARTICLES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/n-triples;q=0.9, text/turtle;q=0.1", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
    ],
)
def test_construct_negotiates_rdf_formats(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": STATEMENTS}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("name", "rdf_format"),
    [("turtle", RdfFormat.TURTLE), ("ntriples", RdfFormat.N_TRIPLES), ("rdfxml", RdfFormat.RDF_XML),
     ("jsonld", RdfFormat.JSON_LD), ("nquads", RdfFormat.N_QUADS), ("trig", RdfFormat.TRIG)],
)  # fmt: skip
def test_every_graph_format_parses_to_the_same_triples(
    endpoint: str, name: str, rdf_format: RdfFormat
) -> None:
    reference = httpx.get(endpoint, params={"query": STATEMENTS, "format": "ntriples"}).content
    response = httpx.get(endpoint, params={"query": STATEMENTS, "format": name})
    assert response.status_code == 200
    expected = {str(t) for t in parse(reference, format=RdfFormat.N_TRIPLES)}
    got = {
        str(q.triple) if hasattr(q, "triple") else str(q)
        for q in parse(response.content, format=rdf_format)
    }
    assert expected and got == expected


@pytest.mark.parametrize(
    ("name", "results_format"),
    [("json", QueryResultsFormat.JSON), ("xml", QueryResultsFormat.XML),
     ("csv", QueryResultsFormat.CSV), ("tsv", QueryResultsFormat.TSV)],
)  # fmt: skip
def test_format_parameter_wins_over_accept(
    endpoint: str, name: str, results_format: QueryResultsFormat
) -> None:
    response = httpx.get(
        endpoint, params={"query": ARTICLES, "format": name}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 200
    if results_format == QueryResultsFormat.CSV:  # lossy, so pyoxigraph will not parse it
        rows = list(csv.DictReader(io.StringIO(response.text)))
    else:
        rows = list(parse_query_results(response.content, format=results_format))
    assert len(rows) == len(
        titles_from_json(httpx.get(endpoint, params={"query": ARTICLES}).json())
    )


def test_unavailable_type_is_406_listing_the_available_ones(endpoint: str) -> None:
    for params, headers in [
        ({"query": ARTICLES}, {"Accept": "image/png"}),
        ({"query": STATEMENTS}, {"Accept": "text/csv"}),
        ({"query": STATEMENTS, "format": "csv"}, {}),
        ({"query": ARTICLES, "format": "pdf"}, {}),
    ]:
        response = httpx.get(endpoint, params=params, headers=headers)
        assert response.status_code == 406, (params, headers)
        message = response.json()["error"]
        assert "available" in message
        assert (
            ("text/turtle" in message)
            if "CONSTRUCT" in params["query"]
            else ("text/csv" in message)
        )


def test_q_zero_refuses_a_type(endpoint: str) -> None:
    response = httpx.get(
        endpoint,
        params={"query": ARTICLES},
        headers={"Accept": "application/sparql-results+json;q=0, text/csv"},
    )
    assert response.headers["content-type"].startswith("text/csv")


# ------------------------------------------------------------------ errors


def test_malformed_query_is_400_with_the_parser_message(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "error at 1:" in response.json()["error"]


def test_several_query_parameters_are_400(endpoint: str) -> None:
    twice = httpx.get(endpoint, params=[("query", ARTICLES), ("query", ARTICLES)])
    direct_and_url = httpx.post(
        endpoint, params={"query": ARTICLES}, content=ARTICLES.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )  # fmt: skip
    for response in (twice, direct_and_url):
        assert response.status_code == 400
        assert "exactly one" in response.json()["error"]


def test_query_and_update_together_are_400(endpoint: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for response in (
        httpx.get(endpoint, params={"query": ARTICLES, "update": update}),
        httpx.post(endpoint, data={"query": ARTICLES, "update": update}),
    ):
        assert response.status_code == 400
        assert "not both" in response.json()["error"]


def test_the_query_endpoint_never_runs_an_update(endpoint: str, servers: Servers) -> None:
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    as_query = httpx.post(endpoint, data={"query": update})
    as_update = httpx.post(endpoint, data={"update": update})
    as_body = httpx.post(
        endpoint, content=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert as_query.status_code == as_update.status_code == as_body.status_code == 400
    assert select(servers.main, "SELECT * WHERE { <urn:x:a> ?p ?o }") == []


def test_post_without_a_query_or_with_another_content_type_is_400(endpoint: str) -> None:
    assert httpx.post(endpoint, data={}).status_code == 400
    response = httpx.post(endpoint, content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "application/sparql-query" in response.json()["error"]


# ------------------------------------------------------------------ service description


def test_service_description_by_default_in_turtle(endpoint: str) -> None:
    response = httpx.get(endpoint)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    service = rdflib.URIRef(endpoint)
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) in graph
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                 "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"):  # fmt: skip
        assert (service, SD.resultFormat, FORMATS[name]) in graph
    comments = " ".join(str(o) for o in graph.objects(service, rdflib.RDFS.comment))
    assert "union of all article graphs" in comments


def test_service_description_negotiates_its_format(endpoint: str) -> None:
    response = httpx.get(endpoint, headers={"Accept": "application/n-triples"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert list(parse(response.content, format=RdfFormat.N_TRIPLES))
    assert httpx.get(endpoint, headers={"Accept": "text/csv"}).status_code == 406


def test_the_protocol_endpoints_are_documented_in_openapi(endpoint: str) -> None:
    document = httpx.get(endpoint.removesuffix("/sparql") + "/openapi.json").json()
    sparql = document["paths"]["/sparql"]
    assert sparql["get"]["operationId"] == "sparql_get" and "requestBody" in sparql["post"]
    assert {p["name"] for p in sparql["get"]["parameters"]} >= {
        "query",
        "format",
        "default-graph-uri",
    }
    assert "post" in document["paths"]["/update"]


def test_the_data_namespaces_are_predeclared_and_a_query_prefix_wins(endpoint: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    response = httpx.get(endpoint, params={"query": "ASK { ?s a ng:Article }"}, headers=accept)
    assert response.status_code == 200 and response.json()["boolean"] is True
    own = "PREFIX ng: <http://example.org/other#> ASK { ?s a ng:Article }"
    response = httpx.get(endpoint, params={"query": own}, headers=accept)
    assert response.status_code == 200 and response.json()["boolean"] is False
    # Only the predeclared prefixes a query uses, undeclared, reach the engine.
    from newsgraph.server.sparql import prepare

    used = prepare("SELECT * { ?s a ng:Article ; schema:name ?n }", 10, ()).prefixes
    assert sorted(used) == ["ng", "schema"]
    assert list(prepare(own.replace("ASK", "SELECT *"), 10, ()).prefixes) == []


def test_a_repeated_query_has_one_etag_and_answers_304_to_it(endpoint: str) -> None:
    params = {"query": ARTICLES}
    first = httpx.get(endpoint, params=params, headers={"Accept": JSON_RESULTS})
    again = httpx.get(endpoint, params=params, headers={"Accept": JSON_RESULTS})
    assert first.status_code == again.status_code == 200
    assert first.headers["ETag"] == again.headers["ETag"]
    assert first.content == again.content
    as_csv = httpx.get(endpoint, params=params, headers={"Accept": "text/csv"})
    assert as_csv.headers["ETag"] != first.headers["ETag"]
    assert as_csv.text.startswith("article,title")
    revalidated = httpx.get(
        endpoint,
        params=params,
        headers={"Accept": JSON_RESULTS, "If-None-Match": first.headers["ETag"]},
    )
    assert revalidated.status_code == 304 and revalidated.content == b""


@pytest.mark.parametrize("expression", ["NOW()", "RAND()", "STRUUID()"])
def test_a_query_whose_answer_changes_by_itself_is_never_kept(
    endpoint: str, expression: str
) -> None:
    query = f"SELECT ?value WHERE {{ BIND({expression} AS ?value) }}"
    answers = [
        httpx.get(endpoint, params={"query": query}, headers={"Accept": JSON_RESULTS})
        for _ in range(2)
    ]
    assert all(answer.status_code == 200 for answer in answers)
    assert all("ETag" not in answer.headers for answer in answers)
    if expression != "NOW()":  # two calls may fall in the same clock tick
        assert answers[0].content != answers[1].content
