"""`--cluster local --workers 2`: a Dask cluster gives the very graph one process gives (an
article over spaCy's max_length included), names a bad input and stores the rest, parses in a
single-threaded process beside each worker, and finishes the run when a worker or its parser
process is lost."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures import SAMPLE_DATA, ingest_into
from pyoxigraph import RdfFormat
from test_isolation import long_article

from newsgraph.ingest import articles
from newsgraph.ingest.serialized import SerializedGraph
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[cluster]'")


def nquads(folder: Path) -> list[bytes]:
    """The store's N-Quads export, line by line in a fixed order."""
    out = io.BytesIO()
    StoreFolder(folder).reader().dump(out, RdfFormat.N_QUADS)
    return sorted(out.getvalue().splitlines())


def test_cluster_ingest_exports_the_same_nquads_as_a_plain_ingest(
    tmp_path: Path, settings: Settings
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for article in sorted(SAMPLE_DATA.glob("*.txt")):
        shutil.copy(article, inputs / article.name)
        text = article.read_text(encoding="utf-8") + "\nA line of its own for this copy.\n"
        (inputs / f"copy_{article.name}").write_text(text, encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    # Over spaCy's max_length: parsed in pieces on a cluster worker as in a local one.
    sample = (SAMPLE_DATA / "000_ee27ff7c3978a191.txt").read_text(encoding="utf-8")
    (inputs / "long.txt").write_text(long_article(sample), encoding="utf-8")

    plain = ingest_into(tmp_path / "plain", [str(inputs)], settings)
    # Batches of one article, so that both workers get some.
    clustered = ingest_into(
        tmp_path / "cluster", [str(inputs)], settings, cluster="local", workers=2, batch_size=1
    )
    for summary in (plain, clustered):
        assert summary.articles == 5, summary
        assert [error.source for error in summary.skipped] == [str(inputs / "empty.txt")]
    exported = nquads(tmp_path / "plain")
    assert len(exported) > 3000
    assert nquads(tmp_path / "cluster") == exported


def the_worker(pid: int) -> list:
    import psutil  # Dask's own dependency

    return [psutil.Process(pid)]  # its nanny starts another


def its_parser_processes(pid: int) -> list:
    import psutil

    return psutil.Process(pid).children()  # the worker stops at its next batch


@pytest.mark.parametrize("victims", [the_worker, its_parser_processes])
def test_a_lost_cluster_worker_or_parser_process_costs_no_article(
    settings: Settings, victims: Callable[[int], list]
) -> None:
    from newsgraph.ingest.cluster import ClusterPool

    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    inputs = [
        articles.from_text(f"{text}\nCopy {number}.\n", f"copy-{number}") for number in range(8)
    ]
    pool = ClusterPool(settings.replace(cluster="local", workers=2, batch_size=1))
    try:
        results = pool.map(iter(inputs))
        first = next(results)
        assert isinstance(first, SerializedGraph)
        worker = max(pool.client.run(os.getpid).values())
        killed = victims(worker)
        for process in killed:
            process.kill()
        rest = list(results)
        replaced = worker not in pool.client.run(os.getpid).values()
    finally:
        pool.close()
    assert killed and replaced
    assert all(isinstance(result, SerializedGraph) for result in rest), rest
    assert len({result.article for result in [first, *rest]}) == len(inputs)


def test_a_cluster_worker_parses_in_a_child_process_of_one_thread(settings: Settings) -> None:
    import psutil  # Dask's own dependency

    from newsgraph.ingest.cluster import ClusterPool

    text = next(SAMPLE_DATA.glob("*.txt")).read_text(encoding="utf-8")
    pool = ClusterPool(settings.replace(cluster="local", workers=2, batch_size=1))
    try:
        results = list(pool.map(iter([articles.from_text(text, "one")])))
        workers = [psutil.Process(pid) for pid in pool.client.run(os.getpid).values()]
        parsers = {worker.pid: worker.children() for worker in workers}
        threads = {worker.pid: worker.num_threads() for worker in workers}
    finally:
        pool.close()
    assert isinstance(results[0], SerializedGraph), results
    for worker, children in parsers.items():
        assert threads[worker] > 1  # the event loop beside the task thread
        assert len(children) == 1, children  # one parser per task thread
        assert "newsgraph.ingest.encoding_process" in children[0].cmdline()
        assert children[0].num_threads() == 1


def test_the_readme_gives_the_quiet_worker_settings_the_local_cluster_uses() -> None:
    import yaml

    from newsgraph.ingest.cluster import QUIET_WORKERS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running on a cluster", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]

    def flat(tree: dict, prefix: str = "") -> dict:
        found = {}
        for key, value in tree.items():
            if isinstance(value, dict):
                found.update(flat(value, f"{prefix}{key}."))
            else:
                found[prefix + key] = value
        return found

    assert flat(yaml.safe_load(block)) == QUIET_WORKERS
