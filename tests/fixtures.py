"""Helpers the tests share: where the sample data is, ingest into a store, real running servers.

No tests and no fixtures here (those are in conftest.py, which nothing imports). The server
tests share three servers, started once per session in subprocesses (`python -c` calling
newsgraph.server.serve) on free 127.0.0.1 ports:

    main    the sample articles of data/, ingested for real (conftest.py's `server_store`);
            updates unlocked; SERVICE may call `remote`, whose endpoint also stands in for
            Wikidata in the federated canned queries
    remote  another small store: Wikidata-like facts and a row only it holds
    strict  the sample store with a 1 s query timeout and a 5-row limit

The tests find actors, speakers and articles by querying rather than by name.
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
from pyoxigraph import RdfFormat, parse, serialize

from newsgraph.ingest import articles, pipeline
from newsgraph.ontology import Minter, sparql_prefixes
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "data"
# A few real Wikidata facts, for stand-ins of the Wikidata endpoint.
WIKIDATA_COUNTRIES = ROOT / "tests" / "wikidata_fixture" / "countries.ttl"

UPDATE_TOKEN = "test-token-3f9a"
REMOTE_MARK = "hello from the remote endpoint"
STARTUP_SECONDS = 60.0
MINTER = Minter(Settings().base)


def ingest_into(
    folder: Path, paths: list[str], settings: Settings, **overrides: object
) -> pipeline.Summary:
    """Ingest the given paths into a store folder, as `newsgraph ingest` does."""
    settings = settings.replace(store=str(folder), **overrides)
    with StoreFolder(folder).writer() as writer:
        return pipeline.ingest_articles(articles.read(paths, settings.max_bytes), writer, settings)


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


def select(server: RunningServer, query: str, **params: str) -> list[dict[str, str]]:
    """The rows of a SELECT over HTTP, each a dict of variable name to value."""
    response = httpx.get(server.sparql, params={"query": PREFIXES + query, **params}, timeout=30)
    assert response.status_code == 200, response.text
    return [
        {name: term["value"] for name, term in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


PREFIXES = sparql_prefixes()
