"""What keeps the public endpoint safe: the query timeout, the row limit, streaming with flat
memory, and the SERVICE allow-list; each against real servers, none taking a server down."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
from fixtures import (
    PREFIXES,
    REMOTE_MARK,
    Servers,
    select,
)
from pyoxigraph import Literal, NamedNode, Quad, Store

from newsgraph.errors import BadRequest
from newsgraph.server.federation import check_services
from newsgraph.server.paging import with_limit
from newsgraph.server.sparql import prepare

# Every quad against every other, five times over: hours of work on any store with a few
# hundred quads, and nothing to send before it is done.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p . ?q ?r ?s }"
)


# ------------------------------------------------------------------ timeout


def test_query_past_the_timeout_is_stopped_with_503_and_the_server_keeps_answering(
    servers: Servers,
) -> None:
    strict = servers.strict
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:  # both workers at once: both are killed and replaced
        responses = list(
            pool.map(
                lambda _: httpx.get(strict.sparql, params={"query": ENDLESS}, timeout=30), range(2)
            )
        )
    assert time.monotonic() - started < 10
    for response in responses:
        assert response.status_code == 503
        message = response.json()["error"]
        assert "1 s" in message and "query_timeout" in message
    assert httpx.get(strict.url + "/health", timeout=30).status_code == 200
    assert select(strict, "SELECT ?a WHERE { ?a a ng:Article } LIMIT 1")
    server = psutil.Process(strict.process.pid)
    deadline = time.monotonic() + 10
    while len(worker_pids(server)) != 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(worker_pids(server)) == 2  # the killed ones replaced, and none left over


# ------------------------------------------------------------------ row limit


def row_count(server_url: str, query: str) -> int:
    response = httpx.get(
        server_url, params={"query": PREFIXES + query, "format": "json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    return len(response.json()["results"]["bindings"])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1000",
        "select * where { ?s ?p ?o } limit 1000 offset 1",
        "SELECT * WHERE { ?s ?p ?o } # LIMIT 2",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'LIMIT 2 }') }",
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 100 } }",
        "SELECT ?s WHERE { ?s ?p ?o } VALUES ?p { rdf:type rdfs:label }",
        "SELECT * { ?s ?p ?o } ORDER BY ?s OFFSET 2",
    ],
)
def test_a_select_returns_at_most_max_rows(servers: Servers, query: str) -> None:
    assert row_count(servers.main.sparql, query) > 5  # the store has more
    assert row_count(servers.strict.sparql, query) == 5


def test_row_limit_keeps_a_smaller_limit_and_the_order(servers: Servers) -> None:
    assert row_count(servers.strict.sparql, "SELECT * WHERE { ?s ?p ?o } LIMIT 3") == 3
    ordered = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY DESC(?s)"
    full = [r["s"] for r in select(servers.main, ordered)]
    assert [r["s"] for r in select(servers.strict, ordered)] == full[:5]


def test_row_limit_applies_to_csv_and_not_to_ask_or_construct(servers: Servers) -> None:
    table = httpx.get(
        servers.strict.sparql,
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert len(table.text.strip().splitlines()) == 1 + 5
    graph = httpx.get(
        servers.strict.sparql,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"},
    )
    assert len(graph.text.strip().splitlines()) > 5


@pytest.mark.parametrize(
    ("query", "limit", "offset", "rows"),
    [
        ("SELECT * { ?s ?p ?o }", 3, 0, 3),
        ("SELECT * { ?s ?p ?o } LIMIT 10 OFFSET 4", 3, 5, 3),
        ("SELECT * { ?s ?p ?o } LIMIT 10", 30, 8, 2),
        ("SELECT * { ?s ?p ?o } LIMIT 10", 30, 12, 0),
        ("SELECT ?x { BIND('LIMIT 1 } {' AS ?x) } LIMIT 7", 3, 0, 1),
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", 2, 0, 2),
        ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(*) < 100)", 1, 0, 1),
        ("SELECT * { ?s ?p ?o FILTER(?o<'5'||?o>'8') }  # trailing comment", 2, 0, 2),
    ],
)
def test_with_limit_composes_with_the_query_own_limit_and_offset(
    query: str, limit: int, offset: int, rows: int
) -> None:
    store = Store()
    store.extend(
        Quad(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), Literal(str(i)), NamedNode("urn:g"))
        for i in range(20)
    )
    assert (
        len(list(store.query(with_limit(query, limit, offset), use_default_graph_as_union=True)))
        == rows
    )


# ------------------------------------------------------------------ streaming


def test_a_million_row_csv_streams_with_flat_server_memory(servers: Servers) -> None:
    digits = " ".join(str(i) for i in range(10))
    values = " ".join(f"VALUES ?{v} {{ {digits} }}" for v in "abcdef")
    query = f"SELECT ?a ?b ?c ?d ?e ?f ?pad WHERE {{ {values} BIND('{'x' * 40}' AS ?pad) }}"
    server = psutil.Process(servers.main.process.pid)
    before = server.memory_info().rss
    peak = before
    lines = size = chunks = 0
    with httpx.stream(
        "GET",
        servers.main.sparql,
        params={"query": query},
        headers={"Accept": "text/csv"},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
            size += len(chunk)
            chunks += 1
            if chunks % 16 == 0:
                peak = max(peak, server.memory_info().rss)
    print(
        f"server memory: {before / 1e6:.0f} MB before, {peak / 1e6:.0f} MB at most, {chunks} chunks"
    )
    assert lines == 1 + 1_000_000
    assert size > 50_000_000
    assert peak - before < 25_000_000, f"server grew by {(peak - before) / 1e6:.0f} MB"


# ------------------------------------------------------------------ federation


class Listener:
    """A TCP port that records whether anyone connected: an endpoint that must not be called."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"

    def was_called(self) -> bool:
        try:
            connection, _ = self.sock.accept()
        except TimeoutError:
            return False
        connection.close()
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()


