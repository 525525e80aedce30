"""Extraction quality: what the canned queries return for some articles, scored against gold.

`evaluate` ingests the articles into a fresh temporary store and reads back the rows of the
`articles`, `actors`, `statements` and `events` queries, so what is scored is what users get.
Every kind is scored by a maximum one-to-one matching between gold and system items: a second
system item for one gold item is a false positive. What a gold item accepts is in
newsgraph.evaluation.gold.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any, Generic, TypeVar

from pyoxigraph import Store

from newsgraph import queries
from newsgraph.errors import InputError
from newsgraph.evaluation.gold import (
    HEAD_WORDS,
    GoldActor,
    GoldArticle,
    GoldEvent,
    GoldStatement,
    content_words,
    gold_type,
    holds_start,
    qid,
    read_gold_folder,
    statement_words,
)
from newsgraph.ingest.articles import read_file
from newsgraph.ingest.pipeline import ingest_articles
from newsgraph.settings import Settings
from newsgraph.store import StoreFolder

# F1 the extraction aims at, shown in the report (nothing fails on them).
TARGETS: dict[str, float] = {
    "actors": 0.85, "statements": 0.80, "events": 0.75, "events_strict": 0.65,
}  # fmt: skip
# statement_content scores statements on their text alone, speaker ignored; events_strict
# scores events on shared trigger words only, where events also takes a CAMEO family match.
KINDS = ("actors", "statements", "statement_content", "events", "events_strict")
LABELS = {"statement_content": "  text only", "events_strict": "  strict"}

G = TypeVar("G")
S = TypeVar("S")


# ---------------------------------------------------------------- system rows


@dataclass(frozen=True)
class SystemActor:
    iri: str
    name: str
    type: str = ""
    wikidata: str | None = None
    mentions: int = 0

    @classmethod
    def from_row(cls, row: Any) -> SystemActor:
        actor, name, kind, wikidata, mentions = _values(row, "actor name type wikidata mentions")
        return cls(actor, name, kind, wikidata or None, int(mentions or 0))


@dataclass(frozen=True)
class SystemStatement:
    iri: str
    speaker: str
    speaker_name: str
    text: str
    cue: str = ""
    direct: bool | None = None

    @classmethod
    def from_row(cls, row: Any) -> SystemStatement:
        iri, speaker, name, text, cue, direct = _values(
            row, "statement speaker speakerName text cue direct"
        )
        return cls(iri, speaker, name, text, cue, direct=direct.lower() in ("true", "1"))


@dataclass(frozen=True)
class SystemEvent:
    iri: str
    label: str
    cameo: str | None = None
    participants: tuple[str, ...] = ()
    date: str | None = None
    place: str | None = None
    kind: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> SystemEvent:
        event, label, cameo, names, date, place, kind = _values(
            row, "event label cameo participantNames date place kind"
        )
        participants = tuple(name for name in names.split(" | ") if name)
        return cls(
            event, label, cameo or None, participants, date or None, place or None, kind or None
        )


@dataclass(frozen=True)
class SystemArticle:
    iri: str | None
    actors: tuple[SystemActor, ...] = ()
    statements: tuple[SystemStatement, ...] = ()
    events: tuple[SystemEvent, ...] = ()


def read_system(store: Store) -> tuple[dict[str, SystemArticle], list[str]]:
    """The canned queries' rows per article, keyed by the file name of the article's source,
    and notes on rows that repeat an IRI (each node is scored once, as its first row)."""
    items: dict[str, dict[str, list[Any]]] = {}
    notes = []
    kinds = (("actors", SystemActor), ("statements", SystemStatement), ("events", SystemEvent))
    for kind, cls in kinds:
        seen, repeated = set(), 0
        for row in queries.run(store, queries.get(kind)):
            (article,) = _values(row, "article")
            item = cls.from_row(row)
            if (article, item.iri) in seen:
                repeated += 1
                continue
            seen.add((article, item.iri))
            items.setdefault(article, {}).setdefault(kind, []).append(item)
        if repeated:
            notes.append(
                f"the {kind} query returned {repeated} extra rows for {kind} it had already "
                "returned; each is scored once (see the query's OPTIONAL and GROUP BY clauses)"
            )
    articles: dict[str, SystemArticle] = {}
    for row in queries.run(store, queries.get("articles")):
        iri, source = _values(row, "article source")
        found = {kind: tuple(rows) for kind, rows in items.get(iri, {}).items()}
        # `source` is the path the article was read from; gold files name the file.
        name = PureWindowsPath(source).name  # splits on both / and \\
        articles.setdefault(name, SystemArticle(iri, **found))
    return articles, notes


def _values(row: Any, variables: str) -> list[str]:
    """The lexical values of some variables of a result row, "" for an unbound one."""
    return ["" if row[name] is None else str(row[name].value) for name in variables.split()]


# ---------------------------------------------------------------- one-to-one matching


@dataclass(frozen=True)
class Score:
    matched: int
    system: int
    gold: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.system if self.system else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """2PR/(P+R), that is 2·matched/(system+gold): 0 when one side is empty."""
        total = self.system + self.gold
        return 2 * self.matched / total if total else None

    def __add__(self, other: Score) -> Score:
        return Score(
            self.matched + other.matched, self.system + other.system, self.gold + other.gold
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "system": self.system,
            "gold": self.gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class Matching(Generic[G, S]):
    gold: tuple[G, ...]
    system: tuple[S, ...]
    pairs: tuple[tuple[int, int], ...]  # (gold index, system index)

    @property
    def score(self) -> Score:
        return Score(len(self.pairs), len(self.system), len(self.gold))

    @property
    def misses(self) -> list[G]:
        """Gold items that no system item matched."""
        matched = {g for g, _ in self.pairs}
        return [item for i, item in enumerate(self.gold) if i not in matched]

    @property
    def false_positives(self) -> list[S]:
        """System items that matched no gold item."""
        matched = {s for _, s in self.pairs}
        return [item for i, item in enumerate(self.system) if i not in matched]

    def partner_of_gold(self, item: G) -> S | None:
        return next((self.system[s] for g, s in self.pairs if self.gold[g] is item), None)

    def partner_of_system(self, item: S) -> G | None:
        return next((self.gold[g] for g, s in self.pairs if self.system[s] is item), None)


def match(
    gold: Sequence[G],
    system: Sequence[S],
    fits: Callable[[G, S], bool],
    rank: Callable[[G, S], Any] | None = None,
) -> Matching[G, S]:
    """A maximum one-to-one matching of gold to system items among the pairs that fit.

    Kuhn's augmenting paths, grown in rounds: the first round may use only the pairs of the
    best `rank` (smallest), each later round the next rank too. Augmenting never unmatches an
    item, so the result is a maximum matching, and among the maximum matchings one that keeps
    the strong pairs: a system item that fits two gold items goes to the one it fits best.
    """
    ranks = {
        (g, s): rank(gold[g], system[s]) if rank else 0
        for g in range(len(gold))
        for s in range(len(system))
        if fits(gold[g], system[s])
    }
    owner: dict[int, int] = {}  # system index -> gold index
    candidates: list[list[int]] = []

    def augment(g: int, seen: set[int]) -> bool:
        for s in candidates[g]:
            if s not in seen:
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = g
                    return True
        return False

    for level in sorted(set(ranks.values())):
        allowed = sorted((r, s, g) for (g, s), r in ranks.items() if r <= level)
        candidates = [[s for _, s, g2 in allowed if g2 == g] for g in range(len(gold))]
        matched = set(owner.values())
        for g in range(len(gold)):
            if g not in matched:
                augment(g, set())
    return Matching(tuple(gold), tuple(system), tuple(sorted((g, s) for s, g in owner.items())))


def match_actors(gold: Sequence[GoldActor], system: Sequence[SystemActor]) -> Matching[Any, Any]:
    """Same Wikidata entity, or the system name is the gold name or an alias (normalized)."""

    # Of several system nodes for one entity, the linked, most mentioned one counts as right.
    def rank(g: GoldActor, s: SystemActor) -> tuple[bool, int]:
        return (not (g.wikidata and s.wikidata and qid(s.wikidata) == g.wikidata), -s.mentions)

    return match(gold, system, lambda g, s: g.matches(s.name, s.wikidata), rank)


def speaker_fits(
    gold: GoldStatement, system: SystemStatement, wikidata: Mapping[str, str] | None = None
) -> bool:
    """The speaker's name is the gold speaker's name or alias, or its Wikidata entity (looked
    up in `wikidata`, actor IRI -> entity, built from the actors rows) is the gold one."""
    return gold.speaker.matches(system.speaker_name, (wikidata or {}).get(system.speaker))


def match_statements(
    gold: Sequence[GoldStatement],
    system: Sequence[SystemStatement],
    wikidata: Mapping[str, str] | None = None,
    speaker: bool = True,
) -> Matching[Any, Any]:
    """The text holds the gold text's start (gold.holds_start) and, with `speaker`, the
    speaker fits (speaker_fits)."""

    def fits(g: GoldStatement, s: SystemStatement) -> bool:
        return holds_start(g.text, s.text) and (not speaker or speaker_fits(g, s, wikidata))

    # The tightest text wins a tie: one that starts where the gold text starts, then the shortest.
    def rank(g: GoldStatement, s: SystemStatement) -> tuple[bool, int]:
        words = statement_words(s.text)
        return (words[:HEAD_WORDS] != statement_words(g.text)[:HEAD_WORDS], len(words))

    return match(gold, system, fits, rank)


def trigger_fits(gold: GoldEvent, system: SystemEvent) -> bool:
    """The gold trigger and the system label share a content word (gold.content_words)."""
    return bool(content_words(gold.trigger) & content_words(system.label))


def cameo_fits(gold: GoldEvent, system: SystemEvent) -> bool:
    """The system CAMEO code's root (its first two digits) fits the gold event type."""
    if not system.cameo:
        return False
    return system.cameo[:2] in gold.cameo_roots


