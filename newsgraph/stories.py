"""Stories: one real-world event, many reports. The writer's last step groups article events.

Two events report the same story when they are of the same kind (their `ng:kind`, else the root
of their CAMEO code: 041 and 040 are both 04, "Consult"), share a participant (the same actor
node), and happened at the same time:

- both dated to the day, at most one day apart;
- both dated to the same month or year, when that is all the text says;
- both undated, in articles published at most two days apart, or both in undated articles;
- one dated, the other undated in an article published at most two days from that date (the
  report of a call the day after it rarely repeats the date).

Stories are the connected groups of that relation (single linkage), found with one sorted pass
per kind and participant, so the work grows with the number of events, not its square. Each is an
`ng:Story` in the stories graph (`BASE/graph/stories`, no article's), named from its first
report, with its reports (`ng:report`), their articles (`ng:reportedBy`), every participant, the
earliest date and the count of sources. The computation reads the events with one SPARQL query
and writes with one SPARQL Update (files in newsgraph/sparql/), so it runs against the embedded
store and any SPARQL 1.1 endpoint alike; it rewrites only the stories whose triples changed, so
re-ingesting or deleting an article touches the stories it reported and no other.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse

from newsgraph.ontology import CAMEO, NG, RDF, RDFS, SCHEMA, SEM, XSD, Minter

log = logging.getLogger(__name__)

# Days apart that still make one story: two dates; or an undated report's publication date and
# the other's date or publication date.
DATED_DAYS = 1
PUBLISHED_DAYS = 2
_DATATYPES = {
    10: NamedNode(XSD + "date"),
    7: NamedNode(XSD + "gYearMonth"),
    4: NamedNode(XSD + "gYear"),
}


class Graphs(Protocol):
    """Where stories are read from and written to: a store or a SPARQL 1.1 endpoint."""

    def select(self, text: str) -> Iterable[Mapping[str, object]]: ...

    def update(self, text: str) -> None: ...


class LocalGraphs:
    """An embedded Oxigraph store as Graphs."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, text: str) -> Iterable[Mapping[str, object]]:
        solutions = self.store.query(text)
        names = [variable.value for variable in solutions.variables]  # type: ignore[union-attr]
        return [{name: row[name] for name in names} for row in solutions]  # type: ignore[union-attr]

    def update(self, text: str) -> None:
        self.store.update(text)


@dataclass
class Report:
    """One article event, as far as grouping it into a story goes."""

    event: str
    article: str
    label: str
    kind: str
    date: str | None
    published: str | None
    actors: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Story:
    iri: str
    kind: str
    label: str
    date: str | None
    reports: tuple[Report, ...]

    @property
    def articles(self) -> list[str]:
        return sorted({report.article for report in self.reports})

    @property
    def participants(self) -> list[str]:
        return sorted({actor for report in self.reports for actor in report.actors})


def _kind(cameo: str, kind: str | None) -> str:
    if kind:
        return kind
    code = cameo.removeprefix(CAMEO)
    return CAMEO + code[:2]


