"""What extraction produces: plain dataclasses that know nothing of spaCy or RDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Span:
    begin: int
    end: int
    text: str


@dataclass
class Actor:
    key: str  # unique within the article
    name: str  # the full name, used as the label
    type: str  # Person, Organization, Country or Group
    mentions: list[Span] = field(default_factory=list)
    wikidata: str | None = None
    link_score: float | None = None
    link_method: str | None = None
    linked_at: str | None = None

    @property
    def aliases(self) -> list[str]:
        return sorted({mention.text for mention in self.mentions} - {self.name})


@dataclass
class Statement:
    speaker: str  # Actor.key
    text: str
    span: Span  # the attributed content
    cue: str
    direct: bool
    about: list[str] = field(default_factory=list)  # Actor.keys


class Factuality(str, Enum):
    """Whether the text asserts an event, only threatens, plans or supposes it, or negates it;
    the values are the local names of the ontology's individuals (ng:Asserted ...)."""

    ASSERTED = "Asserted"
    HYPOTHETICAL = "Hypothetical"
    NEGATED = "Negated"


@dataclass
class Event:
    label: str  # trigger words
    kind: str  # a concept of ontology/eventkinds.ttl: Meeting, Election, ...
    cameo: str | None  # a CAMEO code where one applies, else None
    span: Span  # the trigger
    sources: list[str] = field(default_factory=list)  # Actor.keys
    targets: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    date: str | None = None  # ISO date, YYYY-MM or YYYY
    time_expression: str | None = None
    place: str | None = None  # Actor.key of a country, or a place name
    factuality: Factuality = Factuality.ASSERTED
    more_spans: list[Span] = field(default_factory=list)  # later mentions of the same event

    @property
    def participants(self) -> list[str]:
        return list(dict.fromkeys(self.sources + self.targets + self.others))


@dataclass
class Extraction:
    actors: dict[str, Actor] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
