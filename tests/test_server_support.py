"""Support for the server tests: stores shaped like ingest's output, and real running servers.

No tests here. The server tests share three servers, started once per session in subprocesses
(`python -c` calling newsgraph.server.serve) on free 127.0.0.1 ports:

    main    the sample store; updates unlocked; SERVICE may call `remote`, whose endpoint also
            stands in for Wikidata in the federated canned queries
    remote  another small store: Wikidata-like facts and a row only it holds
    strict  the sample store with a 1 s query timeout and a 5-row limit

Each server test module declares a session fixture `server_store`, the store the servers serve:
the sample store built below. The tests find actors, speakers and articles by querying rather
than by name, and pass as they are with `def server_store(ingested_store): return ingested_store`
(tests/conftest.py's real ingest); both fixtures could then move to conftest.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import WIKIDATA_COUNTRIES
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from newsgraph.ontology import (
    DCTERMS,
    GAF,
    NG,
    NIF,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    XSD,
    Minter,
    cameo_concept,
    sparql_prefixes,
    wikidata_entity,
)  # fmt: skip
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder, ntriples

UPDATE_TOKEN = "test-token-3f9a"
REMOTE_MARK = "hello from the remote endpoint"
STARTUP_SECONDS = 60.0
MINTER = Minter(Settings().base)


def _n(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


DATE = _n(XSD, "date")
BOOLEAN = _n(XSD, "boolean")


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=_n(XSD, "nonNegativeInteger"))


# ------------------------------------------------------------------ sample data

ACTORS = {  # key: (name, type, wikidata, aliases)
    "biden": ("Joe Biden", "Person", "Q6279", ("Biden",)),
    "xi": ("Xi Jinping", "Person", "Q15031", ("Xi",)),
    "whitehouse": ("White House", "Organization", None, ()),
    "usa": ("United States", "Country", "Q30", ("US",)),
    "china": ("China", "Country", "Q148", ()),
    "russia": ("Russia", "Country", "Q159", ()),
}

ARTICLES = [
    {
        "url": "https://news.example/2022/03/19/biden-xi-call",
        "title": "Biden presses Xi on Russia in a two-hour video call",
        "published": "2022-03-19",
        "mentions": {"biden": [0, 120, 400], "xi": [20, 300], "whitehouse": [200],
                     "china": [60], "russia": [90, 450], "usa": [500]},
        "statements": [  # speaker, begin, text, cue, direct
            ("whitehouse", 210, "The cost of helping Russia was made clear.", "said", True),
            ("biden", 410, "China would face consequences if it helps Russia.", "warned", False),
        ],
        "events": [  # begin, label, cameo, factuality, actors, date, place
            (130, "video call", "041", "Asserted", ["biden", "xi"], "2022-03-18", "Washington"),
            (460, "provide support", "070", "Hypothetical", ["china", "russia"], None, None),
            (520, "invade", "190", "Negated", ["usa", "china"], None, None),
        ],
    },
    {
        "url": "https://news.example/2021/11/16/virtual-summit",
        "title": "Biden and Xi hold a virtual summit",
        "published": "2021-11-16",
        "mentions": {"biden": [0, 150], "xi": [10, 160], "usa": [80], "china": [90]},
        "statements": [
            ("xi", 170, "China and the United States should respect each other.", "said", True),
        ],
        "events": [
            (40, "virtual summit", "040", "Asserted", ["biden", "xi"], "2021-11-15", None),
        ],
    },
]  # fmt: skip


def _mention(article: NamedNode, begin: int, text: str, add: list[Triple]) -> NamedNode:
    end = begin + max(len(text), 1)
    iri = MINTER.mention(article, begin, end)
    add += [
        Triple(iri, _n(RDF, "type"), _n(NG, "Mention")),
        Triple(iri, _n(NIF, "beginIndex"), _int(begin)),
        Triple(iri, _n(NIF, "endIndex"), _int(end)),
        Triple(iri, _n(NIF, "anchorOf"), Literal(text)),
        Triple(iri, _n(NIF, "referenceContext"), article),
    ]
    return iri


def _actor(key: str) -> NamedNode:
    name, kind, wikidata, _ = ACTORS[key]
    return MINTER.actor(name, kind, wikidata)


def _article_graph(spec: dict) -> tuple[NamedNode, list[Triple], list[Triple]]:
    article = MINTER.article(spec["url"], spec["url"])
    triples: list[Triple] = [
        Triple(article, _n(RDF, "type"), _n(NG, "Article")),
        Triple(article, _n(DCTERMS, "source"), Literal(spec["url"])),
        Triple(article, _n(SCHEMA, "url"), NamedNode(spec["url"])),
        Triple(article, _n(SCHEMA, "headline"), Literal(spec["title"])),
        Triple(article, _n(SCHEMA, "datePublished"), Literal(spec["published"], datatype=DATE)),
    ]
    actor_triples: list[Triple] = []
    for key, begins in spec["mentions"].items():
        name, kind, wikidata, aliases = ACTORS[key]
        actor = _actor(key)
        for begin in begins:
            triples.append(
                Triple(actor, _n(GAF, "denotedBy"), _mention(article, begin, name, triples))
            )
        actor_triples += [
            Triple(actor, _n(RDF, "type"), _n(NG, kind)),
            Triple(actor, _n(RDF, "type"), _n(NG, "Actor")),
            Triple(actor, _n(RDFS, "label"), Literal(name)),
        ]
        actor_triples += [Triple(actor, _n(SKOS, "altLabel"), Literal(alias)) for alias in aliases]
        if wikidata:
            actor_triples.append(Triple(actor, _n(NG, "wikidata"), wikidata_entity(wikidata)))
    for speaker, begin, text, cue, direct in spec["statements"]:
        statement = MINTER.statement(article, begin, begin + len(text))
        triples += [
            Triple(statement, _n(RDF, "type"), _n(NG, "Statement")),
            Triple(statement, _n(NG, "speaker"), _actor(speaker)),
            Triple(statement, _n(SCHEMA, "text"), Literal(text)),
            Triple(statement, _n(NG, "cue"), Literal(cue)),
            Triple(statement, _n(NG, "direct"), Literal(str(direct).lower(), datatype=BOOLEAN)),
            Triple(statement, _n(PROV, "wasDerivedFrom"), article),
            Triple(statement, _n(GAF, "denotedBy"), _mention(article, begin, text, triples)),
        ]  # fmt: skip
    for begin, label, cameo, factuality, actors, date, place in spec["events"]:
        event = MINTER.event(article, begin, begin + len(label))
        triples += [
            Triple(event, _n(RDF, "type"), _n(NG, "Event")),
            Triple(event, _n(RDFS, "label"), Literal(label)),
            Triple(event, _n(NG, "cameo"), cameo_concept(cameo)),
            Triple(event, _n(NG, "factuality"), _n(NG, factuality)),
            Triple(event, _n(PROV, "wasDerivedFrom"), article),
            Triple(event, _n(GAF, "denotedBy"), _mention(article, begin, label, triples)),
        ]
        triples += [Triple(event, _n(SEM, "hasActor"), _actor(key)) for key in actors]
        if date:
            triples.append(Triple(event, _n(SEM, "hasTimeStamp"), Literal(date, datatype=DATE)))
        if place:
            node = MINTER.place(place)
            triples += [
                Triple(node, _n(RDF, "type"), _n(NG, "Place")),
                Triple(node, _n(RDFS, "label"), Literal(place)),
                Triple(event, _n(SEM, "hasPlace"), node),
            ]
    return article, list(dict.fromkeys(triples)), list(dict.fromkeys(actor_triples))


def build_sample_store(folder: Path) -> Path:
    """A store folder holding two articles shaped as `newsgraph ingest` writes them."""
    with StoreFolder(folder).writer() as writer:
        for spec in ARTICLES:
            article, triples, actor_triples = _article_graph(spec)
            writer.write_article(
                article, ntriples(triples), MINTER.actors_graph(), ntriples(actor_triples)
            )
    return folder


def build_remote_store(folder: Path) -> Path:
    """Another store: a few Wikidata-like facts and one row no other store has."""
    with StoreFolder(folder).writer() as writer:
        facts = serialize(parse(path=WIKIDATA_COUNTRIES), format=RdfFormat.N_TRIPLES)
        writer.update(
            f"INSERT DATA {{ GRAPH <https://remote.example/wikidata> {{ {facts.decode()} }} }}"
        )
        writer.update(
            "INSERT DATA { GRAPH <https://remote.example/graph> { "
            f'<https://remote.example/item/1> <https://remote.example/says> "{REMOTE_MARK}" }} }}'
        )
    return folder


# ------------------------------------------------------------------ running servers

_SERVE = """
import json, sys
from newsgraph.server import serve
from newsgraph.settings import Settings
values = json.loads(sys.argv[1])
serve(Settings(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    name: str
    settings: Settings
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def wait_until_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} exited:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"server {self.name} did not answer /health:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name: str, settings: Settings, logs: Path) -> RunningServer:
    values = {key: list(v) if isinstance(v, tuple) else v for key, v in vars(settings).items()}
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, json.dumps(values)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return RunningServer(name, settings, log, process)


@dataclass
class Servers:
    main: RunningServer
    remote: RunningServer
    strict: RunningServer
    sample_store: Path

    def all(self) -> list[RunningServer]:
        return [self.main, self.remote, self.strict]


_SHARED: dict[str, Servers] = {}


def shared_servers(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Servers:
    """The three servers of the session, started on first use (see the module docstring).

    Each test module declares its own session fixture calling this; the servers start once.
    """
    if "servers" in _SHARED:
        return _SHARED["servers"]
    root = tmp_path_factory.mktemp("servers")
    remote_store = build_remote_store(root / "remote-store")
    remote_port, main_port, strict_port = free_port(), free_port(), free_port()
    remote_sparql = f"http://127.0.0.1:{remote_port}/sparql"
    base = Settings(host="127.0.0.1")
    remote = start_server("remote", base.replace(store=str(remote_store), port=remote_port), root)
    main = start_server(
        "main",
        base.replace(
            store=str(sample),
            port=main_port,
            update_token=UPDATE_TOKEN,
            service_allow=(remote_sparql,),
            wikidata_endpoint=remote_sparql,
            max_rows=1_000_000,
            cors_origins=("https://dashboard.example",),
        ),
        root,
    )
    strict = start_server(
        "strict",
        base.replace(store=str(sample), port=strict_port, query_timeout=1.0, max_rows=5),
        root,
    )
    servers = Servers(main, remote, strict, sample)
    _SHARED["servers"] = servers
    deadline = time.monotonic() + STARTUP_SECONDS
    for server in servers.all():
        server.wait_until_healthy(deadline)
    return servers


def stop_shared_servers() -> None:
    servers = _SHARED.pop("servers", None)
    if servers is not None:
        for server in servers.all():
            server.stop()


def sample_store_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store, built once per session however many modules ask for it."""
    if "store" not in _STORES:
        _STORES["store"] = build_sample_store(tmp_path_factory.mktemp("sample") / "store")
    return _STORES["store"]


_STORES: dict[str, Path] = {}


def select(server: RunningServer, query: str, **params: str) -> list[dict[str, str]]:
    """The rows of a SELECT over HTTP, each a dict of variable name to value."""
    response = httpx.get(server.sparql, params={"query": PREFIXES + query, **params}, timeout=30)
    assert response.status_code == 200, response.text
    return [
        {name: term["value"] for name, term in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


PREFIXES = sparql_prefixes()
