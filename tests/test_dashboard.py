"""The dashboard at /dashboard in headless Chromium, over a real server and a real store.

The store holds the sample articles, published the day after the Biden-Xi call, and an article
about another call, so that the timeline has days. Every panel must show what its endpoint
answers, a filter must change the panels, and the page must reach nothing but its own server.
`NEWSGRAPH_DASHBOARD_SCREENSHOT=docs/dashboard.png` keeps the screenshot somewhere of your choice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fixtures import SAMPLE_DATA
from test_browser import CHROMIUM_ARGS, SERVE, TIMEOUT_MS, free_port
from test_stories import OTHER_PUBLISHED, SAMPLE_PUBLISHED, STORIES_INPUTS, ingest

from newsgraph.settings import Settings

pytestmark = pytest.mark.browser

PANELS = ("timeline", "actors", "speakers", "network", "sources", "stories")
ENDPOINTS = {
    "timeline": "story_timeline",
    "actors": "dashboard_actors",
    "speakers": "dashboard_speakers",
    "network": "dashboard_network",
    "sources": "dashboard_sources",
    "stories": "stories",
}


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[str]:
    from test_browser import chromium_path

    if chromium_path() is None:
        pytest.skip("no Chromium: install Debian's package (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("dashboard") / "store"
    ingest(folder, [str(SAMPLE_DATA)], SAMPLE_PUBLISHED, settings)
    ingest(folder, [str(STORIES_INPUTS)], OTHER_PUBLISHED, settings)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = folder.parent / "server.log"
    with open(log_path, "w+b") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, os.fspath(folder), str(port)], stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(base + "/health", timeout=2.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail("the server did not start:\n" + log.read().decode()[-3000:])
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


def rows(base: str, name: str, **params: str) -> list[dict[str, str]]:
    response = httpx.get(f"{base}/api/queries/{name}", params={"format": "json", **params})
    response.raise_for_status()
    return [
        {key: term["value"] for key, term in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


def test_dashboard_draws_every_panel_from_its_endpoint_and_filters_change_them(
    dashboard_server: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import expect
    from test_browser import chromium_path

    base = dashboard_server
    vendor = httpx.get(base + "/static/vendor/echarts.min.js", timeout=10.0)
    assert vendor.status_code == 200, "ECharts is not served: `make setup` copies it"
    outside: list[str] = []
    problems: list[str] = []

    def only_local(route) -> None:  # noqa: ANN001
        if route.request.url.startswith((base + "/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            os.fspath(tmp_path / "profile"),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", only_local)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda message: problems.append(message.text) if message.type == "error" else None,
            )
            page.goto(base + "/dashboard")
            expect(page.locator("body[data-generation='1']")).to_have_count(1)
            page.wait_for_function("() => window.newsgraphDashboard.ready.then(() => true)")

            # Every panel drew the rows its endpoint answers, and links to that call.
            for panel in PANELS:
                section = page.locator(f"[data-panel='{panel}']")
                expect(section).to_have_attribute("data-state", "ready")
                expected = rows(base, ENDPOINTS[panel])
                assert expected, f"{ENDPOINTS[panel]} has no rows over the sample store"
                expect(section).to_have_attribute("data-rows", str(len(expected)))
                href = section.locator("a.endpoint").get_attribute("href") or ""
                assert href.startswith(f"/api/queries/{ENDPOINTS[panel]}?format=json"), href
                if panel != "stories":
                    expect(section.locator(".chart canvas").first).to_be_visible()
            drawn = page.evaluate(
                "() => window.newsgraphDashboard.charts.sources.getOption().series[0].data.length"
            )
            assert drawn == len(rows(base, "dashboard_sources"))
            timeline = page.evaluate(
                "() => window.newsgraphDashboard.charts.timeline.getOption().xAxis[0].data"
            )
            assert "2022-03-18" in timeline and "2022-05-10" in timeline

            # A source filter: the panels show that source's articles only.
            sources = rows(base, "dashboard_sources")
            chosen = next(row["origin"] for row in sources if "000_" in row["origin"])
            page.select_option("#filter-source", chosen)
            page.click("#filters button[type='submit']")
            expect(page.locator("body[data-generation='2']")).to_have_count(1)
            expect(page.locator("[data-panel='sources']")).to_have_attribute("data-rows", "1")
            filtered = rows(base, "dashboard_actors", source=chosen)
            expect(page.locator("[data-panel='actors']")).to_have_attribute(
                "data-rows", str(len(filtered))
            )
            assert len(filtered) < len(rows(base, "dashboard_actors"))
            href = page.locator("[data-panel='actors'] a.endpoint").get_attribute("href") or ""
            assert "source=" in href

            # A date range leaves the other call out of the timeline.
            page.fill("#filter-since", "2022-03-01")
            page.fill("#filter-until", "2022-03-31")
            page.select_option("#filter-source", "")
            page.click("#filters button[type='submit']")
            expect(page.locator("body[data-generation='3']")).to_have_count(1)
            timeline = page.evaluate(
                "() => window.newsgraphDashboard.charts.timeline.getOption().xAxis[0].data"
            )
            assert timeline == ["2022-03-18"]

            # Clicking an actor's bar opens its profile.
            point = page.evaluate(
                """() => {
                  const chart = window.newsgraphDashboard.charts.actors;
                  const option = chart.getOption();
                  const names = option.yAxis[0].data;
                  const name = names[names.length - 1];
                  const value = option.series[0].data[names.length - 1].value;
                  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, name]);
                  const box = chart.getDom().getBoundingClientRect();
                  return {x: box.left + x, y: box.top + y, name};
                }"""
            )
            page.mouse.click(point["x"], point["y"])
            profile = page.locator("#profile")
            expect(profile).to_be_visible()
            expect(profile.locator(".name")).to_have_text(point["name"])
            expect(profile.locator(".facts dd").first).to_be_visible()
            expect(profile.locator(".stories tbody tr").first).to_be_visible()
            second = page.locator("#profile-second option").nth(2).get_attribute("value") or ""
            page.select_option("#profile-second", second)
            expect(profile.locator(".between tbody tr").first).to_be_visible()

            # The search box asks /api/search.
            page.fill("#search-q", "sanctions")
            page.click("#search button[type='submit']")
            expect(page.locator("#search-results ol.hits li").first).to_be_visible()
            expect(page.locator("#search-results mark").first).to_have_text("sanctions")

            screenshot = Path(
                os.environ.get("NEWSGRAPH_DASHBOARD_SCREENSHOT", tmp_path / "dashboard.png")
            )
            page.fill("#filter-since", "")
            page.fill("#filter-until", "")
            page.click("#filters button[type='submit']")
            expect(page.locator("body[data-generation='4']")).to_have_count(1)
            page.evaluate("() => document.getElementById('profile').hidden = true")
            page.screenshot(path=os.fspath(screenshot), full_page=True)
            assert screenshot.stat().st_size > 10_000
        finally:
            context.close()
    assert not problems, f"errors on the page: {problems}"
    assert not outside, f"the page tried to reach beyond its own server: {outside}"
