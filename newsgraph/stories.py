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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from newsgraph import article_lines
from newsgraph.ontology import CAMEO, NG, RDF, RDFS, SCHEMA, SEM, XSD, Minter
from newsgraph.sparql_text import sparql_file

log = logging.getLogger(__name__)

# Days apart that still make one story: two dates; or an undated report's publication date and
# the other's date or publication date.
DATED_DAYS = 1
PUBLISHED_DAYS = 2
# Events of a participant above which a write looks for the stories it joins by date first.
NARROW_ABOVE = 50
_DATATYPES = {
    10: NamedNode(XSD + "date"),
    7: NamedNode(XSD + "gYearMonth"),
    4: NamedNode(XSD + "gYear"),
}


class Graphs(Protocol):
    """Where stories are read from and written to: a store or a SPARQL 1.1 endpoint."""

    def story_graphs(self) -> set[str]:
        """The graphs that hold stories."""
        ...

    def affected(self, articles: Iterable[str], new: Sequence[Report]) -> dict[str, set[str]]:
        """The stories (with their reports) that the articles report, and those a new report
        may join: at least every story with the kind and a participant of a new report."""
        ...

    def reports(self, events: Iterable[str] | None) -> list[Report]:
        """These events' reports, or every event's."""
        ...

    def story_lines(self, graph: str, stories: Iterable[str] | None) -> set[str]:
        """The N-Triples lines of these stories in a graph, or of all of them."""
        ...

    def write(self, graph: str, old: set[str], new: set[str]) -> None:
        """Take the old N-Triples lines out of the graph and put the new ones in."""
        ...


class SparqlGraphs:
    """Graphs behind any SPARQL 1.1 query and update service, through newsgraph/sparql/ files."""

    def __init__(
        self,
        select: Callable[[str], Iterable[Mapping[str, object]]],
        update: Callable[[str], None],
    ) -> None:
        self._select = select
        self._update = update

    def select(self, text: str) -> Iterable[Mapping[str, object]]:
        return self._select(text)

    def write(self, graph: str, old: set[str], new: set[str]) -> None:

        # Only the operations that have triples: Virtuoso 7.2 refuses an empty DATA block.
        deleting, _, inserting = sparql_file("replace_stories.ru").partition("} ;\n")
        operations = [deleting + "}"] if old else []
        operations += [inserting] if new else []
        if not operations:
            return
        self._update(
            " ;\n".join(operations)
            .replace("%%STORIES%%", str(NamedNode(graph)))
            .replace("%%OLD_TRIPLES%%", "\n".join(sorted(old)))
            .replace("%%NEW_TRIPLES%%", "\n".join(sorted(new)))
        )

    def story_graphs(self) -> set[str]:
        query = "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?story a <" + NG + "Story> } }"
        return {str(_value(row["graph"])) for row in self.select(query)}

    def affected(self, articles: Iterable[str], new: Sequence[Report]) -> dict[str, set[str]]:

        keys = {(report.kind, actor) for report in new for actor in report.actors}
        pairs = " ".join(f"({NamedNode(k)} {NamedNode(a)})" for k, a in sorted(keys))
        query = (
            sparql_file("affected_stories.rq")
            .replace("%%ARTICLES%%", _values("article", articles))
            .replace("%%KEYS%%", f"VALUES (?kind ?actor) {{ {pairs} }}")
        )
        found: dict[str, set[str]] = defaultdict(set)
        for row in self.select(query):
            found[str(_value(row["story"]))].add(str(_value(row["event"])))
        return found

    def reports(self, events: Iterable[str] | None) -> list[Report]:

        restrict = "" if events is None else _values("event", events)
        return reports(self.select(sparql_file("story_events.rq").replace("%%EVENTS%%", restrict)))

    def story_lines(self, graph: str, stories: Iterable[str] | None) -> set[str]:

        query = (
            sparql_file("story_graph.rq")
            .replace("%%STORIES%%", str(NamedNode(graph)))
            .replace("%%STORIES_VALUES%%", "" if stories is None else _values("s", stories))
        )
        return {f"{row['s']} {row['p']} {row['o']} ." for row in self.select(query)}


