"""The query page in a real headless browser, against a real server over an ingested store.

Chromium comes from Debian's packages (`apt-get install chromium`; .ci/run installs it), driven by
Playwright's Python client with `executable_path`: Playwright's own browser downloads are never
used. Without a Chromium the test is skipped, saying why, except in CI (CI=true), where a missing
browser fails the test: a green CI run must mean the page was tested.

The page must work with no network: every request that does not go to the test server is
aborted and reported as a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
SERVER_START_SECONDS = 90.0

# Runs the real server in its own process, as `newsgraph serve` would.
SERVE = """
import sys
from newsgraph.server import serve
from newsgraph.settings import Settings
serve(Settings().replace(store=sys.argv[1], host="127.0.0.1", port=int(sys.argv[2])))
"""


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None and os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            "no Chromium, and CI=true: CI must run the browser test (.ci/run installs Debian's "
            "chromium package)"
        )
    if path is None:
        pytest.skip(
            "no Chromium: install Debian's package (apt-get install chromium) to run the "
            "browser test; .ci/run does"
        )
    return path


@pytest.fixture(scope="module")
def live_server(ingested_store, tmp_path_factory) -> Iterator[str]:
    """Base URL of a real newsgraph server on a free loopback port, serving `ingested_store`."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w+b") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, os.fspath(ingested_store), str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    pytest.fail(
                        f"the server exited with {process.returncode} before answering:\n"
                        + log.read().decode("utf-8", "replace")[-4000:]
                    )
                try:
                    if httpx.get(base + "/api/queries", timeout=2.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the server did not answer on {base} in {SERVER_START_SECONDS}s")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture()
def browser_page(chromium, live_server, tmp_path):
    """A page in a fresh Chromium profile that may reach the test server and nothing else."""
    if os.environ.get("CI", "").lower() == "true":
        import playwright.sync_api as sync_api  # in CI a missing client fails, never skips
    else:
        sync_api = pytest.importorskip(
            "playwright.sync_api", reason="the playwright package is absent"
        )
    outside: list[str] = []
    errors: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(live_server + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            os.fspath(tmp_path / "profile"),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", only_local)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield SimpleNamespace(page=page, outside=outside, errors=errors)
            # Kept with the test's temporary files, or where NEWSGRAPH_SCREENSHOT says.
            screenshot = Path(os.environ.get("NEWSGRAPH_SCREENSHOT", tmp_path / "query-page.png"))
            page.screenshot(path=os.fspath(screenshot), full_page=True)
        finally:
            context.close()


def test_query_page_runs_sparql_and_canned_queries(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page.page
    bundle = httpx.get(live_server + "/static/vendor/yasgui.min.js", timeout=10.0)
    assert bundle.status_code == 200, (
        "the YASGUI bundle is not served from /static/vendor/: `make setup` installs it "
        "(npm ci from package-lock.json, then copied from node_modules)"
    )

    page.goto(live_server + "/")
    expect(page.locator('header a[href="/docs"]')).to_be_visible()
    expect(page.locator('header a[href="/sparql"]')).to_be_visible()

    # The editor is there, on our own endpoint, with the prefixes and the default query.
    expect(page.locator("#yasgui .yasqe .CodeMirror")).to_be_visible()
    expect(page.locator("#editor-missing")).to_be_hidden()
    endpoint = page.evaluate("() => window.newsgraphYasgui.getTab().getEndpoint()")
    assert endpoint == live_server + "/sparql"
    query = page.evaluate("() => window.newsgraphYasgui.getTab().getYasqe().getValue()")
    assert "PREFIX ng: <https://w3id.org/newsgraph/ontology#>" in query
    assert "PREFIX wdt: <http://www.wikidata.org/prop/direct/>" in query
    assert "ng:Statement" in query

    # What the endpoint itself answers to that query: the table must show the same rows.
    answer = httpx.post(
        live_server + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30.0,
    )
    assert answer.status_code == 200, answer.text
    bindings = answer.json()["results"]["bindings"]
    assert bindings, "the ingested store has no statement with a named speaker"
    speakers = {row["speakerName"]["value"] for row in bindings}

    # Run it from the keyboard, as the page tells people to.
    page.locator("#yasgui .yasqe .CodeMirror textarea").focus()
    page.keyboard.press("Control+Enter")
    table_rows = page.locator("#yasgui .yasr .yasr_results table tbody tr")
    expect(table_rows.first).to_be_visible()
    expect(table_rows).to_have_count(len(bindings))
    table_text = page.locator("#yasgui .yasr .yasr_results table").inner_text()
    assert all(speaker in table_text for speaker in speakers), (speakers, table_text[:2000])

    # A canned query from the list, run from its form.
    listed = httpx.get(live_server + "/api/queries", timeout=10.0).json()
    names = [item["name"] for item in listed]
    expect(page.locator("details.canned")).to_have_count(len(listed))
    name = "statements"  # no required parameter, and every ingested article has statements
    assert name in names, names
    expected = httpx.get(
        f"{live_server}/api/queries/{name}", params={"format": "rows"}, timeout=30.0
    ).json()
    assert expected, f"canned query {name!r} has no rows over the ingested store"

    canned = page.locator(f'details.canned[data-name="{name}"]')
    canned.locator("summary").click()
    for field in canned.locator("input").all():
        input_id = field.get_attribute("id")
        expect(canned.locator(f'label[for="{input_id}"]')).to_have_count(1)
    canned.locator("button.run").click()
    canned_rows = canned.locator("table.rows tbody tr")
    expect(canned_rows.first).to_be_visible()
    expect(canned_rows).to_have_count(len(expected))

    csv_href = canned.locator("a.csv").get_attribute("href")
    assert csv_href is not None and "format=csv" in csv_href
    csv = page.request.get(live_server + csv_href)
    assert csv.ok, csv.status
    assert csv.text().strip(), "the CSV link answered nothing"

    assert not browser_page.errors, f"JavaScript errors on the page: {browser_page.errors}"
    assert not browser_page.outside, (
        f"the page tried to reach beyond its own server: {browser_page.outside}"
    )