def participant_fits(
    gold: GoldEvent, system: SystemEvent, wikidata: Mapping[str, Iterable[str]] | None = None
) -> bool:
    """Some system participant is some gold participant, by name or alias, or by the Wikidata
    entity of the actor bearing that label (`wikidata`, label -> entities, from the actors
    rows). A gold event that lists no participants asks for none."""
    if not gold.participants:
        return True
    wikidata = wikidata or {}
    return any(
        actor.matches(name) or any(actor.matches(None, entity) for entity in wikidata.get(name, ()))
        for name in system.participants
        for actor in gold.participants
    )


def match_events(
    gold: Sequence[GoldEvent],
    system: Sequence[SystemEvent],
    wikidata: Mapping[str, Iterable[str]] | None = None,
    strict: bool = False,
) -> Matching[Any, Any]:
    """The trigger words or (unless `strict`) the CAMEO family fit, and a participant is
    shared. Strict matching keeps a system event from passing for a gold one of the same family
    that it does not name: "war" for "the invasion" in another sentence."""

    def fits(g: GoldEvent, s: SystemEvent) -> bool:
        words = trigger_fits(g, s) or (not strict and cameo_fits(g, s))
        return words and participant_fits(g, s, wikidata)

    # Shared trigger words name the same event more surely than a shared CAMEO family, and
    # more shared words more surely than fewer ("Court of Appeal then decided": "decided"
    # rather than "court action").
    def rank(g: GoldEvent, s: SystemEvent) -> tuple[bool, int]:
        return (not trigger_fits(g, s), -len(content_words(g.trigger) & content_words(s.label)))

    return match(gold, system, fits, rank)


