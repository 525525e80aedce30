"""Figure 4: ingest streams. Peak memory for 2,000 articles against 200, each a fresh process.

Two workers, so that the 2,000 take under two minutes. The figure is the peak of the summed
resident memory of every process of the run (sampled every 20 ms); the peak of the largest
single process (getrusage) is reported beside it.
"""

from __future__ import annotations

from pathlib import Path

import measure
from test_ingest_speed import ingest

from newsgraph.settings import Settings

SMALL, LARGE = 200, 2000
WORKERS = 2
MAX_GROWTH = 1.2


def test_ingest_memory_stays_flat_from_200_to_2000_articles(
    tmp_path: Path, corpora, record
) -> None:
    settings = Settings()
    env = measure.clean_env()
    runs = {}
    for count in (SMALL, LARGE):
        measure.wait_for_quiet()
        command = ingest(corpora(count), tmp_path / f"store-{count}", WORKERS, settings)
        runs[count] = measure.run(command, env)
        assert runs[count].stdout.startswith(f"{count} articles,"), runs[count].stdout
    small, large = runs[SMALL], runs[LARGE]
    growth = large.peak_rss / small.peak_rss
    record(
        "ingest_memory",
        4,
        f"ingest peak memory, {LARGE} articles over {SMALL}",
        growth,
        "x",
        f"<= {MAX_GROWTH:.1f}x",
        growth <= MAX_GROWTH,
        f"{large.peak_rss / 2**20:.0f} MB vs {small.peak_rss / 2**20:.0f} MB, all processes "
        f"({WORKERS} workers); largest process {large.max_rss / 2**20:.0f} MB vs "
        f"{small.max_rss / 2**20:.0f} MB",
        small=small.as_json(),
        large=large.as_json(),
        largest_process_growth=round(large.max_rss / small.max_rss, 3),
    )
    assert growth <= MAX_GROWTH
    assert large.max_rss / small.max_rss <= MAX_GROWTH
