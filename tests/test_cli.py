"""The `newsgraph` command line, run for real: the installed entry point and click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fixtures import SAMPLE_DATA
from pyoxigraph import Dataset, RdfFormat, Store, parse

from newsgraph import queries
from newsgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
INPUTS = Path(__file__).resolve().parent / "inputs"
NEWSGRAPH = Path(sys.executable).parent / "newsgraph"
COMMANDS = sorted(main.commands)


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def stats(store: Path) -> dict[str, int]:
    result = cli("stats", "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample articles ingested once through `newsgraph ingest`."""
    folder = tmp_path_factory.mktemp("cli") / "store"
    result = cli("ingest", str(SAMPLE_DATA), "--store", str(folder))
    assert result.exit_code == 0, result.output
    return folder


# ---------------------------------------------------------------- the installed command


def test_installed_command_ingests_then_prints_statements_as_csv(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    ingest = subprocess.run(
        [str(NEWSGRAPH), "ingest", str(SAMPLE_DATA), "--store", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stdout.startswith("2 articles, ")
    query = subprocess.run(
        [
            str(NEWSGRAPH),
            "query",
            "--store",
            str(folder),
            "--canned",
            "statements",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert query.returncode == 0, query.stderr
    rows = list(csv.DictReader(io.StringIO(query.stdout)))
    assert list(rows[0]) == [
        "article",
        "statement",
        "speaker",
        "speakerName",
        "text",
        "cue",
        "direct",
    ]
    speakers = {row["speakerName"] for row in rows}
    assert {"White House", "Zhao Lijian", "Jen Psaki"} <= speakers
    white_house = [r for r in rows if r["text"].startswith("The president underlined his support")]
    assert [(r["speakerName"], r["direct"]) for r in white_house] == [("White House", "true")]


# ---------------------------------------------------------------- ingest


def test_ingest_summary_line_counts_what_was_stored(store: Path) -> None:
    counts = stats(store)
    assert counts["articles"] == 2
    assert counts["statements"] >= 10 and counts["events"] >= 10 and counts["actors"] >= 15
    assert counts["quads"] > 1000


def test_ingesting_twice_leaves_the_quad_count_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert cli("ingest", str(SAMPLE_DATA), "--store", str(folder)).exit_code == 0
    first = stats(folder)
    again = cli("ingest", str(SAMPLE_DATA), "--store", str(folder))
    assert again.exit_code == 0
    assert stats(folder) == first


def test_ingest_of_a_folder_with_one_bad_file_fails_naming_it_and_keeps_the_good_ones(
    tmp_path: Path,
) -> None:
    source = tmp_path / "inputs"
    source.mkdir()
    (source / "a.txt").write_text(
        "First\nRussia accused Ukraine of shelling civilian areas.\n", encoding="utf-8"
    )
    (source / "b.txt").write_bytes("Café à Genève".encode("latin-1"))
    (source / "c.json").write_text(
        json.dumps({"text": "Prime Minister Justin Trudeau said that Canada would send aid."}),
        encoding="utf-8",
    )
    folder = tmp_path / "store"
    result = cli("ingest", str(source), "--store", str(folder))
    assert result.exit_code != 0
    problems = [line for line in result.stderr.splitlines() if "b.txt" in line]
    assert len(problems) == 1 and "not UTF-8" in problems[0]
    assert result.stdout.startswith("2 articles, ")
    listed = cli("query", "--store", str(folder), "--canned", "articles", "--format", "csv")
    sources = sorted(Path(row["source"]).name for row in csv.DictReader(io.StringIO(listed.stdout)))
    assert sources == ["a.txt", "c.json"]


def test_ingest_of_a_missing_path_exits_non_zero_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = cli("ingest", str(missing), "--store", str(tmp_path / "store"))
    assert result.exit_code != 0
    assert str(missing) in result.stderr and "no such file" in result.stderr


def test_ingest_published_option_dates_the_articles_and_their_relative_dates(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    result = cli(
        "ingest",
        str(INPUTS / "mechanisms" / "factuality.txt"),
        "--store",
        str(folder),
        "--published",
        "2022-03-19",
    )
    assert result.exit_code == 0, result.output
    articles = json.loads(
        cli("query", "--store", str(folder), "--canned", "articles", "--format", "json").stdout
    )
    [row] = articles["results"]["bindings"]
    assert row["published"]["value"] == "2022-03-19"
    assert row["published"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    events = json.loads(
        cli("query", "--store", str(folder), "--canned", "events", "--format", "json").stdout
    )
    dates = {
        b["label"]["value"]: b.get("date", {}).get("value") for b in events["results"]["bindings"]
    }
    assert dates.get("met") == "2022-03-18"  # "On Friday", the day before publication


def test_ingest_rejects_a_malformed_published_date(tmp_path: Path) -> None:
    result = cli(
        "ingest", str(SAMPLE_DATA), "--store", str(tmp_path / "store"), "--published", "someday"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --published:")
    assert not (tmp_path / "store").exists()


def test_ingest_reads_json_lines_from_stdin(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    lines = "\n".join(
        json.dumps(record)
        for record in (
            {
                "text": "Russia accused Ukraine of shelling civilian areas near Donetsk.",
                "url": "https://x.example/1",
            },
            {
                "text": "Prime Minister Justin Trudeau said that Canada would send aid.",
                "url": "https://x.example/2",
            },
        )
    )
    result = cli("ingest", "-", "--store", str(folder), input=lines + "\n")
    assert result.exit_code == 0, result.output
    assert stats(folder)["articles"] == 2


# ---------------------------------------------------------------- query


def test_query_with_sparql_text_uses_the_prefixes_and_the_union_graph(store: Path) -> None:
    result = cli(
        "query",
        "--store",
        str(store),
        "--format",
        "csv",
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ng:Article }",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]


def test_query_from_a_file(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "people.rq"
    path.write_text(
        'SELECT ?name WHERE { ?p a ng:Person ; rdfs:label ?name FILTER (?name = "Xi Jinping") }',
        encoding="utf-8",
    )
    result = cli("query", "--store", str(store), "--file", str(path), "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["?name", '"Xi Jinping"']


def test_query_canned_with_a_param(store: Path) -> None:
    biden = cli(
        "query",
        "--store",
        str(store),
        "--format",
        "csv",
        'SELECT ?a WHERE { ?a a ng:Person ; rdfs:label "Joe Biden" }',
    ).stdout.splitlines()[1]
    result = cli(
        "query",
        "--store",
        str(store),
        "--canned",
        "statements_by_speaker",
        "--param",
        f"speaker={biden}",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert bindings and {b["speaker"]["value"] for b in bindings} == {biden}


@pytest.mark.parametrize("format_", ["table", "json", "csv", "tsv", "xml"])
def test_query_output_formats(store: Path, format_: str) -> None:
    result = cli("query", "--store", str(store), "--canned", "articles", "--format", format_)
    assert result.exit_code == 0, result.output
    out = result.stdout
    variables = ["article", "source", "title", "published"]
    if format_ == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == variables and len(data["results"]["bindings"]) == 2
    elif format_ == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == variables and len(rows) == 3
    elif format_ == "tsv":
        lines = out.splitlines()
        assert lines[0].split("\t") == [f"?{v}" for v in variables] and len(lines) == 3
    elif format_ == "xml":
        root = ET.fromstring(out)
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == variables
        assert len(root.findall("r:results/r:result", ns)) == 2
    else:
        lines = out.splitlines()
        assert lines[0].split() == variables and len(lines) == 3
        assert "US President Joe Biden is pressuring" in out


def test_query_ask_and_construct_print_something_sensible(store: Path) -> None:
    ask = cli("query", "--store", str(store), "ASK { ?a a ng:Article }")
    assert ask.exit_code == 0 and ask.stdout.strip() == "true"
    construct = cli(
        "query", "--store", str(store), "CONSTRUCT { ?a a ng:Article } WHERE { ?a a ng:Article }"
    )
    assert construct.exit_code == 0
    assert len(list(parse(construct.stdout_bytes, format=RdfFormat.N_TRIPLES))) == 2


@pytest.mark.parametrize(
    "sparql",
    [
        "SELEC ?x WHERE { ?x ?y ?z }",
        "SELECT * WHERE { ?s ?p ?o ",
        "SELECT ?x WHERE { ?x nope:thing ?y }",
    ],
)
def test_malformed_sparql_exits_1_with_a_one_line_error(store: Path, sparql: str) -> None:
    result = cli("query", "--store", str(store), sparql)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: malformed query:")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_query_needs_exactly_one_source(store: Path, tmp_path: Path) -> None:
    none = cli("query", "--store", str(store))
    assert none.exit_code == 2 and "exactly one" in none.stderr
    both = cli(
        "query", "--store", str(store), "--canned", "articles", "SELECT * WHERE { ?s ?p ?o }"
    )
    assert both.exit_code == 2


def test_query_param_errors(store: Path) -> None:
    shapeless = cli("query", "--store", str(store), "--canned", "statements", "--param", "speaker")
    assert shapeless.exit_code == 2 and "name=value" in shapeless.stderr
    bad_iri = cli(
        "query", "--store", str(store), "--canned", "statements", "--param", "speaker=not an iri"
    )
    assert (
        bad_iri.exit_code == 1
        and bad_iri.stderr.startswith("error: ")
        and "not an absolute IRI" in bad_iri.stderr
    )
    unknown = cli("query", "--store", str(store), "--canned", "no_such_query")
    assert unknown.exit_code == 1 and "no canned query 'no_such_query'" in unknown.stderr


def test_federated_canned_query_calls_the_configured_wikidata_endpoint(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NEWSGRAPH_WIKIDATA_ENDPOINT moves SERVICE; the query is caught before it runs."""
    federated = sorted(name for name, q in queries.load().items() if "SERVICE" in q.text)
    assert federated
    ran: list[str] = []

    def fake_run(reader, query, values=None):  # noqa: ANN001, ANN202
        ran.append(query.text)
        return Store().query("SELECT ?x WHERE { FILTER (false) }")

    monkeypatch.setattr(queries, "run", fake_run)
    stand_in = "http://127.0.0.1:9/wikidata/sparql"
    result = CliRunner(env={"NEWSGRAPH_WIKIDATA_ENDPOINT": stand_in}).invoke(
        main, ["query", "--store", str(store), "--canned", federated[0], "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert len(ran) == 1
    assert f"SERVICE <{stand_in}>" in ran[0]
    assert "query.wikidata.org" not in ran[0]


def test_query_list_shows_every_canned_query_with_its_parameters() -> None:
    result = cli("query", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for name, query in queries.load().items():
        [line] = [line for line in lines if line.startswith(f"{name}(")]
        assert query.title in line
        for parameter in query.parameters:
            assert f"{parameter.name}:{parameter.type}" in line
    assert any(line.startswith("statements(article:iri?, speaker:iri?)") for line in lines)


# ---------------------------------------------------------------- export and stats


@pytest.mark.parametrize(
    ("format_", "rdf_format"),
    [
        ("nquads", RdfFormat.N_QUADS),
        ("trig", RdfFormat.TRIG),
        ("turtle", RdfFormat.TURTLE),
        ("jsonld", RdfFormat.JSON_LD),
    ],
)
def test_export_parses_back(store: Path, format_: str, rdf_format: RdfFormat) -> None:
    result = cli("export", "--store", str(store), "--format", format_)
    assert result.exit_code == 0, result.stderr
    quads = Dataset(parse(result.stdout_bytes, format=rdf_format))
    if format_ in ("nquads", "trig"):
        assert len(quads) == stats(store)["quads"]
        # two articles, the actors graph and the stories graph
        assert len({q.graph_name for q in quads}) == 4
    else:
        union = cli(
            "query",
            "--store",
            str(store),
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
        )
        assert len(quads) == int(union.stdout.splitlines()[1])


def test_export_to_a_file(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "dump.nq"
    result = cli("export", "--store", str(store), "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert len(list(parse(path=str(target), format=RdfFormat.N_QUADS))) == stats(store)["quads"]


def test_stats_text_and_json_agree(store: Path) -> None:
    counts = stats(store)
    assert set(counts) == {"quads", "articles", "actors", "statements", "events"}
    text = cli("stats", "--store", str(store)).stdout.strip()
    assert text == ", ".join(f"{value} {name}" for name, value in counts.items())


def test_stats_of_an_empty_store_is_all_zero(tmp_path: Path) -> None:
    assert stats(tmp_path / "never-written") == {
        "quads": 0,
        "articles": 0,
        "actors": 0,
        "statements": 0,
        "events": 0,
    }


# ---------------------------------------------------------------- help


def test_every_command_is_there() -> None:
    assert {"ingest", "query", "export", "stats", "serve", "eval"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help(command: str | None) -> None:
    result = cli(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "--help" in result.stdout
    if command in ("ingest", "query", "export", "stats", "serve"):
        assert "--store" in result.stdout and "NEWSGRAPH_STORE" in result.stdout


def test_version() -> None:
    from newsgraph import __version__

    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_a_boolean_setting_reads_the_usual_words_and_names_a_bad_one() -> None:
    from newsgraph.errors import ConfigError
    from newsgraph.settings import from_environment

    assert from_environment({"NEWSGRAPH_ACCESS_LOG": "off"}).access_log is False
    assert from_environment({"NEWSGRAPH_ACCESS_LOG": "True"}).access_log is True
    with pytest.raises(ConfigError, match="NEWSGRAPH_ACCESS_LOG='maybe' is not valid"):
        from_environment({"NEWSGRAPH_ACCESS_LOG": "maybe"})