# ---------------------------------------------------------------- scores per article and in total


@dataclass(frozen=True)
class ArticleResult:
    article: str
    iri: str | None
    matchings: Mapping[str, Matching[Any, Any]]

    def score(self, kind: str) -> Score:
        return self.matchings[kind].score


def score_article(
    gold: GoldArticle,
    system: SystemArticle,
    actor_wikidata: Mapping[str, str] | None = None,
    label_wikidata: Mapping[str, Iterable[str]] | None = None,
) -> ArticleResult:
    """Every kind scored for one article; the Wikidata maps default to the article's actors."""
    if actor_wikidata is None:
        actor_wikidata = {actor.iri: actor.wikidata for actor in system.actors if actor.wikidata}
    if label_wikidata is None:
        label_wikidata = _label_wikidata(system.actors)
    statements = (gold.statements, system.statements, actor_wikidata)
    return ArticleResult(
        gold.article,
        system.iri,
        {
            "actors": match_actors(gold.actors, system.actors),
            "statements": match_statements(*statements),
            "statement_content": match_statements(*statements, speaker=False),
            "events": match_events(gold.events, system.events, label_wikidata),
            "events_strict": match_events(gold.events, system.events, label_wikidata, True),
        },
    )


def score(
    golds: Sequence[GoldArticle], system: Mapping[str, SystemArticle], notes: Iterable[str] = ()
) -> Report:
    """The report for gold articles against the system's articles, keyed by file name."""
    notes = list(notes)
    everywhere = [actor for article in system.values() for actor in article.actors]
    actor_wikidata = {actor.iri: actor.wikidata for actor in everywhere if actor.wikidata}
    label_wikidata = _label_wikidata(everywhere)
    results = []
    for gold in golds:
        found = system.get(gold.article)
        if found is None:
            notes.append(f"{gold.article}: not in the store (no row of the articles query)")
            found = SystemArticle(iri=None)
        results.append(score_article(gold, found, actor_wikidata, label_wikidata))
    return Report(tuple(results), tuple(notes))