class LocalGraphs(SparqlGraphs):
    """An embedded Oxigraph store: the same answers, a few stories or events looked up in the
    store's indexes directly (a VALUES join of thousands of IRIs is slow in Oxigraph)."""

    def __init__(self, store: Store) -> None:  # noqa: D107 - no bound methods kept: no cycle
        self.store = store

    def write(self, graph: str, old: set[str], new: set[str]) -> None:
        # Oxigraph parses a large INSERT DATA slowly; its bulk loader is fast. Not one
        # transaction: the writer marks the stories stale until this is done (see store.py).
        name = NamedNode(graph)
        for triple in parse("\n".join(old).encode("utf-8"), format=RdfFormat.N_TRIPLES):
            self.store.remove(Quad(triple.subject, triple.predicate, triple.object, name))
        if new:
            data = ("\n".join(sorted(new)) + "\n").encode("utf-8")
            self.store.bulk_load(data, format=RdfFormat.N_TRIPLES, to_graph=name)

    def select(self, text: str) -> list[dict[str, object]]:
        solutions = self.store.query(text)
        names = [variable.value for variable in solutions.variables]  # type: ignore[union-attr]
        return [{name: row[name] for name in names} for row in solutions]  # type: ignore[union-attr]

    def affected(self, articles: Iterable[str], new: Sequence[Report]) -> dict[str, set[str]]:
        """Narrower than the SPARQL version: only the stories of the events a new report links
        to, found through the dates that could link (a popular actor takes part in thousands
        of stories, over years)."""
        written = set(articles)
        chosen: set[str] = set()
        for article in written:
            found = self._quads(None, NG + "reportedBy", NamedNode(article))
            chosen |= {q.subject.value for q in found}  # type: ignore[union-attr]  # IRIs
        facts: dict[str, Report | None] = {}
        by_actor: dict[str, set[str]] = {}
        days: dict[int, set[str]] = {}
        for report in new:
            near: set[str] = set()
            for actor in report.actors:
                if actor not in by_actor:
                    found = self._quads(None, SEM + "hasActor", NamedNode(actor))
                    by_actor[actor] = {q.subject.value for q in found}  # type: ignore[union-attr]  # IRIs
                near |= by_actor[actor]
            if len(near) > NARROW_ABOVE:  # a popular participant: narrowed by dates first
                near &= self._at_the_time(report, near, days)
            for event in near:
                if event not in facts:
                    found_reports = self.reports([event])
                    facts[event] = found_reports[0] if found_reports else None
                other = facts[event]
                if other is not None and other.article not in written and linked(report, other):
                    found = self._quads(None, NG + "report", NamedNode(event))
                    chosen |= {q.subject.value for q in found}  # type: ignore[union-attr]  # IRIs
        return {
            story: {q.object.value for q in self._quads(NamedNode(story), NG + "report")}  # type: ignore[union-attr]
            for story in chosen
        }

    def _at_the_time(self, report: Report, near: set[str], days: dict[int, set[str]]) -> set[str]:
        """Events the report may link to by its time: dated on the days, or undated in articles
        published on the days, that the rules allow."""
        day = _day(report.date) if report.date is not None else _day(report.published)
        if report.date is not None and day is None:  # a month or a year: the same value
            datatype = _DATATYPES.get(len(report.date))
            if datatype is None:
                return set()
            return self._dated([Literal(report.date, datatype=datatype)])
        if day is None:  # undated, in an undated article: every event of its participants
            return near
        found: set[str] = set()
        for number in range(day - PUBLISHED_DAYS, day + PUBLISHED_DAYS + 1):
            if number not in days:
                days[number] = self._dated([_date(number)])
                for quad in self._quads(None, SCHEMA + "datePublished", _date(number)):
                    graph = quad.subject.value  # type: ignore[union-attr]
                    days[number] |= {
                        q.subject.value  # type: ignore[union-attr]
                        for q in self._quads(None, RDF + "type", NamedNode(NG + "Event"), graph)
                    }
            found |= days[number]
        return found

    def _dated(self, dates: Iterable[Literal]) -> set[str]:
        return {
            q.subject.value  # type: ignore[union-attr]
            for date in dates
            for q in self._quads(None, SEM + "hasTimeStamp", date)
        }

    def reports(self, events: Iterable[str] | None) -> list[Report]:
        if events is None:
            return super().reports(None)
        rows = []
        published: dict[str, str | None] = {}
        for event in events:
            node = NamedNode(event)
            values: dict[str, list[str]] = defaultdict(list)
            article = ""
            for quad in self.store.quads_for_pattern(node, None, None, None):
                values[quad.predicate.value].append(quad.object.value)  # type: ignore[union-attr]
                article = quad.graph_name.value  # type: ignore[union-attr]
            if (
                NG + "Event" not in values[RDF + "type"]
                or NG + "Negated" in values[NG + "factuality"]
            ):
                continue
            if article not in published:
                dates = self._quads(NamedNode(article), SCHEMA + "datePublished", graph=article)
                published[article] = next((q.object.value for q in dates), None)  # type: ignore[union-attr]
            rows += _rows(article, event, values, published[article])
        return reports(rows)

    def story_lines(self, graph: str, stories: Iterable[str] | None) -> set[str]:
        if stories is None:
            found = self.store.quads_for_pattern(None, None, None, NamedNode(graph))
            return {f"{q.subject} {q.predicate} {q.object} ." for q in found}
        return {
            f"{q.subject} {q.predicate} {q.object} ."
            for story in stories
            for q in self.store.quads_for_pattern(NamedNode(story), None, None, NamedNode(graph))
        }

    def _quads(
        self,
        subject: NamedNode | None,
        predicate: str,
        value: NamedNode | Literal | None = None,
        graph: str | None = None,
    ) -> Iterator[Quad]:
        return self.store.quads_for_pattern(
            subject, NamedNode(predicate), value, NamedNode(graph) if graph else None
        )


