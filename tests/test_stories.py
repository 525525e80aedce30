"""Stories: article events grouped into real-world events, on a real store with the real model."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from fixtures import SAMPLE_DATA
from pyoxigraph import NamedNode, Store

from newsgraph import queries, stories
from newsgraph.ingest import articles, pipeline
from newsgraph.ontology import CAMEO, Minter
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

STORIES_INPUTS = Path(__file__).resolve().parent / "inputs" / "stories"
# The sample articles report the Biden-Xi video call of Friday 18 March 2022.
SAMPLE_PUBLISHED = dt.date(2022, 3, 19)
# A call between two other leaders, on another day.
OTHER_PUBLISHED = dt.date(2022, 5, 11)


def ingest(folder: Path, paths: list[str], published: dt.date, settings: Settings) -> None:
    settings = settings.replace(store=str(folder))
    with StoreFolder(folder).writer() as writer:
        summary = pipeline.ingest_articles(
            articles.read(paths, settings.max_bytes, published), writer, settings
        )
    assert not summary.skipped


def rows(store: Store, name: str, **values: str) -> list[dict[str, str]]:
    solutions = queries.run(store, queries.get(name), values)
    names = [variable.value for variable in solutions.variables]
    return [
        {n: row[n].value for n in names if row[n] is not None}  # type: ignore[union-attr]
        for row in solutions
    ]


def stories_graph(store: Store, settings: Settings) -> set[str]:
    graph = Minter(settings.base).stories_graph()
    return {str(quad) for quad in store.quads_for_pattern(None, None, None, graph)}


def calls(store: Store) -> list[dict[str, str]]:
    return [
        row
        for row in rows(store, "stories")
        if row["kind"] == "Communication" and "call" in row["label"]
    ]


@pytest.fixture(scope="module")
def story_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """The sample articles, published the day after the call, and the other leaders' call."""
    folder = tmp_path_factory.mktemp("stories") / "store"
    ingest(folder, [str(SAMPLE_DATA)], SAMPLE_PUBLISHED, settings)
    ingest(folder, [str(STORIES_INPUTS)], OTHER_PUBLISHED, settings)
    return folder


def test_both_sample_articles_report_one_video_call_story_and_the_other_call_stays_apart(
    story_store: Path,
) -> None:
    store = StoreFolder(story_store).reader()
    found = calls(store)
    assert len(found) == 2, found
    biden_xi = next(row for row in found if "Joe Biden" in row["participants"])
    assert biden_xi["date"] == "2022-03-18"
    assert biden_xi["articles"] == biden_xi["sources"] == "2"
    assert set(biden_xi["participants"].split(" | ")) >= {"Joe Biden", "Xi Jinping"}
    reports = rows(store, "story_reports", story=biden_xi["story"])
    assert len({row["article"] for row in reports}) == 2
    assert "video call" in {row["label"] for row in reports}
    other = next(row for row in found if row is not biden_xi)
    assert set(other["participants"].split(" | ")) == {"Emmanuel Macron", "Olaf Scholz"}
    assert other["sources"] == "1" and other["date"] == "2022-05-10"


def test_every_reported_event_is_in_exactly_one_story(story_store: Path) -> None:
    store = StoreFolder(story_store).reader()
    reported = [
        row["event"].value  # type: ignore[union-attr]
        for row in store.query(
            "SELECT ?story ?event WHERE { ?story <https://w3id.org/newsgraph/ontology#report> "
            "?event }",
            use_default_graph_as_union=True,
        )
    ]
    events = store.query(
        "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?event WHERE "
        "{ ?event a ng:Event ; ng:factuality ?f FILTER (?f != ng:Negated) }",
        use_default_graph_as_union=True,
    )
    assert sorted(reported) == sorted(row["event"].value for row in events)  # type: ignore[union-attr]


def test_stories_live_in_their_own_graph_not_in_an_article_graph(
    story_store: Path, settings: Settings
) -> None:
    store = StoreFolder(story_store).reader()
    graphs = {
        row["g"].value  # type: ignore[union-attr]
        for row in store.query(
            "SELECT DISTINCT ?g WHERE "
            "{ GRAPH ?g { ?s a <https://w3id.org/newsgraph/ontology#Story> } }"
        )
    }
    assert graphs == {Minter(settings.base).stories_graph().value}