def _label_wikidata(actors: Iterable[SystemActor]) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for actor in actors:
        if actor.wikidata:
            labels.setdefault(actor.name, set()).add(actor.wikidata)
    return labels


@dataclass(frozen=True)
class Report:
    articles: tuple[ArticleResult, ...]
    notes: tuple[str, ...] = ()
    targets: Mapping[str, float] = field(default_factory=lambda: dict(TARGETS))

    def total(self, kind: str) -> Score:
        """Micro-averaged: the counts of every article added up."""
        return sum((article.score(kind) for article in self.articles), Score(0, 0, 0))

    def by_type(self) -> dict[str, Score]:
        """Strict event figures per gold event type: the gold events of the type, the system
        events whose kind falls under it (gold.gold_type), and the pairs where both do."""
        scores: dict[str, Score] = {}
        for article in self.articles:
            matching = article.matchings["events_strict"]
            for item in matching.gold:
                scores[item.type] = scores.get(item.type, Score(0, 0, 0)) + Score(0, 0, 1)
            for item in matching.system:
                kind = gold_type(item.kind)
                scores[kind] = scores.get(kind, Score(0, 0, 0)) + Score(0, 1, 0)
            for g, s in matching.pairs:
                kind = matching.gold[g].type
                if gold_type(matching.system[s].kind) == kind:
                    scores[kind] += Score(1, 0, 0)
        return dict(sorted(scores.items()))

    def below_targets(self) -> list[str]:
        """The kinds whose total F1 is under its target."""
        below = []
        for kind, target in self.targets.items():
            f1 = self.total(kind).f1
            if f1 is not None and f1 < target:
                below.append(kind)
        return below

    def to_json(self) -> dict[str, Any]:
        totals = {kind: self.total(kind).to_json() for kind in KINDS}
        for kind, target in self.targets.items():
            totals[kind]["target"] = target
            totals[kind]["meets_target"] = kind not in self.below_targets()
        articles = []
        for article in self.articles:
            entry: dict[str, Any] = {"article": article.article, "iri": article.iri}
            for kind in KINDS:
                matching = article.matchings[kind]
                entry[kind] = {
                    **matching.score.to_json(),
                    "misses": [_gold_json(item, article, kind) for item in matching.misses],
                    "false_positives": [
                        _system_json(i, article, kind) for i in matching.false_positives
                    ],
                }
            articles.append(entry)
        return {
            "targets": dict(self.targets),
            "totals": totals,
            "events_by_type": {kind: score.to_json() for kind, score in self.by_type().items()},
            "articles": articles,
            "notes": list(self.notes),
        }


def _gold_json(item: Any, article: ArticleResult, kind: str) -> dict[str, Any]:
    entry = dataclasses.asdict(item)
    if isinstance(item, GoldStatement):
        entry["speaker"] = item.speaker.name
        found = article.matchings["statement_content"].partner_of_gold(item)
        if kind == "statements" and found is not None:
            # The text was found, attributed to someone else.
            entry["found_with_speaker"] = found.speaker_name
    elif isinstance(item, GoldEvent):
        entry["participants"] = [actor.name for actor in item.participants]
    return entry


def _system_json(item: Any, article: ArticleResult, kind: str) -> dict[str, Any]:
    entry = dataclasses.asdict(item)
    if isinstance(item, SystemEvent):
        entry["participants"] = list(item.participants)
    if kind == "statements":
        found = article.matchings["statement_content"].partner_of_system(item)
        if found is not None:
            entry["text_of_gold_by"] = found.speaker.name
    return entry


# ---------------------------------------------------------------- rendering