def test_service_call_to_an_allowed_endpoint_returns_its_rows(servers: Servers) -> None:
    pattern = "{ ?item <https://remote.example/says> ?said }"
    query = f"SELECT ?said WHERE {{ SERVICE <{servers.remote.sparql}> {pattern} }}"
    assert select(servers.main, query) == [{"said": REMOTE_MARK}]
    prefixed = (
        f"PREFIX far: <{servers.remote.url}/> SELECT ?said WHERE {{ SERVICE far:sparql {pattern} }}"
    )
    assert select(servers.main, prefixed) == [{"said": REMOTE_MARK}]


def test_service_call_to_an_unlisted_endpoint_is_refused_before_any_request(
    servers: Servers, listener: Listener
) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    response = httpx.get(servers.main.sparql, params={"query": query})
    assert response.status_code == 400
    message = response.json()["error"]
    assert listener.url in message and servers.remote.sparql in message
    assert not listener.was_called()


TRICKS = [
    "PREFIX wd: <{unlisted_base}> SELECT * WHERE {{ SERVICE wd:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # SERVICE <{allowed}>\n SERVICE <{unlisted}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p 'SERVICE <{allowed}>' . SERVICE <{unlisted}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ sErViCe SILENT <{unlisted}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{unlisted}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z FILTER(?z<'>') SERVICE <{unlisted}> {{}} FILTER(?z != '') }}",
    "PREFIX a: <{allowed}> PREFIX a: <{unlisted_base}> SELECT * WHERE {{ SERVICE a:sparql {{}} }}",
    "SELECT * WHERE {{ SERVICE <{unlisted_escaped}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{allowed}> {{ SERVICE <{unlisted}> {{ ?s ?p ?o }} }} }}",
]


@pytest.mark.parametrize("trick", TRICKS)
def test_service_allow_list_is_not_fooled(servers: Servers, listener: Listener, trick: str) -> None:
    base = listener.url.removesuffix("sparql")
    query = trick.format(
        allowed=servers.remote.sparql,
        unlisted=listener.url,
        unlisted_base=base,
        unlisted_escaped=listener.url.replace("sparql", "\\u0073parql"),
    )
    response = httpx.get(servers.main.sparql, params={"query": query})
    assert response.status_code == 400, response.text
    assert not listener.was_called()


def test_service_in_a_comment_or_a_string_is_not_a_call(servers: Servers) -> None:
    query = (
        "SELECT ?n WHERE { # SERVICE <http://127.0.0.1:9/sparql> {}\n"
        " BIND('SERVICE <http://127.0.0.1:9/>' AS ?n) }"
    )
    assert select(servers.main, query) == [{"n": "SERVICE <http://127.0.0.1:9/>"}]


def test_no_service_is_allowed_when_the_list_is_empty() -> None:
    with pytest.raises(BadRequest, match="service_allow setting is empty"):
        check_services("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", ())
    check_services("SELECT * { ?s <urn:service> ?o }", ())


def test_a_federated_query_is_run_every_time_not_kept() -> None:
    remote = "https://query.wikidata.org/sparql"
    federated = prepare(f"SELECT * {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}", 10, (remote,))
    local = prepare("SELECT * { ?s <urn:service> ?o }", 10, (remote,))
    assert not federated.cacheable and local.cacheable


def test_concurrent_queries_share_the_workers(servers: Servers) -> None:
    errors: list[str] = []

    def ask(_: int) -> None:
        response = httpx.get(servers.main.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        if response.status_code != 200 or response.json()["boolean"] is not True:
            errors.append(response.text)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def worker_pids(server: psutil.Process) -> set[int]:
    """The live query workers of a server (not multiprocessing's resource tracker)."""
    pids = set()
    for child in server.children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            continue  # a killed worker, reaped while we looked
    return pids


def test_a_client_leaving_mid_stream_frees_its_worker(servers: Servers) -> None:
    server = psutil.Process(servers.main.process.pid)
    before = worker_pids(server)
    digits = " ".join(str(i) for i in range(10))
    query = "SELECT * WHERE { " + " ".join(f"VALUES ?{v} {{ {digits} }}" for v in "abcdef") + " }"
    with httpx.stream(
        "GET", servers.main.sparql, params={"query": query, "format": "csv"}
    ) as response:
        assert response.status_code == 200
        next(response.iter_bytes())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = worker_pids(server)
        if len(now) == len(before) and now != before:
            break
        time.sleep(0.1)
    assert len(now) == len(before) and len(now - before) == 1, (before, now)
    assert select(servers.main, "SELECT ?a WHERE { ?a a ng:Article } LIMIT 1")
