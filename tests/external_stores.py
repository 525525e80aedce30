"""Support for the external-store tests: real SPARQL 1.1 servers other than newsgraph's own.

No tests here, and no import of conftest: the benchmarks use this module too. Each store runs
in its own process, on free 127.0.0.1 ports, with its files in a temporary folder:

    oxigraph   Oxigraph's own server (the `oxigraph` package's binary), with the union
               default graph, as `newsgraph serve --endpoint` needs
    virtuoso   Virtuoso Open Source 7 (the Debian package virtuoso-opensource), whose default
               graph without a FROM clause is the union of its graphs; updates through /sparql
               are granted to its SPARQL user
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 90.0
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {folder}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
MaxSortedTopRows = 1000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {max_seconds}
"""
# Updates through the public /sparql endpoint, on every graph, and SERVICE calls.
VIRTUOSO_GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL";',
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ExternalStore:
    name: str
    query_url: str
    update_url: str
    folder: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    sql_port: int = 0  # Virtuoso's SQL port, for its bulk loader

    def wait_until_ready(self, log: Path) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                response = httpx.post(
                    self.query_url,
                    data={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=5,
                )
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{self.name} did not answer:\n{log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()  # a throwaway database: no need for a clean shutdown
            self.process.wait()

    def sql(self, statement: str) -> str:
        """Run SQL on Virtuoso through isql as dba."""
        result = subprocess.run(
            [ISQL or "isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0 or "Error" in result.stdout:
            raise RuntimeError(f"isql failed: {result.stdout}{result.stderr}")
        return result.stdout


def start_oxigraph(folder: Path, timeout_seconds: float = 10.0) -> ExternalStore:
    if not OXIGRAPH.is_file():
        pytest.skip("Oxigraph's server is missing: pip install -e '.[test]' (the oxigraph package)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(OXIGRAPH), "serve", "--location", str(folder / "db"),
                "--bind", f"127.0.0.1:{port}", "--union-default-graph",
                "--timeout-s", f"{timeout_seconds:g}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    store = ExternalStore("oxigraph", f"{url}/query", f"{url}/update", folder, process)
    store.wait_until_ready(log)
    return store


def start_virtuoso(folder: Path, max_seconds: int = 10, buffers: int = 10_000) -> ExternalStore:
    if VIRTUOSO is None or ISQL is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            folder=folder,
            sql_port=sql_port,
            http_port=http_port,
            max_seconds=max_seconds,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    store = ExternalStore("virtuoso", url, url, folder, process, sql_port)
    store.wait_until_ready(log)
    for grant in VIRTUOSO_GRANTS:
        store.sql(grant)
    return store