def _date(day: int) -> Literal:
    return Literal(dt.date.fromordinal(day).isoformat(), datatype=_DATATYPES[10])


def _rows(
    article: str, event: str, values: Mapping[str, list[str]], published: str | None
) -> list[dict[str, object]]:
    """story_events.rq's rows for one event, from its predicates' values."""
    base = {
        "article": article,
        "event": event,
        "label": _first(values.get(RDFS + "label")),
        "cameo": _first(values.get(NG + "cameo"), ""),
        "kind": _first(values.get(NG + "kind")),
        "date": _first(values.get(SEM + "hasTimeStamp")),
        "published": published,
    }
    actors: list[str | None] = [*values.get(SEM + "hasActor", [])] or [None]
    return [{**base, "actor": actor} for actor in actors]


def _first(values: list[str] | None, default: str | None = None) -> str | None:
    return values[0] if values else default


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


def linked(first: Report, second: Report) -> bool:
    """Whether two reports are of one story by themselves (group() joins the chains)."""
    if first.kind != second.kind or not first.actors & second.actors:
        return False
    if first.date is not None and second.date is not None:
        a, b = _day(first.date), _day(second.date)
        if a is None or b is None:
            return first.date == second.date
        return abs(a - b) <= DATED_DAYS
    if first.date is None and second.date is None:
        a, b = _day(first.published), _day(second.published)
        if a is None and b is None:
            return True
        return a is not None and b is not None and abs(a - b) <= PUBLISHED_DAYS
    dated, undated = (first, second) if first.date is not None else (second, first)
    a, b = _day(dated.date), _day(undated.published)
    return a is not None and b is not None and abs(a - b) <= PUBLISHED_DAYS


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
        for group in (undated, *partial.values()):
            for position in group[1:]:
                groups.join(group[0], position)
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


def reports_from_facts(article: str, facts: article_lines.Facts) -> list[Report]:
    """The reports of one article graph, from its values by subject and predicate."""
    published = _first(facts.get(article, {}).get(SCHEMA + "datePublished"))
    rows = []
    for subject, found in facts.items():
        if NG + "Event" in found.get(RDF + "type", ()) and NG + "Negated" not in found.get(
            NG + "factuality", ()
        ):
            rows += _rows(article, subject, found, published)
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
    those articles can change are computed again (see affected_stories.rq); without it, all.
    """
    held_graphs = graphs.story_graphs()
    affected: set[str] | None = None
    if written is None:
        found = graphs.reports(None)
    else:
        found = sorted((r for reports_ in written.values() for r in reports_), key=_event)
        affected = set()
        if held_graphs:
            stories_ = graphs.affected(written, found)
            affected = set(stories_)
            old = {
                event
                for events in stories_.values()
                for event in events
                if event.rsplit("/event/", 1)[0] not in written
            }
            if old:
                found = sorted(found + graphs.reports(old), key=_event)
    made = stories(found)
    wanted: dict[str, set[str]] = defaultdict(set)
    for story in made:
        graph = Minter(story.iri.rsplit("story/", 1)[0]).stories_graph().value
        wanted[graph] |= lines(story)
    removed = added = 0
    for graph in sorted(held_graphs | set(wanted)):
        held: set[str] = set()
        if graph in held_graphs and (affected is None or affected):
            held = graphs.story_lines(graph, affected)
        old_lines = held - wanted.get(graph, set())
        new_lines = wanted.get(graph, set()) - held
        if old_lines or new_lines:
            graphs.write(graph, old_lines, new_lines)
            removed += len(old_lines)
            added += len(new_lines)
    log.info("stories: %d computed, %d triples out, %d in", len(made), removed, added)
    return Change(len(made), removed, added)