def test_reingesting_an_article_rewrites_no_story_and_deleting_one_updates_its_stories(
    story_store: Path, tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "store"
    shutil.copytree(story_store, folder)
    before = stories_graph(StoreFolder(folder).reader(), settings)
    ingest(folder, [str(SAMPLE_DATA / "000_ee27ff7c3978a191.txt")], SAMPLE_PUBLISHED, settings)
    store = StoreFolder(folder).reader()
    assert stories_graph(store, settings) == before
    with StoreFolder(folder).writer() as writer:
        change = stories.refresh(stories.LocalGraphs(writer.store))
    # The stories the writers kept up article by article are those computed from scratch.
    assert change.added == change.removed == 0

    biden_xi = next(row for row in calls(store) if "Joe Biden" in row["participants"])
    other = next(row for row in calls(store) if "Olaf Scholz" in row["participants"])
    reports = rows(store, "story_reports", story=biden_xi["story"])
    kept, gone = sorted({row["article"] for row in reports})
    with StoreFolder(folder).writer() as writer:
        writer.update(f"DROP GRAPH {NamedNode(gone)}")
    store = StoreFolder(folder).reader()
    after = {row["story"]: row for row in rows(store, "stories")}
    left = rows(store, "story_reports", story=biden_xi["story"])
    assert {row["article"] for row in left} == {kept}
    assert after[biden_xi["story"]]["sources"] == "1"
    assert after[other["story"]] == other
    assert not [q for q in stories_graph(store, settings) if gone in q]


@pytest.mark.parametrize("narrow_above", [stories.NARROW_ABOVE, 0])
def test_articles_ingested_one_by_one_make_the_stories_they_make_together(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, narrow_above: int
) -> None:
    """The second writer finds the story the first one made, by participant or by date."""
    monkeypatch.setattr(stories, "NARROW_ABOVE", narrow_above)
    folder = tmp_path / "store"
    for path in sorted(SAMPLE_DATA.glob("*.txt")):
        ingest(folder, [str(path)], SAMPLE_PUBLISHED, settings)
    store = StoreFolder(folder).reader()
    (biden_xi,) = [row for row in calls(store) if "Joe Biden" in row["participants"]]
    assert biden_xi["sources"] == "2" and biden_xi["date"] == "2022-03-18"
    with StoreFolder(folder).writer() as writer:
        change = stories.refresh(stories.LocalGraphs(writer.store))
    assert change.added == change.removed == 0


def report(
    event: str,
    actors: set[str],
    date: str | None = None,
    published: str | None = None,
    kind: str = CAMEO + "04",
) -> stories.Report:
    return stories.Report(
        f"https://x.example/article/{event}/event/1-2",
        f"https://x.example/article/{event}",
        event,
        kind,
        date,
        published,
        actors,
    )


def grouped(*found: stories.Report) -> list[list[str]]:
    return [
        [r.label for r in members]
        for members in stories.group(sorted(found, key=lambda r: r.event))
    ]


def test_dates_a_day_apart_chain_into_one_story_two_days_apart_do_not() -> None:
    assert grouped(
        report("a", {"x"}, "2022-03-18"),
        report("b", {"x"}, "2022-03-19"),
        report("c", {"x"}, "2022-03-20"),
        report("d", {"x"}, "2022-03-22"),
    ) == [["a", "b", "c"], ["d"]]


def test_another_kind_or_no_common_participant_is_another_story() -> None:
    assert grouped(
        report("a", {"x", "y"}, "2022-03-18"),
        report("b", {"z"}, "2022-03-18"),
        report("c", {"y"}, "2022-03-18", kind=CAMEO + "19"),
    ) == [["a"], ["b"], ["c"]]


def test_undated_events_join_when_their_articles_are_published_within_two_days() -> None:
    assert grouped(
        report("a", {"x"}, published="2022-03-18"),
        report("b", {"x"}, published="2022-03-20"),
        report("c", {"x"}, published="2022-03-25"),
        report("d", {"x"}, "2022-03-24"),
    ) == [["a", "b"], ["c", "d"]]


def test_event_kind_wins_over_the_cameo_root_when_present() -> None:
    rows_ = [
        {"event": "e1", "article": "a", "cameo": CAMEO + "041", "kind": None},
        {
            "event": "e2",
            "article": "a",
            "cameo": CAMEO + "042",
            "kind": "https://w3id.org/newsgraph/kind/visit",
        },
    ]
    assert [r.kind for r in stories.reports(rows_)] == [
        CAMEO + "04",
        "https://w3id.org/newsgraph/kind/visit",
    ]
