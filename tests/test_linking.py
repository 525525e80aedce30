"""Wikidata linking: the local index, the cache, and a stand-in endpoint on 127.0.0.1.

No test reaches the internet: live look-ups go to a small SPARQL 1.1 protocol app served by
uvicorn over pyoxigraph and the Turtle fixture in tests/wikidata_fixture/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph
import pytest
import uvicorn

from newsgraph.ingest.extraction import Actor, Span
from newsgraph.ingest.linking import (
    Link,
    Linker,
    LinkRequest,
    evaluate_links,
    live_query,
)
from newsgraph.ingest.wikidata_index import (
    COLUMNS,
    INDEX_FILE,
    build_index,
    load_index,
    parse_name,
    read_entries,
)

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "wikidata_fixture" / "entities.ttl"
GOLD = Path(__file__).parent / "gold"
LOGGER = "newsgraph.ingest.linking"


# ---------------------------------------------------------------- the stand-in endpoint


class FakeWikidata:
    """SPARQL protocol (GET and POST) over the fixture; `script` sets the next answers' kind."""

    def __init__(self) -> None:
        self.store = pyoxigraph.Store()
        self.store.load(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TURTLE)
        self.script: list[str] = []  # "ok", "500", "429", "slow"; empty means "ok"
        self.requests: list[dict[str, str]] = []

    async def __call__(self, scope: dict, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        params = parse_qs(scope["query_string"].decode())
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if scope["method"] == "POST":
            if headers.get("content-type", "").startswith("application/sparql-query"):
                params["query"] = [body.decode()]
            else:
                params.update(parse_qs(body.decode()))
        query = params.get("query", [""])[0]
        self.requests.append({"query": query, "agent": headers.get("user-agent", "")})
        mode = self.script.pop(0) if self.script else "ok"
        if mode == "slow":
            await asyncio.sleep(3)
        if mode in ("500", "429"):
            extra = [(b"retry-after", b"0")] if mode == "429" else []
            await send({"type": "http.response.start", "status": int(mode), "headers": extra})
            await send({"type": "http.response.body", "body": b"unavailable"})
            return
        answer = self.store.query(query).serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        kind = (b"content-type", b"application/sparql-results+json")
        await send({"type": "http.response.start", "status": 200, "headers": [kind]})
        await send({"type": "http.response.body", "body": answer})


class Endpoint:
    """FakeWikidata served by uvicorn in a thread on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        self.app = FakeWikidata()
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        config = uvicorn.Config(
            self.app, lifespan="off", log_level="warning", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self) -> Endpoint:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the stand-in Wikidata endpoint did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    served = Endpoint().start()
    yield served
    served.stop()


def online(endpoint: Endpoint, cache: Path, **options: float) -> Linker:
    settings = {"timeout": 2.0, "retries": 1, "backoff": 0.01, **options}
    return Linker(cache_path=cache, online=True, endpoint=endpoint.url, **settings)


@pytest.fixture(scope="module")
def offline() -> Linker:
    return Linker()


# ---------------------------------------------------------------- the shipped index


def test_shipped_index_is_the_seed_copy_byte_for_byte() -> None:
    shipped = (ROOT / "ingest" / INDEX_FILE).read_bytes()
    assert shipped == (ROOT / "data" / "wikidata" / "seed-entities.tsv").read_bytes()


def test_index_loads_every_seed_row_with_valid_qids_and_types() -> None:
    index = load_index()
    assert len(index) == 369
    kinds = [entry.type for entry in index.entries.values()]
    assert (kinds.count("Country"), kinds.count("Organization"), kinds.count("Person")) == (
        206, 67, 96,
    )  # fmt: skip


def test_build_index_copies_a_valid_seed_and_refuses_a_malformed_one(tmp_path: Path) -> None:
    seed = ROOT / "data" / "wikidata" / "seed-entities.tsv"
    assert build_index(seed, tmp_path / "index.tsv") == 369
    assert (tmp_path / "index.tsv").read_bytes() == seed.read_bytes()
    bad = tmp_path / "bad.tsv"
    bad.write_text("\t".join(COLUMNS) + "\nX12\tNobody\tPerson\t\tnone\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'X12' is not a Wikidata QID"):
        build_index(bad, tmp_path / "out.tsv")
    assert not (tmp_path / "out.tsv").exists()


def test_read_entries_rejects_a_duplicate_qid_and_an_unknown_type() -> None:
    header = "\t".join(COLUMNS)
    with pytest.raises(ValueError, match="Q1 appears twice"):
        read_entries(f"{header}\nQ1\tA\tPerson\t\te\nQ1\tB\tPerson\t\te\n")
    with pytest.raises(ValueError, match="type 'Group' is not one of"):
        read_entries(f"{header}\nQ1\tA\tGroup\t\te\n")


@pytest.mark.parametrize(
    ("text", "kind", "key", "title"),
    [
        ("US President Joe Biden", "Person", "joe biden", "president"),
        ("China’s President Xi Jinping", "Person", "xi jinping", "president"),
        ("Mr. Xi", "Person", "xi", "mr"),
        ("Prime Minister Sir Keir Starmer", "Person", "keir starmer", "prime minister"),
        ("Oona King", "Person", "oona king", ""),
        ("Recep Tayyip Erdoğan", "Person", "recep tayyip erdogan", ""),
        ("Biden's", "Person", "biden", ""),
        ("U.S.", "Country", "us", ""),
        ("the United States", "Country", "united states", ""),
        ("People's Republic of China", "Country", "people republic of china", ""),
        ("Prime Minister's Office", "Organization", "prime minister office", ""),
    ],
)
def test_parse_name_folds_and_splits_titles_only_from_people(
    text: str, kind: str, key: str, title: str
) -> None:
    name = parse_name(text, kind)
    assert (name.key, name.title) == (key, title)


# ---------------------------------------------------------------- linking from the index


@pytest.mark.parametrize(
    ("name", "kind", "qid"),
    [
        ("Joe Biden", "Person", "Q6279"),
        ("President Biden", "Person", "Q6279"),
        ("Mr. Biden", "Person", "Q6279"),
        ("Xi Jinping", "Person", "Q15031"),
        ("Xi", "Person", "Q15031"),
        ("Vladimir Putin", "Person", "Q7747"),
        ("Putin", "Person", "Q7747"),
        ("China", "Country", "Q148"),
        ("Russia", "Country", "Q159"),
        ("Russian Federation", "Country", "Q159"),
        ("Ukraine", "Country", "Q212"),
        ("U.S.", "Country", "Q30"),
        ("US", "Country", "Q30"),
        ("the United States", "Country", "Q30"),
        ("the White House", "Organization", "Q35525"),
        ("Volodymyr Zelensky", "Person", "Q3874799"),
        ("Recep Tayyip Erdogan", "Person", "Q39259"),
    ],
)
def test_exact_and_alias_names_link_from_the_index(
    offline: Linker, name: str, kind: str, qid: str
) -> None:
    link = offline.link(name, kind)
    assert link is not None and link.qid == qid and link.method == "index"
    assert offline.threshold <= link.score <= 1.0


def test_a_full_label_scores_above_an_alias_and_an_alias_above_a_lone_surname(
    offline: Linker,
) -> None:
    label, alias, surname = (
        offline.link(n, "Person") for n in ("Joe Biden", "Joseph Biden", "Biden")
    )
    assert label and alias and surname
    assert label.score > alias.score > surname.score
    assert label == Link("Q6279", "Joe Biden", 1.0, "index")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("China", "Person"),
        ("Joe Biden", "Country"),
        ("Vladimir Putin", "Organization"),
        ("NATO", "Country"),
        ("Chinese", "Group"),
        ("Russia", "Group"),
    ],
)
def test_a_type_mismatch_or_a_group_gives_no_link(offline: Linker, name: str, kind: str) -> None:
    assert offline.link(name, kind) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Chinese", "Country"),  # a demonym is not the country
        ("Russian", "Country"),
        ("Washington", "Country"),  # no capital metonym the seed does not list
        ("Moscow", "Country"),
        ("us", "Country"),  # a short acronym must be written in capitals
        ("Who", "Organization"),
        ("Jen Psaki", "Person"),
        ("Oona King", "Person"),
        ("Biden administration", "Organization"),
        ("Chinese Foreign Ministry", "Organization"),
        ("May", "Person"),  # the seed lists "May" and "Brown" only with a title
        ("Brown", "Person"),
    ],
)
def test_unknown_names_demonyms_and_unlisted_capitals_give_no_link(
    offline: Linker, name: str, kind: str
) -> None:
    assert offline.link(name, kind) is None


def test_a_capital_the_seed_lists_links_as_its_country(offline: Linker) -> None:
    link = offline.link("Beijing", "Country")
    assert link is not None and link.qid == "Q148"


def test_a_surname_two_seed_people_share_needs_context(offline: Linker) -> None:
    # Boris Johnson (alias "Johnson") and Alan Johnson share the surname.
    assert offline.link("Johnson", "Person") is None
    assert offline.link("Mr Johnson", "Person") is None
    boris = offline.link("Johnson", "Person", context=["Prime Minister"])
    alan = offline.link("Johnson", "Person", context=["Alan Johnson", "Home Office"])
    assert boris is not None and boris.qid == "Q180589"
    assert alan is not None and alan.qid == "Q332336"
    assert offline.link("Prime Minister Johnson", "Person").qid == "Q180589"


def test_a_surname_the_seed_gives_no_alias_links_only_through_a_full_name(offline: Linker) -> None:
    # Charles Clarke and Kenneth Clarke: "Clarke" is no alias of either.
    assert offline.link("Clarke", "Person") is None
    assert offline.link("Clarke", "Person", context=["Ken Clarke"]).qid == "Q271889"
    assert offline.link("Clarke", "Person", aliases=["Charles Clarke"]).qid == "Q333758"
    assert offline.link("Clarke", "Person", context=["Ken Clarke", "Charles Clarke"]) is None


def test_a_surname_is_refused_when_the_article_names_someone_else_by_it(offline: Linker) -> None:
    assert offline.link("Biden", "Person", context=["Hunter Biden"]) is None
    assert offline.link("Bush", "Person", context=["Jeb Bush"]) is None
    assert offline.link("Jeb Bush", "Person", aliases=["Bush", "Mr Bush"]) is None
    assert offline.link("Biden", "Person", context=["Biden administration"]).qid == "Q6279"
    assert offline.link("Biden", "Person", aliases=["Joe R. Biden"]).qid == "Q6279"


def test_a_title_near_the_mentions_unlocks_a_surname_listed_only_with_it(offline: Linker) -> None:
    assert offline.link("May", "Person", context=["Prime Minister"]).qid == "Q264766"
    assert offline.link("Mrs May", "Person").qid == "Q264766"


def test_an_unknown_name_links_through_an_alias_the_index_knows(offline: Linker) -> None:
    link = offline.link("Chinese government", "Country", aliases=["China", "Beijing"])
    assert link is not None and link.qid == "Q148" and link.score < 0.9


def test_link_rejects_an_unknown_actor_type_naming_the_valid_ones(offline: Linker) -> None:
    with pytest.raises(ValueError, match=r"actor type 'Place' is not one of \['Person'"):
        offline.link("Paris", "Place")


def test_apply_links_records_links_on_the_actors_of_an_article(offline: Linker) -> None:
    from newsgraph.ingest.actors import ActorSet, link

    actors = ActorSet()
    for key, name, kind, mentions in [
        ("p", "Johnson", "Person", ["Prime Minister Johnson", "Johnson"]),
        ("c", "United States", "Country", ["U.S."]),
        ("g", "Chinese", "Group", ["Chinese"]),
    ]:
        actor = actors.actors[key] = Actor(key, name, kind)
        actor.mentions = [Span(0, len(text), text) for text in mentions]
    link(actors, offline)
    linked = {k: (a.wikidata, a.link_method) for k, a in actors.actors.items()}
    assert linked == {"p": ("Q180589", "index"), "c": ("Q30", "index"), "g": (None, None)}
    assert actors.actors["p"].link_score == 0.85


# ---------------------------------------------------------------- cache and live look-ups


def test_live_mode_finds_an_entity_only_the_endpoint_has_and_caches_it(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    cache = tmp_path / "wikidata-cache.json"
    linker = online(endpoint, cache)
    link = linker.link("Marta Lindqvist-Oyelaran", "Person")
    assert link == Link("Q990000001", "Marta Lindqvist-Oyelaran", 0.9, "live")
    assert "newsgraph" in endpoint.app.requests[0]["agent"]
    answers = json.loads(cache.read_text(encoding="utf-8"))["answers"]
    assert answers["Person|Marta Lindqvist-Oyelaran"]["candidates"][0]["qid"] == "Q990000001"


def test_live_mode_honours_type_alias_and_country_subclass(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    linker = online(endpoint, tmp_path / "cache.json")
    alias = linker.link("Foreign Minister Marta Lindqvist", "Person")
    assert alias is not None and alias.qid == "Q990000001" and alias.score < 0.9
    assert linker.link("Testonia", "Country").qid == "Q990000002"  # via wdt:P279*
    assert linker.link("Testonia", "Organization") is None  # a country is no organization
    assert linker.link("the Northwind Alliance", "Organization").qid == "Q990000003"
    assert linker.link("Northwind Alliance", "Person") is None


def test_live_mode_needs_context_between_two_people_of_one_name(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    linker = online(endpoint, tmp_path / "cache.json")
    assert linker.link("Peter Vance", "Person") is None  # footballer or prime minister
    chosen = linker.link("Peter Vance", "Person", context=["Prime Minister", "Testonia"])
    assert chosen is not None and chosen.qid == "Q990000005"


def test_the_index_answers_before_any_live_query(endpoint: Endpoint, tmp_path: Path) -> None:
    link = online(endpoint, tmp_path / "cache.json").link("Joe Biden", "Person")
    assert link is not None and link.qid == "Q6279" and link.method == "index"
    assert endpoint.app.requests == []


def test_link_many_batches_names_with_values_one_query_per_type(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    linker = online(endpoint, tmp_path / "cache.json")
    requests = [
        LinkRequest("Marta Lindqvist-Oyelaran", "Person"),
        LinkRequest("Nobody Atall", "Person"),
        LinkRequest("Testonia", "Country"),
        LinkRequest("Xi Jinping", "Person"),
        LinkRequest("Ordinary Citizens", "Group"),
    ]
    links = linker.link_many(requests)
    assert [link.qid if link else None for link in links] == [
        "Q990000001", None, "Q990000002", "Q15031", None,
    ]  # fmt: skip
    assert len(endpoint.app.requests) == 2
    assert all("VALUES ?text" in r["query"] for r in endpoint.app.requests)


def test_a_second_run_reuses_the_cache_with_the_endpoint_down(
    endpoint: Endpoint, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "wikidata-cache.json"
    first = online(endpoint, cache)
    assert first.link("Marta Lindqvist-Oyelaran", "Person").method == "live"
    assert first.link("Nobody Atall", "Person") is None  # "no candidates" is cached too
    endpoint.stop()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        second = online(endpoint, cache)
        link = second.link("Marta Lindqvist-Oyelaran", "Person")
        assert second.link("Nobody Atall", "Person") is None
    assert link == Link("Q990000001", "Marta Lindqvist-Oyelaran", 0.9, "cache")
    assert caplog.records == []  # nothing had to be asked
    offline_reader = Linker(cache_path=cache)
    assert offline_reader.link("Marta Lindqvist-Oyelaran", "Person").method == "cache"


def test_an_endpoint_that_is_down_leaves_the_actor_unlinked_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stopped = Endpoint()  # bound, never started: connections are refused
    url = stopped.url
    stopped.socket.close()
    cache = tmp_path / "cache.json"
    linker = Linker(cache_path=cache, online=True, endpoint=url, retries=1, backoff=0.01)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert linker.link("Marta Lindqvist-Oyelaran", "Person") is None
    assert "cannot reach the endpoint" in caplog.text
    assert not cache.exists()


def test_an_endpoint_answering_500_leaves_the_actor_unlinked_and_the_cache_clean(
    endpoint: Endpoint, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache.json"
    linker = online(endpoint, cache)
    assert linker.link("Testonia", "Country").qid == "Q990000002"
    endpoint.app.script = ["500", "500"]
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert linker.link("Marta Lindqvist-Oyelaran", "Person") is None
    assert len(endpoint.app.requests) == 3  # one good query, then one try and one retry
    assert "HTTP 500" in caplog.text and "stay unlinked" in caplog.text
    answers = json.loads(cache.read_text(encoding="utf-8"))["answers"]
    assert set(answers) == {"Country|Testonia"}
    assert linker.link("Marta Lindqvist-Oyelaran", "Person").method == "live"  # not "cached"


def test_an_endpoint_that_times_out_leaves_the_actor_unlinked(
    endpoint: Endpoint, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache.json"
    linker = online(endpoint, cache, timeout=0.3)
    endpoint.app.script = ["slow", "slow"]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert linker.link("Marta Lindqvist-Oyelaran", "Person") is None
    assert time.monotonic() - started < 2.5
    assert "timed out" in caplog.text
    assert not cache.exists()


def test_a_429_is_retried_after_the_time_the_endpoint_asks(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    endpoint.app.script = ["429"]
    link = online(endpoint, tmp_path / "cache.json").link("Testonia", "Country")
    assert link is not None and link.qid == "Q990000002"
    assert len(endpoint.app.requests) == 2


def test_names_reach_the_endpoint_as_escaped_literals(endpoint: Endpoint, tmp_path: Path) -> None:
    hostile = 'Evil" } ; DROP ALL ; SELECT * { "'
    assert '"Evil\\" }' in live_query("Organization", [hostile])
    assert online(endpoint, tmp_path / "cache.json").link(hostile, "Organization") is None
    assert len(endpoint.app.requests) >= 1


def test_an_unreadable_cache_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        linker = Linker(cache_path=cache)
    assert "unreadable" in caplog.text
    assert linker.link("Joe Biden", "Person").qid == "Q6279"


# ---------------------------------------------------------------- measured on gold annotations


def test_linking_meets_the_precision_and_recall_targets_on_gold_articles(offline: Linker) -> None:
    figures = evaluate_links(GOLD, offline)
    assert figures["gold_in_index"] >= 10, figures
    assert figures["precision"] >= 0.95, figures["wrong"]
    assert figures["recall"] >= 0.80, figures["missed"]


def test_a_full_name_spelled_with_a_listed_surname_variant_links(offline: Linker) -> None:
    """ "Volodymyr Zelenskiy": the index lists the first name in a full name and the surname
    spelling as an alias of one entry only."""
    found = offline.link("Volodymyr Zelenskiy", "Person")
    assert found is not None and found.qid == "Q3874799"
    assert offline.link("Hunter Biden", "Person") is None  # another first name: another person


def test_ingest_goes_on_when_the_live_endpoint_fails_and_says_why(
    endpoint: Endpoint, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`newsgraph ingest --online` with an endpoint answering 500: every article is stored,
    index links are made, unknown actors stay unlinked, and stderr says why."""
    from click.testing import CliRunner

    from newsgraph.cli import main
    from newsgraph.store import StoreFolder

    endpoint.app.script = ["500"] * 20
    article = tmp_path / "a.txt"
    article.write_text(
        "Joe Biden met Marta Lindqvist-Oyelaran in Testonia on Monday, officials said.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = CliRunner().invoke(
            main,
            ["ingest", str(article), "--store", str(store), "--online"],
            env={"NEWSGRAPH_WIKIDATA_ENDPOINT": endpoint.url},
        )
    assert result.exit_code == 0, result.output
    assert "1 articles" in result.output
    assert "HTTP 500" in caplog.text and "stay unlinked" in caplog.text
    rows = (
        StoreFolder(store)
        .reader()
        .query(
            "SELECT ?name ?entity WHERE { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?name "
            "OPTIONAL { ?a <https://w3id.org/newsgraph/ontology#wikidata> ?entity } }",
            use_default_graph_as_union=True,
        )
    )
    linked = {row["name"].value: row["entity"] for row in rows}
    assert linked["Joe Biden"].value.endswith("/Q6279")
    assert linked["Marta Lindqvist-Oyelaran"] is None
