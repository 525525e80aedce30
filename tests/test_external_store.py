"""`newsgraph serve --endpoint`: ingest into a real external SPARQL 1.1 store (Oxigraph's own
server, Virtuoso), serve it, and get the rows the embedded store gives, with the union default
graph, the SERVICE allow-list, timeouts and ETags keyed on the writer's change stamp."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from external_stores import ExternalStore, start_oxigraph, start_virtuoso
from fixtures import (
    SAMPLE_DATA,
    UPDATE_TOKEN,
    WIKIDATA_COUNTRIES,
    RunningServer,
    free_port,
    start_server,
)
from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from newsgraph import queries, search
from newsgraph.cli import main
from newsgraph.ingest import articles, pipeline
from newsgraph.ingest.linking import Linker
from newsgraph.settings import Settings
from newsgraph.store import RemoteWriter, StoreFolder

TIMEOUT = 3.0
PUBLISHED = dt.date(2022, 3, 19)
# GROUP_CONCAT joins its values in no defined order: compared as sets.
CONCATENATED = {"participantNames", "participants", "aliases"}
STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


@dataclass
class Served:
    store: ExternalStore
    server: RunningServer
    writer: RemoteWriter
    folder: Path  # the store folder beside the external store: its search index


@dataclass
class Reference:
    """The same articles in the embedded store, and the Wikidata stand-in both stores call."""

    store: Path
    wikidata: str


def ingest(writer: object, paths: list[str], settings: Settings) -> pipeline.Summary:
    """What `newsgraph ingest PATHS [--endpoint URL --update-endpoint URL]` does, offline."""
    linker = Linker(cache_path=None, online=False)
    items = articles.read(paths, settings.max_bytes, PUBLISHED)  # dated, for the timeline
    summary = pipeline.ingest_articles(items, writer, settings, linker=linker)
    if isinstance(writer, RemoteWriter):
        writer.finish()  # the stories, as the command does after an ingest into an endpoint
    return summary


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Reference]:
    """The sample articles ingested into the embedded store, and a Wikidata stand-in: Oxigraph's
    server holding a few real Wikidata facts, which the federated canned queries call."""
    folder = tmp_path_factory.mktemp("reference")
    wikidata = start_oxigraph(folder / "wikidata")
    try:
        response = httpx.post(
            wikidata.query_url.replace("/query", "/store?default"),
            content=WIKIDATA_COUNTRIES.read_bytes(),
            headers={"Content-Type": "text/turtle"},
            timeout=30,
        )
        assert response.status_code in (200, 201, 204), response.text
        with StoreFolder(folder / "store").writer() as writer:
            assert ingest(writer, [str(SAMPLE_DATA)], settings).articles == 2
        yield Reference(folder / "store", wikidata.query_url)
    finally:
        wikidata.stop()


@pytest.fixture(scope="module", params=sorted(STARTERS))
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    settings: Settings,
    reference: Reference,
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp(request.param)
    store = STARTERS[request.param](folder / "store")
    local = StoreFolder(folder / "local")
    server = index = None
    try:
        command = ["ingest", str(SAMPLE_DATA), "--store", str(local.path)]
        command += ["--endpoint", store.query_url, "--update-endpoint", store.update_url]
        result = CliRunner().invoke(main, [*command, "--published", PUBLISHED.isoformat()])
        assert result.exit_code == 0 and "2 articles" in result.output, result.output
        # Later tests write more, as a second `newsgraph ingest --endpoint` into the same folder.
        index = search.SearchIndex(local.search_index)
        writer = RemoteWriter(store.query_url, store.update_url, index=index)
        server = start_server(
            f"serve-{request.param}",
            Settings(
                store=str(local.path),
                host="127.0.0.1",
                port=free_port(),
                endpoint=store.query_url,
                update_endpoint=store.update_url,
                query_timeout=TIMEOUT,
                update_token=UPDATE_TOKEN,
                wikidata_endpoint=reference.wikidata,
            ),
            folder,
        )
        server.wait_until_healthy(time.monotonic() + 60)
        yield Served(store, server, writer, local.path)
    finally:
        if server is not None:
            server.stop()
        if index is not None:
            index.close()
        store.stop()


def normalized(rows: QuerySolutions) -> list[tuple[tuple[str, str], ...]]:
    """Rows as sorted (variable, N-Triples term) pairs, GROUP_CONCAT values as sorted sets."""
    names = [variable.value for variable in rows.variables]
    result = []
    for row in rows:
        pairs = []
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            value = str(term)
            if name in CONCATENATED:
                value = " | ".join(sorted(term.value.split(" | ")))
            pairs.append((name, value))
        result.append(tuple(pairs))
    return sorted(result)


def parameters(embedded: Path) -> dict[str, dict[str, str]]:
    """Values for the canned queries' parameters, found in the embedded store."""
    reader = StoreFolder(embedded).reader()
    catalog = queries.load()
    speaker = next(iter(queries.run(reader, catalog["top_speakers"])))["speaker"].value
    article = next(iter(queries.run(reader, catalog["articles"])))["article"].value
    pair = next(
        iter(
            reader.query(
                "PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> "
                "SELECT ?first ?second WHERE { ?event sem:hasActor ?first, ?second "
                "FILTER (STR(?first) < STR(?second)) } ORDER BY ?first ?second LIMIT 1",
                use_default_graph_as_union=True,
            )
        )
    )
    story = next(iter(queries.run(reader, catalog["stories"])))["story"].value
    participant = next(
        iter(
            reader.query(
                "SELECT ?actor WHERE { ?story a <https://w3id.org/newsgraph/ontology#Story> ; "
                "<https://w3id.org/newsgraph/ontology#participant> ?actor } "
                "ORDER BY ?actor LIMIT 1",
                use_default_graph_as_union=True,
            )
        )
    )["actor"].value
    # The dashboard's filters: one source, an actor one article names, a range of days.
    source = next(iter(queries.run(reader, catalog["dashboard_sources"])))["origin"].value
    rare = list(queries.run(reader, catalog["dashboard_actors"]))[-1]["mentioned"].value
    dashboard = {"since": "2022-03-01", "until": "2022-03-31", "source": source, "actor": rare}
    return {
        **{name: dashboard for name in catalog if name.startswith("dashboard_")},
        "story_timeline": {"since": "2022-01-01", "source": source, "actor": participant},
        "story_reports": {"story": story},
        "actor_stories": {"actor": participant},
        "actor_profile": {"actor": speaker},
        "statements_by_speaker": {"speaker": speaker},
        "events_between": {"first": pair["first"].value, "second": pair["second"].value},
        "actors": {"article": article},
        "events": {"article": article},
        "statements": {"article": article, "speaker": speaker},
        "top_actors": {"type": "Person"},
    }


