"""A large graph shaped like ours: generated extractions built by rdf.build, the real RDF stage.

Deterministic (one seeded random generator). 20,000 actors (people, organizations, countries,
groups; a third linked to Wikidata) are named in articles with Zipf-like popularity, as news
names a few actors often and most rarely. Each article has its own text, in which every
mention, quote and event trigger has its real character span; about 400 quads an article.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from newsgraph.ingest import rdf
from newsgraph.ingest.articles import Article
from newsgraph.ingest.extraction import Actor, Event, Extraction, Factuality, Span, Statement
from newsgraph.ingest.serialized import SerializedGraph, serialize_graph
from newsgraph.ontology import Minter

SEED = 20261125
ACTORS = 20_000
ACTORS_PER_ARTICLE = 12
STATEMENTS_PER_ARTICLE = 6
EVENTS_PER_ARTICLE = 8
CAMEO = (
    "010",
    "020",
    "036",
    "040",
    "041",
    "042",
    "043",
    "051",
    "057",
    "061",
    "070",
    "090",
    "100",
    "111",
    "112",
    "120",
    "130",
    "138",
    "141",
    "163",
    "172",
    "190",
    "193",
    "195",
)
# Each trigger with its kind and CAMEO code; a call takes any code of CAMEO above.
TRIGGERS = {
    "met": ("Meeting", "040"),
    "called": ("Communication", None),
    "sanctioned": ("Sanction", "163"),
    "accused": ("Accusation", "112"),
    "praised": ("Endorsement", "051"),
    "visited": ("Meeting", "042"),
}
CUES = ("said", "told reporters", "said in a statement", "wrote", "warned", "added")
FIRST = (
    "Ana",
    "Boris",
    "Chen",
    "Dara",
    "Emeka",
    "Farah",
    "Giulia",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nadia",
    "Olu",
    "Pavel",
    "Quynh",
    "Rosa",
    "Sami",
    "Tove",
)
LAST = (
    "Abara",
    "Berg",
    "Castillo",
    "Dimitrov",
    "Eze",
    "Fontaine",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umarov",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhou",
)
ORG_WORDS = (
    "Ministry of Trade",
    "Central Bank",
    "Energy Agency",
    "Defence Ministry",
    "Health Council",
    "Port Authority",
    "Rail Union",
    "Grain Board",
)
FILLER = (
    "met officials in the capital",
    "spoke about the talks",
    "was seen at the summit",
    "declined to comment further",
    "visited the border region",
    "reviewed the budget",
)


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    wikidata: str | None


def entities() -> list[Entity]:
    """The actors, most popular first."""
    found = []
    for number in range(ACTORS):
        kind = ("Person",) * 5 + ("Organization",) * 3 + ("Group", "Country")
        actor_type = kind[number % 10] if number >= 10 else "Country"
        if actor_type == "Country" and number >= 2000:
            actor_type = "Person"
        if actor_type == "Person":
            name = f"{FIRST[number % 20]} {LAST[number // 20 % 26]}-{number}"
        elif actor_type == "Organization":
            name = f"{ORG_WORDS[number % 8]} {number}"
        elif actor_type == "Group":
            name = f"protesters of district {number}"
        else:
            name = f"Republic of Place {number}"
        wikidata = f"Q{900000 + number}" if number % 3 == 0 and actor_type != "Group" else None
        found.append(Entity(name, actor_type, wikidata))
    return found


class _Text:
    """Article text written sentence by sentence, keeping the span of each named piece."""

    def __init__(self, title: str) -> None:
        self.parts = [title, "\n"]
        self.length = len(title) + 1

    def add(self, *pieces: str) -> list[Span]:
        """Append pieces; the span of every odd-numbered piece (the named ones) is returned."""
        spans = []
        for index, piece in enumerate(pieces):
            if index % 2 == 1:
                spans.append(Span(self.length, self.length + len(piece), piece))
            self.parts.append(piece)
            self.length += len(piece)
        return spans

    def text(self) -> str:
        return "".join(self.parts)


def article(
    number: int, rng: random.Random, actors: list[Entity], weights: list[float]
) -> tuple[Article, Extraction]:
    """One generated article and its extraction."""
    title = f"Generated report {number}"
    text = _Text(title)
    published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
    chosen: dict[int, None] = {}
    while len(chosen) < ACTORS_PER_ARTICLE:
        chosen.setdefault(rng.choices(range(ACTORS), cum_weights=weights)[0])
    found: dict[str, Actor] = {}
    for index in chosen:
        entity = actors[index]
        key = f"a{index}"
        found[key] = Actor(
            key,
            entity.name,
            entity.type,
            wikidata=entity.wikidata,
            link_score=0.9 if entity.wikidata else None,
            link_method="index" if entity.wikidata else None,
        )
        for _ in range(rng.randint(1, 3)):
            (span,) = text.add("", entity.name, f" {rng.choice(FILLER)}. ")
            found[key].mentions.append(span)
    keys = list(found)
    statements = []
    for position in range(STATEMENTS_PER_ARTICLE):
        speaker, about = rng.sample(keys, 2)
        words = f"We will keep working with {found[about].name} on point {position}"
        quote, name = text.add('"', words, '", ', found[speaker].name, f" {rng.choice(CUES)}. ")
        found[speaker].mentions.append(name)
        statements.append(
            Statement(speaker, words, quote, rng.choice(CUES), rng.random() < 0.7, [about])
        )
    events = []
    for _ in range(EVENTS_PER_ARTICLE):
        source, target = rng.sample(keys, 2)
        when = published - dt.timedelta(days=rng.randrange(30))
        trigger = rng.choice(tuple(TRIGGERS))
        kind, code = TRIGGERS[trigger]
        first, verb, second = text.add(
            "", found[source].name, " ", trigger, " ", found[target].name, f" on {when:%d %B %Y}. "
        )[0:3]
        found[source].mentions.append(first)
        found[target].mentions.append(second)
        roll = rng.random()
        drawn = rng.choice(CAMEO)  # drawn for every event, as before kinds: the same graph
        factuality = (
            Factuality.ASSERTED
            if roll < 0.85
            else Factuality.HYPOTHETICAL
            if roll < 0.95
            else Factuality.NEGATED
        )
        events.append(
            Event(
                label=trigger,
                kind=kind,
                cameo=code or drawn,
                span=verb,
                sources=[source],
                targets=[target],
                date=when.isoformat(),
                time_expression=f"{when:%d %B %Y}",
                factuality=factuality,
            )
        )
    for actor in found.values():
        actor.mentions.sort(key=lambda span: span.begin)
    body = text.text()
    return (
        Article(
            body,
            f"generated/{number:05d}.txt",
            title=title,
            url=f"https://news.example.org/generated/{number:05d}",
            published=published,
            body_start=len(title) + 1,
        ),
        Extraction(found, statements, events),
    )


def graphs(quads: int, base: str, start: int = 0) -> Iterator[SerializedGraph]:
    """Article graphs until a store holding them holds `quads` quads; `start` numbers the first
    article (and seeds the generator)."""
    rng = random.Random(SEED + start)
    actors = entities()
    weights, total = [], 0.0
    for rank in range(ACTORS):
        total += 1.0 / (rank + 1) ** 1.1
        weights.append(total)
    minter = Minter(base)
    made, number = 0, start
    described: set[bytes] = set()  # actor triples: the actors graph holds each one once
    while made < quads:
        graph = serialize_graph(rdf.build(*article(number, rng, actors, weights), minter))
        new = set(graph.actor_triples.splitlines()) - described
        described |= new
        made += graph.triples.count(b"\n") + len(new)
        number += 1
        yield graph
