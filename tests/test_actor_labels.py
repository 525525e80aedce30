"""One label per actor across articles: two articles that spell one person differently leave
one rdfs:label in the union graph, chosen the same way whatever the order of ingest, and the
canned queries return one row per statement and per actor."""

from __future__ import annotations

import json
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from newsgraph import queries
from newsgraph.ingest import articles, pipeline
from newsgraph.ontology import PREFIXES
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

# Written for these tests: one councillor, spelled right in two articles and with a stray
# capital in a third.
PLAIN = (
    "Council cuts fares\n\n"
    "The mayor, Helen Markham, said on Monday that the council would cut bus fares.\n"
)
PLAIN_AGAIN = (
    "Fares vote\n\nThe mayor, Helen Markham, said on Friday that the vote on bus fares was won.\n"
)
TYPO = (
    "Council raises fares\n\n"
    "The mayor, HElen Markham, said on Tuesday that the council would raise bus fares.\n"
)
TYPO_FIXED = TYPO.replace("HElen", "Helen")


def write(folder: Path, name: str, text: str) -> str:
    """An article file with a URL, so that writing it again under its name replaces it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    record = {"url": f"https://news.example/{name}", "text": text}
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def ingest(store: Path, paths: list[str], settings: Settings) -> None:
    settings = settings.replace(store=str(store))
    with StoreFolder(store).writer() as writer:
        pipeline.ingest_articles(articles.read(paths, settings.max_bytes), writer, settings)


def select(store: Path, sparql: str) -> list[dict[str, str]]:
    reader: Store = StoreFolder(store).reader()
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    solutions = reader.query(prefixes + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def canned(store: Path, name: str) -> list[dict[str, str]]:
    solutions = queries.run(StoreFolder(store).reader(), queries.get(name), {})
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def markham_labels(store: Path) -> tuple[list[str], list[str]]:
    rows = select(
        store,
        "SELECT ?label ?alt WHERE { ?actor a ng:Person ; rdfs:label ?label . "
        'FILTER (CONTAINS(LCASE(?label), "markham")) OPTIONAL { ?actor skos:altLabel ?alt } }',
    )
    return sorted({r["label"] for r in rows}), sorted({r["alt"] for r in rows if "alt" in r})


def test_two_spellings_of_one_actor_leave_one_label_and_one_row_per_statement(
    tmp_path: Path, settings: Settings
) -> None:
    inputs = tmp_path / "in"
    paths = [write(inputs, "plain", PLAIN), write(inputs, "typo", TYPO)]
    ingest(tmp_path / "store", paths, settings)
    labels, alternatives = markham_labels(tmp_path / "store")
    # A tie (one article each) goes to the spelling with fewer capitals.
    assert labels == ["Helen Markham"]
    assert "HElen Markham" in alternatives
    statements = canned(tmp_path / "store", "statements")
    assert len(statements) == 2, statements
    assert len({row["statement"] for row in statements}) == 2
    assert {row["speakerName"] for row in statements} == {"Helen Markham"}
    for name in ("top_actors", "top_speakers"):
        rows = canned(tmp_path / "store", name)
        keys = [row.get("actor", row.get("speaker")) for row in rows]
        assert len(keys) == len(set(keys)), (name, rows)


def test_the_label_does_not_depend_on_the_order_of_ingest(
    tmp_path: Path, settings: Settings
) -> None:
    inputs = tmp_path / "in"
    plain, typo = write(inputs, "plain", PLAIN), write(inputs, "typo", TYPO)
    ingest(tmp_path / "typo-first", [typo], settings)
    ingest(tmp_path / "typo-first", [plain], settings)
    ingest(tmp_path / "plain-first", [plain, typo], settings)
    assert markham_labels(tmp_path / "typo-first")[0] == ["Helen Markham"]
    assert markham_labels(tmp_path / "plain-first")[0] == ["Helen Markham"]


def test_the_spelling_most_articles_use_wins(tmp_path: Path, settings: Settings) -> None:
    inputs = tmp_path / "in"
    paths = [
        write(inputs, "typo", TYPO),
        write(inputs, "typo-again", TYPO.replace("Tuesday", "Thursday")),
        write(inputs, "plain", PLAIN),
    ]
    ingest(tmp_path / "store", paths, settings)
    assert markham_labels(tmp_path / "store")[0] == ["HElen Markham"]


def test_a_replaced_article_takes_its_old_spelling_with_it(
    tmp_path: Path, settings: Settings
) -> None:
    inputs = tmp_path / "in"
    store = tmp_path / "store"
    typo = write(inputs, "typo", TYPO)
    typo_again = write(inputs, "typo-again", TYPO.replace("Tuesday", "Thursday"))
    ingest(store, [typo, typo_again, write(inputs, "plain", PLAIN)], settings)
    assert markham_labels(store)[0] == ["HElen Markham"]
    # Both typo articles corrected, re-ingested under the same names: they are replaced.
    write(inputs, "typo", TYPO_FIXED)
    write(inputs, "typo-again", PLAIN_AGAIN)
    ingest(store, [typo, typo_again], settings)
    assert markham_labels(store)[0] == ["Helen Markham"]


def test_a_place_two_articles_label_differently_leaves_one_row_per_event() -> None:
    # Hand-built: two articles whose events happen at one place IRI, each labelling it its way.
    place = "<https://newsgraph.example/id/place/downing-street>"
    graphs = []
    for key, label in (("a", "Downing Street"), ("b", "Downing street")):
        article = f"<https://newsgraph.example/id/article/{key}>"
        event = f"<https://newsgraph.example/id/article/{key}/event/0-3>"
        mention = f"<https://newsgraph.example/id/article/{key}#char=0,3>"
        graphs.append(
            f'{article} {{ {event} a ng:Event ; rdfs:label "met" ; '
            f"ng:cameo <https://w3id.org/newsgraph/cameo/040> ; ng:factuality ng:Asserted ; "
            f"sem:hasPlace {place} ; gaf:denotedBy {mention} . {mention} nif:beginIndex 0 . "
            f'{place} a ng:Place ; rdfs:label "{label}" . }}'
        )
    prefixes = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
    store = Store()
    store.load((prefixes + "\n".join(graphs)).encode("utf-8"), format=RdfFormat.TRIG)
    solutions = queries.run(store, queries.get("events"), {})
    rows = [(row["article"].value, row["place"].value) for row in solutions]
    assert sorted(rows) == [
        ("https://newsgraph.example/id/article/a", "Downing Street"),
        ("https://newsgraph.example/id/article/b", "Downing street"),
    ]
