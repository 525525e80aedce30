"""SPARQL Update at /update: refused without the token, applied and published with it, 503
while ingest holds the store, and never in the way of the queries running meanwhile."""

from __future__ import annotations

import threading
from urllib.parse import urlencode

import httpx
import pytest
from fixtures import (
    UPDATE_TOKEN,
    Servers,
    select,
)

from newsgraph.store import StoreFolder

AUTHORIZED = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
UPDATE_TYPE = {"Content-Type": "application/sparql-update"}


def insert(graph: str, subject: str, count: int = 1) -> str:
    triples = " ".join(f'<{subject}/{i}> <urn:test:value> "{i}" .' for i in range(count))
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}"


def count_in(servers: Servers, graph: str) -> int:
    rows = select(
        servers.main, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return int(rows[0]["n"])


def test_update_is_403_when_the_server_has_no_token(servers: Servers) -> None:
    response = httpx.post(
        servers.strict.url + "/update", content=b"CLEAR ALL", headers={**UPDATE_TYPE, **AUTHORIZED}
    )
    assert response.status_code == 403
    assert "update_token" in response.json()["error"]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {UPDATE_TOKEN}", UPDATE_TOKEN]
)
def test_update_is_403_without_the_right_bearer_token(
    servers: Servers, authorization: str | None
) -> None:
    headers = {**UPDATE_TYPE, **({"Authorization": authorization} if authorization else {})}
    response = httpx.post(servers.main.url + "/update", content=b"CLEAR ALL", headers=headers)
    assert response.status_code == 403
    assert select(servers.main, "SELECT ?a WHERE { ?a a ng:Article } LIMIT 1")


def test_update_by_direct_post_is_applied_and_visible_to_the_next_query(servers: Servers) -> None:
    graph = "urn:test:updates:direct"
    before = httpx.get(servers.main.url + "/health").json()
    response = httpx.post(
        servers.main.url + "/update",
        content=insert(graph, "urn:test:direct", 3).encode(),
        headers={**UPDATE_TYPE, **AUTHORIZED},
    )
    assert response.status_code == 204
    assert count_in(servers, graph) == 3
    after = httpx.get(servers.main.url + "/health").json()
    assert after["snapshot"] != before["snapshot"] and after["quads"] == before["quads"] + 3


def test_update_by_form_post_is_applied(servers: Servers) -> None:
    graph = "urn:test:updates:form"
    response = httpx.post(
        servers.main.url + "/update",
        data={"update": insert(graph, "urn:test:form", 2)},
        headers=AUTHORIZED,
    )
    assert response.status_code == 204
    assert count_in(servers, graph) == 2


def test_malformed_update_is_400_with_the_parser_message(servers: Servers) -> None:
    response = httpx.post(
        servers.main.url + "/update",
        content=b"INSERT DATA { <urn:a> }",
        headers={**UPDATE_TYPE, **AUTHORIZED},
    )
    assert response.status_code == 400
    assert "error at" in response.json()["error"]


def test_update_with_a_query_or_twice_is_400(servers: Servers) -> None:
    update = insert("urn:test:updates:never", "urn:test:never")
    both = httpx.post(
        servers.main.url + "/update", data={"update": update, "query": "ASK {}"}, headers=AUTHORIZED
    )
    twice = httpx.post(
        servers.main.url + "/update",
        content=urlencode([("update", update), ("update", update)]).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **AUTHORIZED},
    )
    assert both.status_code == twice.status_code == 400
    assert count_in(servers, "urn:test:updates:never") == 0


def test_update_calling_an_unlisted_service_is_400(servers: Servers) -> None:
    update = "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = httpx.post(
        servers.main.url + "/update", content=update.encode(), headers={**UPDATE_TYPE, **AUTHORIZED}
    )
    assert response.status_code == 400 and "not allowed" in response.json()["error"]


def test_update_while_ingest_holds_the_store_is_503_with_retry_after(servers: Servers) -> None:
    with StoreFolder(servers.sample_store).writer():
        response = httpx.post(
            servers.main.url + "/update",
            content=insert("urn:test:updates:busy", "urn:test:busy").encode(),
            headers={**UPDATE_TYPE, **AUTHORIZED},
        )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "being written" in response.json()["error"]
    assert count_in(servers, "urn:test:updates:busy") == 0


def test_queries_keep_answering_while_an_update_is_written(servers: Servers) -> None:
    graph = "urn:test:updates:concurrent"
    statuses: list[int] = []
    writing = threading.Event()
    done = threading.Event()

    def query_until_done() -> None:
        writing.wait()
        while not done.is_set():
            response = httpx.get(
                servers.main.sparql,
                params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                timeout=30,
            )
            statuses.append(response.status_code)

    readers = [threading.Thread(target=query_until_done) for _ in range(3)]
    for reader in readers:
        reader.start()
    writing.set()
    response = httpx.post(
        servers.main.url + "/update",
        content=insert(graph, "urn:test:concurrent", 20_000).encode(),
        headers={**UPDATE_TYPE, **AUTHORIZED},
        timeout=60,
    )
    done.set()
    for reader in readers:
        reader.join()
    assert response.status_code == 204
    assert statuses and set(statuses) == {200}
    assert count_in(servers, graph) == 20_000


def test_an_update_changes_the_etag_of_canned_results(servers: Servers) -> None:
    url = servers.main.url + "/api/queries/articles"
    first = httpx.get(url)
    assert httpx.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    httpx.post(
        servers.main.url + "/update",
        content=insert("urn:test:updates:etag", "urn:test:etag").encode(),
        headers={**UPDATE_TYPE, **AUTHORIZED},
    )
    second = httpx.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]


def test_a_repeated_sparql_query_sees_the_next_update(servers: Servers) -> None:
    graph = "urn:test:updates:repeated"
    query = {"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}
    accept = {"Accept": "application/sparql-results+json"}
    before = [httpx.get(servers.main.sparql, params=query, headers=accept) for _ in range(2)]
    assert before[0].headers["ETag"] == before[1].headers["ETag"]
    assert before[1].json()["results"]["bindings"][0]["n"]["value"] == "0"
    response = httpx.post(
        servers.main.url + "/update",
        content=insert(graph, "urn:test:repeated", 2).encode(),
        headers={**UPDATE_TYPE, **AUTHORIZED},
    )
    assert response.status_code == 204
    after = httpx.get(servers.main.sparql, params=query, headers=accept)
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "2"
    assert after.headers["ETag"] != before[0].headers["ETag"]
