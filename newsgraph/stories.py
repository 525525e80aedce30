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

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, serialize

from newsgraph.ontology import CAMEO, NG, RDF, RDFS, SEM, XSD, Minter

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


def triples(story: Story) -> list[Triple]:
    node = NamedNode(story.iri)
    made = [
        Triple(node, NamedNode(RDF + "type"), NamedNode(NG + "Story")),
        Triple(node, NamedNode(NG + "storyKind"), NamedNode(story.kind)),
        Triple(
            node,
            NamedNode(NG + "sourceCount"),
            Literal(str(len(story.articles)), datatype=NamedNode(XSD + "integer")),
        ),
    ]
    if story.label:
        made.append(Triple(node, NamedNode(RDFS + "label"), Literal(story.label)))
    if story.date is not None and len(story.date) in _DATATYPES:
        made.append(
            Triple(
                node,
                NamedNode(SEM + "hasTimeStamp"),
                Literal(story.date, datatype=_DATATYPES[len(story.date)]),
            )
        )
    made += [Triple(node, NamedNode(NG + "report"), NamedNode(r.event)) for r in story.reports]
    made += [Triple(node, NamedNode(NG + "reportedBy"), NamedNode(a)) for a in story.articles]
    made += [Triple(node, NamedNode(NG + "participant"), NamedNode(a)) for a in story.participants]
    return made


@dataclass(frozen=True)
class Change:
    stories: int  # stories in the graph after the change
    removed: int  # triples taken out
    added: int  # triples put in


def refresh(graphs: Graphs) -> Change:
    """Recompute the stories from the article events and rewrite those that changed."""
    from newsgraph.store import sparql_file

    made = stories(reports(graphs.select(sparql_file("story_events.rq"))))
    wanted: dict[str, set[Triple]] = defaultdict(set)
    for story in made:
        graph = Minter(story.iri.rsplit("story/", 1)[0]).stories_graph().value
        wanted[graph].update(triples(story))
    held = {
        str(_value(row["graph"])): set()
        for row in graphs.select(
            "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?story a <" + NG + "Story> } }"
        )
    }
    for graph in held:
        query = sparql_file("story_graph.rq").replace("%%STORIES%%", str(NamedNode(graph)))
        held[graph] = {
            Triple(row["s"], row["p"], row["o"])  # type: ignore[arg-type]
            for row in graphs.select(query)
        }
    removed = added = 0
    for graph in sorted(set(held) | set(wanted)):
        old = held.get(graph, set()) - wanted.get(graph, set())
        new = wanted.get(graph, set()) - held.get(graph, set())
        if not old and not new:
            continue
        text = (
            sparql_file("replace_stories.ru")
            .replace("%%STORIES%%", str(NamedNode(graph)))
            .replace("%%OLD_TRIPLES%%", _ntriples(old))
            .replace("%%NEW_TRIPLES%%", _ntriples(new))
        )
        graphs.update(text)
        removed += len(old)
        added += len(new)
    log.info("stories: %d, %d triples out, %d in", len(made), removed, added)
    return Change(len(made), removed, added)


def _ntriples(found: Iterable[Triple]) -> str:
    return serialize(sorted(found, key=str), format=RdfFormat.N_TRIPLES).decode("utf-8")