def test_canned_queries_give_the_embedded_stores_rows(served: Served, reference: Reference) -> None:
    catalog = queries.load(reference.wikidata)
    reader = StoreFolder(reference.store).reader()
    bound = parameters(reference.store)
    compared, different = set(), set()
    for name, query in catalog.items():
        for values in ({}, bound.get(name)):
            if values is None or (not values and any(p.required for p in query.parameters)):
                continue
            expected = normalized(queries.run(reader, query, values))
            response = httpx.get(
                f"{served.server.url}/api/queries/{name}",
                params={**values, "format": "json"},
                timeout=30,
            )
            assert response.status_code == 200, (name, values, response.text)
            got = parse_query_results(response.content, format=QueryResultsFormat.JSON)
            assert isinstance(got, QuerySolutions)
            if normalized(got) != expected:
                different.add(name)
            elif expected:
                compared.add(name)
    assert not different, " ".join(sorted(different))
    assert compared | different == set(catalog), f"no rows for {set(catalog) - compared}"


SEARCHES = [
    ("sanctions", None),
    ("video call", "event"),
    ('"White House"', "statement"),
    ("Xi*", None),
]


def test_search_finds_what_it_finds_over_the_embedded_store(
    served: Served, reference: Reference
) -> None:
    embedded = search.SearchIndex(StoreFolder(reference.store).search_index, read_only=True)
    try:
        for words, kind in SEARCHES:
            expected = search.as_json(embedded.search(words, kind, limit=50))
            response = httpx.get(
                f"{served.server.url}/api/search",
                params={"q": words, "limit": "50", **({"kind": kind} if kind else {})},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            assert response.json() == expected, words
            assert expected["total"], words
    finally:
        embedded.close()


def test_search_rebuild_reads_the_index_ingest_kept_back_from_the_store(
    served: Served, tmp_path: Path
) -> None:
    kept = search.SearchIndex(StoreFolder(served.folder).search_index, read_only=True)
    try:
        held = kept.articles()
    finally:
        kept.close()
    assert held == served.writer.search_entries() and len(held) == 2
    command = ["search", "--rebuild", "--endpoint", served.store.query_url]
    result = CliRunner().invoke(main, [*command, "--store", str(tmp_path / "rebuilt")])
    assert result.exit_code == 0, result.output
    rebuilt = search.SearchIndex(StoreFolder(tmp_path / "rebuilt").search_index, read_only=True)
    try:
        assert rebuilt.articles() == held
    finally:
        rebuilt.close()


def test_a_writer_repairs_the_index_entries_a_killed_ingest_left_pending(served: Served) -> None:
    index = search.SearchIndex(StoreFolder(served.folder).search_index)
    try:
        held = index.articles()
        # What a run killed between journaling the entries and the store's answer leaves: a
        # stored article and a new one, pending with entries the store does not have.
        for article in (sorted(held)[0], "https://newsgraph.example/id/article/never-stored"):
            index.put(article, [search.Entry(article + "/x", "statement", "zebra", "")])
        assert index.search("zebra").total == 2
        RemoteWriter(served.store.query_url, served.store.update_url, index=index).close()
        assert index.articles() == held and not index.pending()
    finally:
        index.close()


def test_an_update_through_the_server_is_searchable_and_its_undoing_too(served: Served) -> None:
    graph = "<https://newsgraph.example/id/article/inserted>"
    statement = (
        f"GRAPH {graph} {{ {graph} a ng:Article . "
        "<https://newsgraph.example/id/article/inserted/s> a ng:Statement ; "
        'schema:text "Marmalade quotas will rise." ; '
        "ng:speaker <https://newsgraph.example/id/actor/Q6279> }"
    )
    prefixes = (
        "PREFIX ng: <https://w3id.org/newsgraph/ontology#> PREFIX schema: <http://schema.org/> "
    )
    found = []
    # Not DROP GRAPH: Virtuoso drops no graph it was not asked to create.
    removal = f"DELETE WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    for update in (f"{prefixes} INSERT DATA {{ {statement} }}", removal):
        response = httpx.post(
            served.server.url + "/update",
            data={"update": update},
            headers={"Authorization": f"Bearer {UPDATE_TOKEN}"},
            timeout=60,
        )
        assert response.status_code == 204, response.text
        hits = httpx.get(f"{served.server.url}/api/search", params={"q": "marmalade"}).json()
        found.append([(hit["text"], hit["who"]) for hit in hits["hits"]])
    assert found == [[("Marmalade quotas will rise.", "Joe Biden")], []]


def test_sparql_queries_the_union_of_the_article_graphs(
    served: Served, reference: Reference
) -> None:
    query = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a ng:Statement ; ng:speaker ?speaker }"
    embedded = next(
        iter(
            StoreFolder(reference.store)
            .reader()
            .query(
                "PREFIX ng: <https://w3id.org/newsgraph/ontology#> " + query,
                use_default_graph_as_union=True,
            )
        )
    )["n"].value
    response = httpx.get(
        served.server.sparql, params={"query": query}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    assert response.text.split() == ["n", embedded]
    assert int(embedded) > 5


def test_a_service_outside_the_allow_list_is_refused_before_it_reaches_the_store(
    served: Served,
) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = httpx.get(served.server.sparql, params={"query": query})
    assert response.status_code == 400
    assert "127.0.0.1:9" in response.json()["error"]


def test_a_query_past_the_timeout_answers_503_and_the_server_goes_on(served: Served) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    response = httpx.get(served.server.sparql, params={"query": slow}, timeout=60)
    assert response.status_code == 503, response.text
    assert time.monotonic() - started < TIMEOUT + 5
    health = httpx.get(served.server.url + "/health", timeout=30)
    assert health.status_code == 200


def graph_sizes(store: ExternalStore) -> dict[str, int]:
    """Quads per newsgraph graph in the store, straight from the store."""
    query = (
        "SELECT ?graph (COUNT(*) AS ?quads) WHERE { GRAPH ?graph { ?s ?p ?o } "
        "FILTER (STRSTARTS(STR(?graph), 'https://newsgraph.example/')) } GROUP BY ?graph"
    )
    response = httpx.post(
        store.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    rows = parse_query_results(response.content, format=QueryResultsFormat.JSON)
    return {row["graph"].value: int(row["quads"].value) for row in rows}


def test_replacing_an_article_replaces_its_graph_and_collects_its_actors(
    served: Served, tmp_path: Path, settings: Settings
) -> None:
    before = graph_sizes(served.store)
    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    record = {"url": "https://example.org/replaced", "title": "Replaced", "text": text}
    path = tmp_path / "replaced.jsonl"
    for version in (text.replace("Biden", "Smithson"), "Nothing here names anyone at all."):
        path.write_text(json.dumps({**record, "text": version}) + "\n", encoding="utf-8")
        assert ingest(served.writer, [str(path)], settings).articles == 1
    after = graph_sizes(served.store)
    new = set(after) - set(before)
    assert len(new) == 1 and after[new.pop()] < 20  # the second version, a few quads
    assert {graph: after[graph] for graph in before} == before  # its actors are gone again


def test_updates_through_the_server_reach_the_store(served: Served) -> None:
    update = 'INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> "via newsgraph" } }'  # noqa: E501
    refused = httpx.post(served.server.url + "/update", data={"update": update}, timeout=30)
    assert refused.status_code == 403
    response = httpx.post(
        served.server.url + "/update",
        data={"update": update},
        headers={"Authorization": f"Bearer {UPDATE_TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 204, response.text
    ask = "ASK { <https://example.org/s> <https://example.org/p> 'via newsgraph' }"
    answer = httpx.get(served.server.sparql, params={"query": ask}, timeout=30)
    assert answer.json()["boolean"] is True


def test_the_etag_holds_until_ingest_writes_then_changes(
    served: Served, tmp_path: Path, settings: Settings
) -> None:
    url = f"{served.server.url}/api/queries/articles"
    # Right after an update through the server, or while a poll of a busy store fails, nothing
    # is cached: each answer is new until the server has read the stamp (external.POLL_SECONDS).
    deadline = time.monotonic() + 30
    while True:
        first = httpx.get(url, timeout=30)
        tag = first.headers["etag"]
        if httpx.get(url, headers={"If-None-Match": tag}, timeout=30).status_code == 304:
            break
        assert time.monotonic() < deadline, f"never revalidated:\n{served.server.log.read_text()}"
        time.sleep(0.1)
    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    (tmp_path / "another.txt").write_text(text + "\nAnother line.\n", encoding="utf-8")
    assert ingest(served.writer, [str(tmp_path / "another.txt")], settings).articles == 1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = httpx.get(url, headers={"If-None-Match": tag}, timeout=30)
        if response.status_code == 200:
            break
        time.sleep(0.1)
    assert response.status_code == 200, "the ETag did not change after a write"
    assert response.headers["etag"] != tag
    rows = len(response.json()["results"]["bindings"])
    assert rows == len(first.json()["results"]["bindings"]) + 1


def test_values_rows_bind_parameters_as_substitutions_do(ingested_store: Path) -> None:
    """What the server sends a store that takes no bindings gives the rows bindings give."""
    from newsgraph.server.external import with_prefixes, with_values

    reader = StoreFolder(ingested_store).reader()
    catalog = queries.load()
    checked = 0
    for name, values in parameters(ingested_store).items():
        query = catalog[name]
        bound = query.bind(values)
        expected = normalized(queries.run(reader, query, values))
        text = with_values(with_prefixes(query.text), {v.value: t for v, t in bound.items()})
        got = reader.query(text, use_default_graph_as_union=True)
        assert isinstance(got, QuerySolutions)
        assert normalized(got) == expected, name
        checked += bool(expected)
    assert checked >= 5
