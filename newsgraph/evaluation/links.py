"""Link precision and recall as a user gets them: on the actors the system extracted and stored.

`newsgraph link --gold DIR` reports these. Each gold file names its article; the stored article
whose source has that file name is found, and each actor stored for it is matched to the gold
actor whose name or one of whose aliases is the stored actor's name (case and spacing aside).

- precision: links on matched actors that name the gold QID, over links on matched actors
  (a link on an actor the gold does not list cannot be judged: it is counted apart);
- recall: gold actors with a QID whose extracted actor carries that QID, over all gold actors
  with a QID, so an actor the extraction missed or split counts against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from newsgraph import queries

WIKIDATA = "http://www.wikidata.org/entity/"


@dataclass
class LinkScores:
    links_judged: int = 0
    correct: int = 0
    gold_with_qid: int = 0
    recalled: int = 0
    links_unjudged: int = 0  # links on extracted actors the gold does not list
    articles: int = 0
    wrong: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.links_judged if self.links_judged else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold_with_qid if self.gold_with_qid else 1.0

    def line(self) -> str:
        return (
            f"link precision {self.precision:.2f}, recall {self.recall:.2f} on the extracted "
            f"actors of {self.articles} gold articles ({self.correct} right of "
            f"{self.links_judged} links on actors the gold lists, {self.links_unjudged} more on "
            f"actors it does not; {self.recalled} of {self.gold_with_qid} gold actors with a "
            "Wikidata entity linked to it)"
        )


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split())


def _qid(iri: str | None) -> str | None:
    return iri.removeprefix(WIKIDATA) if iri else None


def evaluate(store: Store, gold_dir: Path) -> LinkScores:
    """Scores of the links stored in `store` against the gold files in `gold_dir`."""
    scores = LinkScores()
    rows = _rows(store, "articles")
    by_file = {Path(row["source"]).name: row["article"] for row in rows if "source" in row}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = by_file.get(Path(gold.get("article", path.stem + ".txt")).name)
        if article is None:
            continue  # this gold article is not in the store
        scores.articles += 1
        names: dict[str, dict[str, Any]] = {}
        for actor in gold["actors"]:
            for name in (actor["name"], *actor.get("aliases", ())):
                names.setdefault(_key(name), actor)
        linked_to: dict[int, set[str]] = {}  # id(gold actor) -> QIDs its extracted actors carry
        for row in _rows(store, "actors", article=article):
            qid = _qid(row.get("wikidata"))
            match = names.get(_key(row["name"]))
            if match is None:
                scores.links_unjudged += qid is not None
                continue
            if qid is None:
                continue
            linked_to.setdefault(id(match), set()).add(qid)
            scores.links_judged += 1
            if qid == match.get("wikidata"):
                scores.correct += 1
            else:
                scores.wrong.append(
                    {
                        "article": path.name,
                        "name": row["name"],
                        "linked": qid,
                        "gold": match.get("wikidata"),
                    }
                )
        for actor in gold["actors"]:
            if actor.get("wikidata"):
                scores.gold_with_qid += 1
                if actor["wikidata"] in linked_to.get(id(actor), set()):
                    scores.recalled += 1
                else:
                    scores.missed.append(
                        {"article": path.name, "name": actor["name"], "gold": actor["wikidata"]}
                    )
    return scores


def _rows(store: Store, name: str, **values: str) -> list[dict[str, str]]:
    solutions = queries.run(store, queries.get(name), values)
    names = [variable.value for variable in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]