def _value(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def reports(rows: Iterable[Mapping[str, object]]) -> list[Report]:
    """Reports from the rows of story_events.rq, in event IRI order."""
    found: dict[str, Report] = {}
    for row in rows:
        event = _value(row["event"]) or ""
        report = found.get(event)
        if report is None:
            report = found[event] = Report(
                event=event,
                article=_value(row["article"]) or "",
                label=_value(row.get("label")) or "",
                kind=_kind(_value(row["cameo"]) or "", _value(row.get("kind"))),
                date=_value(row.get("date")),
                published=_value(row.get("published")),
            )
        actor = _value(row.get("actor"))
        if actor:
            report.actors.add(actor)
    return [found[event] for event in sorted(found)]


def _day(text: str | None) -> int | None:
    if text is None or len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        return None


class _Groups:
    """Union-find over report positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def chain(self, points: Sequence[tuple[int, int]], gap: int) -> None:
        """Join points (value, report) that sorted lie at most `gap` apart, one after another."""
        ordered = sorted(points)
        for (before, first), (after, second) in zip(ordered, ordered[1:], strict=False):
            if after - before <= gap:
                self.join(first, second)


def group(found: Sequence[Report]) -> list[list[Report]]:
    """The reports grouped into stories (see the module docstring), each in event IRI order."""
    groups = _Groups(len(found))
    by_participant: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, report in enumerate(found):
        for actor in report.actors:
            by_participant[(report.kind, actor)].append(position)
    for positions in by_participant.values():
        dated: list[tuple[int, int]] = []
        published: list[tuple[int, int]] = []
        undated: list[int] = []
        partial: dict[str, list[int]] = defaultdict(list)
        for position in positions:
            report = found[position]
            if report.date is not None:
                day = _day(report.date)
                if day is None:
                    partial[report.date].append(position)
                else:
                    dated.append((day, position))
            elif (day := _day(report.published)) is not None:
                published.append((day, position))
            else:
                undated.append(position)
        groups.chain(dated, DATED_DAYS)
        groups.chain(published, PUBLISHED_DAYS)
        for members in (undated, *partial.values()):
            for position in members[1:]:
                groups.join(members[0], position)
        dated.sort()
        days = [day for day, _ in dated]
        for day, position in published:
            start = bisect.bisect_left(days, day - PUBLISHED_DAYS)
            end = bisect.bisect_right(days, day + PUBLISHED_DAYS)
            for _, other in dated[start:end]:
                groups.join(position, other)
    members: dict[int, list[Report]] = defaultdict(list)
    for position, report in enumerate(found):
        members[groups.find(position)].append(report)
    return [members[root] for root in sorted(members)]


def stories(found: Sequence[Report]) -> list[Story]:
    """The stories the reports make, named deterministically from their first report."""
    made = []
    for members in group(found):
        first = members[0]
        # The story is called what its earliest dated report calls it; undated reports last.
        lead = min(
            members, key=lambda report: (report.date is None, report.date or "", report.event)
        )
        dates = [report.date for report in members if report.date is not None]
        minter = Minter(first.article.rsplit("article/", 1)[0])
        made.append(
            Story(
                iri=minter.story(first.event).value,
                kind=first.kind,
                label=lead.label,
                date=min(dates) if dates else None,
                reports=tuple(members),
            )
        )
    return made


def lines(story: Story) -> set[str]:
    """The story's triples, as N-Triples lines written by Oxigraph's terms."""
    node = f"<{story.iri}>"
    made = {
        f"{node} <{RDF}type> <{NG}Story> .",
        f"{node} <{NG}storyKind> {NamedNode(story.kind)} .",
        f"{node} <{NG}sourceCount> {_integer(len(story.articles))} .",
    }
    if story.label:
        made.add(f"{node} <{RDFS}label> {Literal(story.label)} .")
    if story.date is not None and len(story.date) in _DATATYPES:
        date = Literal(story.date, datatype=_DATATYPES[len(story.date)])
        made.add(f"{node} <{SEM}hasTimeStamp> {date} .")
    made.update(f"{node} <{NG}report> {NamedNode(r.event)} ." for r in story.reports)
    made.update(f"{node} <{NG}reportedBy> {NamedNode(a)} ." for a in story.articles)
    made.update(f"{node} <{NG}participant> {NamedNode(a)} ." for a in story.participants)
    return made


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


# Only the lines that can state what a report needs: read before parsing, it skips the mentions.
_REPORT_PREDICATES = tuple(
    f"<{iri}>".encode()
    for iri in (
        RDF + "type", NG + "cameo", NG + "factuality", NG + "kind", RDFS + "label",
        SEM + "hasTimeStamp", SEM + "hasActor", SCHEMA + "datePublished",
    )
)  # fmt: skip


def reports_from_ntriples(article: str, data: bytes) -> list[Report]:
    """The reports of one article graph as the writer is given it (N-Triples)."""
    wanted = b"\n".join(
        line for line in data.split(b"\n") if any(p in line for p in _REPORT_PREDICATES)
    )
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for triple in parse(wanted + b"\n", format=RdfFormat.N_TRIPLES):
        values[(triple.subject.value, triple.predicate.value)].append(triple.object.value)  # type: ignore[union-attr]
    published = values.get((article, SCHEMA + "datePublished"), [None])[0]
    rows = []
    for (subject, predicate), objects in values.items():
        if predicate != RDF + "type" or NG + "Event" not in objects:
            continue
        if NG + "Negated" in values.get((subject, NG + "factuality"), []):
            continue
        base = {
            "article": article,
            "event": subject,
            "label": values.get((subject, RDFS + "label"), [None])[0],
            "cameo": values.get((subject, NG + "cameo"), [""])[0],
            "kind": values.get((subject, NG + "kind"), [None])[0],
            "date": values.get((subject, SEM + "hasTimeStamp"), [None])[0],
            "published": published,
        }
        rows += [{**base, "actor": a} for a in values.get((subject, SEM + "hasActor"), [None])]
    return reports(rows)


@dataclass(frozen=True)
class Change:
    stories: int  # stories computed (all of them, or those a write could change)
    removed: int  # triples taken out
    added: int  # triples put in


def _event(report: Report) -> str:
    return report.event


def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(str(NamedNode(iri)) for iri in sorted(iris))} }}"


def refresh(graphs: Graphs, written: Mapping[str, Sequence[Report]] | None = None) -> Change:
    """Recompute the stories and rewrite those that changed.

    With `written` (the reports of the articles a writer stored, by article), only the stories
    those articles can change are computed again; without it, every story.
    """
    from newsgraph.store import sparql_file

    events_query = sparql_file("story_events.rq")
    graphs_held = {
        str(_value(row["graph"]))
        for row in graphs.select(
            "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?story a <" + NG + "Story> } }"
        )
    }
    if written is not None and not graphs_held:
        # No story yet: the written reports are all there is to group.
        found = sorted((r for reports_ in written.values() for r in reports_), key=_event)
        affected: set[str] | None = set()
    elif written is None:
        found = reports(graphs.select(events_query.replace("%%EVENTS%%", "")))
        affected = None
    else:
        new = [report for found in written.values() for report in found]
        keys = {(r.kind, actor) for r in new for actor in r.actors}
        query = (
            sparql_file("affected_stories.rq")
            .replace("%%ARTICLES%%", _values("article", written))
            .replace(
                "%%KEYS%%",
                "VALUES (?kind ?actor) { "
                + " ".join(f"({NamedNode(k)} {NamedNode(a)})" for k, a in sorted(keys))
                + " }",
            )
        )
        rows = graphs.select(query)
        affected = {str(_value(row["story"])) for row in rows}
        old = {str(_value(row["event"])) for row in rows}
        old = {event for event in old if event.rsplit("/event/", 1)[0] not in written}
        if old:
            found = reports(
                graphs.select(events_query.replace("%%EVENTS%%", _values("event", old)))
            )
        else:
            found = []
        found = sorted(found + new, key=_event)
    made = stories(found)
    wanted: dict[str, set[str]] = defaultdict(set)
    for story in made:
        graph = Minter(story.iri.rsplit("story/", 1)[0]).stories_graph().value
        wanted[graph] |= lines(story)
    removed = added = 0
    for graph in sorted(graphs_held | set(wanted)):
        held: set[str] = set()
        if graph in graphs_held and (affected is None or affected):
            restrict = "" if affected is None else _values("s", affected)
            query = (
                sparql_file("story_graph.rq")
                .replace("%%STORIES%%", str(NamedNode(graph)))
                .replace("%%STORIES_VALUES%%", restrict)
            )
            held = {f"{row['s']} {row['p']} {row['o']} ." for row in graphs.select(query)}
        old_lines = held - wanted.get(graph, set())
        new_lines = wanted.get(graph, set()) - held
        if old_lines or new_lines:
            graphs.update(
                sparql_file("replace_stories.ru")
                .replace("%%STORIES%%", str(NamedNode(graph)))
                .replace("%%OLD_TRIPLES%%", "\n".join(sorted(old_lines)))
                .replace("%%NEW_TRIPLES%%", "\n".join(sorted(new_lines)))
            )
            removed += len(old_lines)
            added += len(new_lines)
    log.info("stories: %d computed, %d triples out, %d in", len(made), removed, added)
    return Change(len(made), removed, added)
