"""The `newsgraph` command: verbs that mirror the library, errors turned into clean messages."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pyoxigraph import (
    Dataset,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    serialize,
)

from newsgraph import __version__, queries, search
from newsgraph.errors import NewsgraphError
from newsgraph.ontology import PREFIXES
from newsgraph.results import Result, solutions, triples
from newsgraph.settings import BY_NAME, Settings, from_environment
from newsgraph.sparql_text import sparql_file
from newsgraph.store import RemoteWriter, StoreFolder

if TYPE_CHECKING:
    from newsgraph.ingest.linking import Linker

RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "xml": QueryResultsFormat.XML,
}
EXPORT_FORMATS = {
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "turtle": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
}


F = TypeVar("F", bound=Callable[..., Any])


def _help(name: str) -> str:
    setting = BY_NAME[name]
    return f"{setting.help} [env {setting.env}; default {setting.default!r}]"


def store_option(function: F) -> F:
    return click.option("--store", help=_help("store"))(function)


class Group(click.Group):
    """Turns domain errors into one clean line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsgraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)


@click.group(cls=Group)
@click.version_option(__version__)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens, for debugging.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """newsgraph: news articles in, a knowledge graph of actors, statements and events out."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = from_environment()


def _settings(ctx: click.Context, **overrides: object) -> Settings:
    settings: Settings = ctx.obj
    return settings.replace(**overrides)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option("--model", help=_help("model"))
@click.option("--batch-size", type=int, help=_help("batch_size"))
@click.option("--workers", type=int, help=_help("workers"))
@click.option("--cluster", help=_help("cluster"))
@click.option("--base", help=_help("base"))
@click.option("--max-bytes", type=int, help=_help("max_bytes"))
@click.option("--endpoint", help=_help("endpoint"))
@click.option("--update-endpoint", help=_help("update_endpoint"))
@click.option(
    "--token", envvar="NEWSGRAPH_UPDATE_TOKEN", help="Bearer token for the update endpoint."
)
@click.option("--online", is_flag=True, help="Also ask the live Wikidata endpoint to link actors.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    store: str | None,
    published: str | None,
    model: str | None,
    batch_size: int | None,
    workers: int | None,
    cluster: str | None,
    base: str | None,
    max_bytes: int | None,
    endpoint: str | None,
    update_endpoint: str | None,
    token: str | None,
    online: bool,
) -> None:
    """Read articles (.txt, .html, .json, .jsonl files and folders; - for JSON Lines on stdin)
    and store their actors, statements and events, one named graph per article."""
    # Each command imports what only it needs: `newsgraph query` never waits for spaCy.
    from newsgraph.ingest import articles, pipeline

    settings = _settings(
        ctx,
        store=store,
        model=model,
        batch_size=batch_size,
        workers=workers,
        cluster=cluster,
        base=base,
        max_bytes=max_bytes,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
    )
    pipeline.prepare(settings)
    default_date = articles.parse_date(published, "--published") if published else None
    items = articles.read(paths, settings.max_bytes, default_date)
    progress = sys.stderr.isatty()
    linker = _linker(settings, online)
    if settings.endpoint:
        # The store folder keeps what the external store cannot: the search index (and the
        # linker's cache), for `newsgraph serve --endpoint --store` to read.
        folder = StoreFolder(settings.store)
        folder.path.mkdir(parents=True, exist_ok=True)
        index = search.SearchIndex(folder.search_index)
        try:
            remote = RemoteWriter(
                settings.endpoint,
                settings.update_endpoint or settings.endpoint,
                token or "",
                index=index,
            )
            summary = pipeline.ingest_articles(items, remote, settings, progress, linker)
            remote.finish()
            remote.close()
        finally:
            index.close()
    else:
        with StoreFolder(settings.store).writer() as writer:
            summary = pipeline.ingest_articles(items, writer, settings, progress, linker)
    for problem in summary.skipped:
        click.echo(f"skipped {problem}", err=True)
    click.echo(summary.line())
    if summary.skipped:
        sys.exit(1)


def _linker(settings: Settings, online: bool) -> Linker:
    # Imported by the commands that extract only: `newsgraph query` never reads the index.
    from newsgraph.ingest.linking import Linker

    return Linker(
        cache_path=Path(settings.store) / "wikidata-cache.json",
        online=online,
        endpoint=settings.wikidata_endpoint,
    )


@main.command()
@click.argument("sparql", required=False)
@store_option
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the query from a .rq file.",
)
@click.option("--canned", help="Run a canned query by name (see `newsgraph query --list`).")
@click.option("--param", "params", multiple=True, help="name=value for a canned query's parameter.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
    default="table",
    show_default=True,
)
@click.option("--list", "list_", is_flag=True, help="List the canned queries and their parameters.")
@click.pass_context
def query(
    ctx: click.Context,
    sparql: str | None,
    store: str | None,
    file_: str | None,
    canned: str | None,
    params: tuple[str, ...],
    format_: str,
    list_: bool,
) -> None:
    """Run a SPARQL query, a .rq file or a canned query over the union of all article graphs."""
    settings = _settings(ctx, store=store)
    if list_:
        for item in queries.load().values():
            signature = ", ".join(
                f"{p.name}:{p.type}{'' if p.required else '?'}" for p in item.parameters
            )
            click.echo(f"{item.name}({signature})  {item.title}: {item.description}")
        return
    if sum(x is not None for x in (sparql, file_, canned)) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --canned")
    reader = StoreFolder(settings.store).reader()
    result: Result
    if canned:
        values = dict(_pair(param) for param in params)
        canned_queries = queries.load(settings.wikidata_endpoint)
        result = queries.run(reader, queries.get(canned, canned_queries), values)
    else:
        text = Path(file_).read_text(encoding="utf-8") if file_ else sparql or ""
        try:
            result = reader.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as error:
            raise NewsgraphError(f"malformed query: {' '.join(str(error).split())}") from None
    _print_result(result, format_)


def _pair(param: str) -> tuple[str, str]:
    name, equals, value = param.partition("=")
    if not equals:
        raise click.UsageError(f"--param {param!r} must look like name=value")
    return name, value


def _print_result(result: Result, format_: str) -> None:
    out = sys.stdout.buffer
    if isinstance(result, QuerySolutions):
        if format_ == "table":
            variables = [v.value for v in result.variables]
            rows = [[_plain(row[v]) for v in variables] for row in result]
            widths = [
                min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(variables)
            ]
            click.echo("  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)))
            for row in rows:
                click.echo("  ".join(c[:w].ljust(w) for c, w in zip(row, widths, strict=True)))
        else:
            result.serialize(out, RESULT_FORMATS[format_])
    elif isinstance(result, QueryBoolean):
        if format_ == "table":
            click.echo("true" if bool(result) else "false")
        else:
            result.serialize(out, RESULT_FORMATS[format_])
    else:
        result.serialize(
            out, RdfFormat.N_TRIPLES if format_ in ("table", "tsv", "csv") else RdfFormat.TURTLE
        )
    out.flush()


def _plain(term: object) -> str:
    return "" if term is None else getattr(term, "value", str(term))


@main.command()
@store_option
@click.option(
    "--format",
    "format_",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="nquads",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of standard output.",
)
@click.pass_context
def export(ctx: click.Context, store: str | None, format_: str, output: str | None) -> None:
    """Write the graph: N-Quads or TriG, one graph per article, or Turtle/JSON-LD of the union."""
    settings = _settings(ctx, store=store)
    reader = StoreFolder(settings.store).reader()
    rdf_format = EXPORT_FORMATS[format_]
    target = output or sys.stdout.buffer
    if rdf_format in (RdfFormat.N_QUADS, RdfFormat.TRIG):
        reader.dump(target, rdf_format, prefixes=PREFIXES if rdf_format == RdfFormat.TRIG else None)
        return
    union = triples(
        reader.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    )
    # A Dataset keeps one copy of each triple, however many article graphs hold it.
    dataset = Dataset(Quad(t.subject, t.predicate, t.object) for t in union)
    serialize(dataset, target, rdf_format, prefixes=PREFIXES)


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, store: str | None, as_json: bool) -> None:
    """Counts of articles, actors, statements, events and quads in the store."""
    settings = _settings(ctx, store=store)
    reader = StoreFolder(settings.store).reader()
    counts = {"quads": len(reader)}
    row = next(
        iter(solutions(reader.query(sparql_file("counts.rq"), use_default_graph_as_union=True)))
    )
    for name in ("articles", "actors", "statements", "events"):
        counts[name] = int(row[name].value)
    if as_json:
        click.echo(json.dumps(counts))
    else:
        click.echo(", ".join(f"{value} {name}" for name, value in counts.items()))


@main.command()
@store_option
@click.option("--host", help=_help("host"))
@click.option("--port", type=int, help=_help("port"))
@click.option("--query-timeout", type=float, help=_help("query_timeout"))
@click.option("--max-rows", type=int, help=_help("max_rows"))
@click.option("--query-workers", type=int, help=_help("query_workers"))
@click.option("--service-allow", help=_help("service_allow"))
@click.option("--cors-origins", help=_help("cors_origins"))
@click.option("--access-log/--no-access-log", default=None, help=_help("access_log"))
@click.option("--wikidata-endpoint", help=_help("wikidata_endpoint"))
@click.option("--endpoint", help=_help("endpoint"))
@click.option("--update-endpoint", help=_help("update_endpoint"))
@click.pass_context
def serve(
    ctx: click.Context,
    store: str | None,
    host: str | None,
    port: int | None,
    query_timeout: float | None,
    max_rows: int | None,
    query_workers: int | None,
    service_allow: str | None,
    cors_origins: str | None,
    access_log: bool | None,
    wikidata_endpoint: str | None,
    endpoint: str | None,
    update_endpoint: str | None,
) -> None:
    """Serve the SPARQL 1.1 endpoint, the canned-query API and the query page, over the
    embedded store or, with --endpoint, over an external SPARQL 1.1 store.

    The update token is read from NEWSGRAPH_UPDATE_TOKEN only, so it never shows in a process list.
    """
    # Each command imports what only it needs: the server's own start-up is its business.
    from newsgraph.server import serve as run_server

    lists = {
        name: BY_NAME[name].parse(value)
        for name, value in (("service_allow", service_allow), ("cors_origins", cors_origins))
        if value is not None
    }
    run_server(
        _settings(
            ctx,
            store=store,
            host=host,
            port=port,
            query_timeout=query_timeout,
            max_rows=max_rows,
            query_workers=query_workers,
            access_log=access_log,
            wikidata_endpoint=wikidata_endpoint,
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            **lists,
        )
    )


@main.command()
@store_option
@click.option(
    "--online", is_flag=True, help="Also ask the live Wikidata endpoint (answers are cached)."
)
@click.option("--endpoint", help=_help("wikidata_endpoint"))
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False),
    help="Also report link precision and recall of the stored actors against these gold files.",
)
@click.pass_context
def link(
    ctx: click.Context, store: str | None, online: bool, endpoint: str | None, gold: str | None
) -> None:
    """Link (or relink) the stored actors to Wikidata by extracting the stored articles again."""
    # Each command imports what only it needs: `newsgraph query` never waits for spaCy.
    from newsgraph.evaluation import links
    from newsgraph.ingest import pipeline, stored

    settings = _settings(ctx, store=store, wikidata_endpoint=endpoint)
    linker = _linker(settings, online)
    folder = StoreFolder(settings.store)
    if folder.current() is None:
        raise NewsgraphError(
            f"store {settings.store} holds no articles yet: run `newsgraph ingest` first"
        )
    with folder.writer() as writer:
        summary = pipeline.ingest_articles(
            stored.articles(writer.store), writer, settings, linker=linker
        )
    counted = folder.reader().query(sparql_file("linked.rq"), use_default_graph_as_union=True)
    linked = next(iter(solutions(counted)))
    click.echo(
        f"relinked {summary.articles} articles: {linked['linked'].value} of "
        f"{linked['actors'].value} actors linked to Wikidata"
    )
    if gold:
        # Scored on the actors extracted and stored, as a user gets them, not on gold names.
        click.echo(links.evaluate(folder.reader(), Path(gold)).line())


@main.command(name="search")
@click.argument("words", required=False)
@store_option
@click.option("--kind", type=click.Choice(["statement", "event"]), help="Only this kind of hit.")
@click.option("--limit", type=int, default=20, show_default=True, help="Most hits to show.")
@click.option("--offset", type=int, default=0, show_default=True, help="Hits to skip first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, as GET /api/search answers.")
@click.option("--rebuild", is_flag=True, help="Rebuild the index from the store first.")
@click.option(
    "--endpoint",
    help="With --rebuild: the query URL of the external store to index, into the --store folder.",
)
@click.pass_context
def search_command(
    ctx: click.Context,
    words: str | None,
    store: str | None,
    kind: str | None,
    limit: int,
    offset: int,
    as_json: bool,
    rebuild: bool,
    endpoint: str | None,
) -> None:
    """Full-text search of statements (words, speaker) and events (label, participants):
    WORDS is an SQLite FTS5 query ('sanctions', 'video call', '"open lines"', 'Xi AND Biden')."""
    settings = _settings(ctx, store=store, endpoint=endpoint)
    folder = StoreFolder(settings.store)
    if rebuild and settings.endpoint:
        folder.path.mkdir(parents=True, exist_ok=True)
        index = search.SearchIndex(folder.search_index)
        source = RemoteWriter(settings.endpoint, settings.endpoint)
        try:
            entries = index.rebuild(source)
        finally:
            source.close()
            index.close()
        click.echo(f"indexed {entries} statements and events", err=True)
    elif rebuild:
        with folder.writer() as writer:
            entries = writer.search.rebuild(writer)
        click.echo(f"indexed {entries} statements and events", err=True)
    if words is None:
        if not rebuild:
            raise click.UsageError("give the WORDS to search for, or --rebuild")
        return
    if not folder.search_index.is_file():
        raise NewsgraphError(f"store {folder.path} has no search index: run `newsgraph ingest`")
    index = search.SearchIndex(folder.search_index, read_only=True)
    try:
        results = index.search(words, kind, limit, offset)
    finally:
        index.close()
    if as_json:
        click.echo(json.dumps(search.as_json(results), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} hits", err=True)
    for hit in results.hits:
        who = f" ({hit.who})" if hit.who else ""
        click.echo(f"{hit.score:8.3f}  {hit.kind:9}  {hit.snippet}{who}\n          {hit.iri}")


@main.command(name="eval")
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="Folder of gold .json files.",
)
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="Folder of the articles.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--verbose", is_flag=True, help="List misses and false positives.")
@click.option("--model", help=_help("model"))
@click.pass_context
def evaluate(
    ctx: click.Context, gold: str, articles: str, as_json: bool, verbose: bool, model: str | None
) -> None:
    """Score extraction against gold annotations: precision, recall and F1 of each kind."""
    # Each command imports what only it needs: `newsgraph query` never waits for spaCy.
    from newsgraph.evaluation import scores

    report = scores.evaluate(Path(gold), Path(articles), _settings(ctx, model=model))
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(scores.render(report, verbose=verbose))


@main.group()
def train() -> None:
    """Retrain a model that ships in the package from an annotated corpus."""


@train.command(name="attribution")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="A PolNeAR-style split: articles/*.txt and gold/*.json (e.g. PolNeAR's train/).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write the model (default: the file that ships in the package).",
)
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the shuffle.")
@click.option("--model", help=_help("model"))
@click.pass_context
def train_attribution(
    ctx: click.Context, corpus: str, output: str | None, seed: int, model: str | None
) -> None:
    """Fit the cue-of-saying model that statement extraction uses, deterministically."""
    # Each command imports what only it needs: only this one the training code.
    from newsgraph import training
    from newsgraph.ingest import attribution

    settings = _settings(ctx, model=model)
    target = Path(output) if output else attribution.shipped_path()
    report = training.train(Path(corpus), target, settings.model, seed)
    click.echo(
        f"{report.articles} articles, {report.examples} candidate words, {report.positives} cues "
        f"of saying, {report.lemmas} lemmas; held-out tenth: P {report.held_out['precision']:.3f} "
        f"R {report.held_out['recall']:.3f} F1 {report.held_out['f1']:.3f}; wrote {target}"
    )
