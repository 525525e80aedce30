"""`newsgraph link --gold`: link precision and recall on the actors extracted and stored, so an
actor the extraction missed or mislabelled counts against recall."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from fixtures import ROOT

from newsgraph.cli import main
from newsgraph.evaluation import links
from newsgraph.store import StoreFolder

GOLD = ROOT / "tests" / "gold"


def test_link_gold_scores_the_stored_actors_of_the_gold_articles(
    ingested_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(ingested_store, store)
    result = CliRunner().invoke(
        main, ["link", "--store", str(store), "--gold", str(GOLD)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "on the extracted actors of 2 gold articles" in result.output
    scores = links.evaluate(StoreFolder(store).reader(), GOLD)
    assert scores.articles == 2 and scores.gold_with_qid >= 15
    assert scores.precision >= 0.9 and scores.recall >= 0.8, (scores.wrong, scores.missed)


def test_a_gold_actor_the_extraction_did_not_store_counts_against_recall(
    ingested_store: Path, tmp_path: Path
) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    record = json.loads((GOLD / "000_ee27ff7c3978a191.json").read_text(encoding="utf-8"))
    record["actors"].append(
        {"name": "Angela Merkel", "type": "Person", "wikidata": "Q567", "aliases": []}
    )
    (gold / "000_ee27ff7c3978a191.json").write_text(json.dumps(record), encoding="utf-8")
    store = tmp_path / "store"
    shutil.copytree(ingested_store, store)
    CliRunner().invoke(main, ["link", "--store", str(store)], catch_exceptions=False)
    scores = links.evaluate(StoreFolder(store).reader(), gold)
    assert {"article": "000_ee27ff7c3978a191.json", "name": "Angela Merkel", "gold": "Q567"} in (
        scores.missed
    )
    assert scores.recalled < scores.gold_with_qid