def render(report: Report, verbose: bool = False) -> str:
    """The report as a table; with `verbose`, each article's misses and false positives."""
    width = max([len("total (micro)")] + [len(a.article) for a in report.articles]) + 2
    targets = ", ".join(f"{kind} >= {target:.2f}" for kind, target in report.targets.items())
    lines = [
        f"Extraction quality on {len(report.articles)} articles (target F1: {targets})",
        "",
        f"{'article':<{width}}{'kind':<17}{'matched':>8}{'system':>8}{'gold':>6}"
        f"{'P':>7}{'R':>7}{'F1':>7}",
    ]
    rows = [(a.article, {kind: a.score(kind) for kind in KINDS}) for a in report.articles]
    rows.append(("total (micro)", {kind: report.total(kind) for kind in KINDS}))
    below = report.below_targets()
    for index, (name, scores) in enumerate(rows):
        lines.append("")
        for kind in KINDS:
            s = scores[kind]
            label = LABELS.get(kind, kind)
            line = (
                f"{name if kind == 'actors' else '':<{width}}{label:<17}{s.matched:>8}"
                f"{s.system:>8}{s.gold:>6}{_num(s.precision)}{_num(s.recall)}{_num(s.f1)}"
            )
            if index == len(rows) - 1 and kind in report.targets:
                line += "  below target" if kind in below else "  ok"
            lines.append(line)
    lines += [
        "",
        "text only: statements whose words are right, whatever the speaker.",
        "events: trigger words or CAMEO family fit; strict: trigger words share a content word.",
        "",
        f"{'events by type (strict)':<{width}}{'':<17}{'matched':>8}{'system':>8}{'gold':>6}"
        f"{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for kind, s in report.by_type().items():
        lines.append(
            f"{kind:<{width}}{'':<17}{s.matched:>8}{s.system:>8}{s.gold:>6}"
            f"{_num(s.precision)}{_num(s.recall)}{_num(s.f1)}"
        )
    if verbose:
        for article in report.articles:
            lines += _details(article)
    if report.notes:
        lines += ["", "notes:"] + [f"  {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return f"{'-' if value is None else f'{value:.2f}':>7}"


def _details(article: ArticleResult) -> list[str]:
    lines = ["", f"== {article.article}" + (f" ({article.iri})" if article.iri else "")]
    for kind in ("actors", "statements", "events_strict"):
        matching = article.matchings[kind]
        for title, items, describe in (
            ("missed (gold)", matching.misses, _gold_json),
            ("false positives (system)", matching.false_positives, _system_json),
        ):
            if items:
                lines.append(f"  {kind.replace('_strict', ' (strict)')} {title}:")
                lines += [f"    - {_line(describe(item, article, kind))}" for item in items]
    return lines


def _line(entry: dict[str, Any]) -> str:
    """One item of a verbose listing, from its JSON form."""
    if "trigger" in entry or "label" in entry:
        words = entry.get("trigger") or entry.get("label")
        kind = entry.get("type") or f"{entry.get('kind')} (CAMEO {entry.get('cameo') or '-'})"
        text = f'{kind} "{words}" with {", ".join(entry["participants"]) or "no participants"}'
    elif "text" in entry:
        who = entry.get("speaker_name") or entry.get("speaker")
        text = f'{who}: "{_clip(entry["text"])}"'
        if "found_with_speaker" in entry:
            text += f"  [text found, attributed to {entry['found_with_speaker']}]"
        if "text_of_gold_by" in entry:
            text += f"  [text of a statement by {entry['text_of_gold_by']}]"
    else:
        text = f"{entry['name']} ({entry['type'] or 'no type'}"
        text += f", {qid(entry['wikidata'])})" if entry.get("wikidata") else ")"
        if "mentions" in entry:
            text += f", mentions: {entry['mentions']}"
    return text


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- the whole evaluation


def evaluate(gold_dir: Path, articles_dir: Path, settings: Settings) -> Report:
    """Ingest the gold files' articles into a temporary store and score the canned queries.

    Raises InputError for a bad gold file or one whose article is not in articles_dir. An
    article that cannot be read is scored as empty and named in the report's notes.
    """
    golds = read_gold_folder(Path(gold_dir))
    inputs: list[Any] = []
    for gold in golds:
        path = Path(articles_dir) / gold.article
        if not path.is_file():
            raise InputError(
                str(gold.path), f"its article {gold.article!r} is not in {articles_dir}"
            )
        try:
            articles = read_file(path, settings.max_bytes)
        except InputError as error:
            inputs.append(error)  # ingest reports it among the skipped inputs
            continue
        # The seed texts carry no date; the gold one resolves relative dates as annotated.
        if gold.published is not None:
            articles = [dataclasses.replace(a, published=gold.published) for a in articles]
        inputs.extend(articles)
    with tempfile.TemporaryDirectory(prefix="newsgraph-eval-") as tmp:
        folder = StoreFolder(tmp)
        with folder.writer() as writer:
            summary = ingest_articles(inputs, writer, settings.replace(store=tmp), progress=False)
        store = folder.reader()
        system, notes = read_system(store)
        del store  # close the snapshot before its folder is removed
    return score(golds, system, [f"not ingested: {error}" for error in summary.skipped] + notes)
