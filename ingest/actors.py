"""Actors: the article's mentions (newsgraph.ingest.mentions) grouped so that each real-world
entity is one actor per article.

"President Joe Biden", "Mr. Biden", "Biden" and "Biden's" become one Person; "US", "U.S.",
"the United States" and "Washington" one Country; a nationality adjective becomes its country
only where it stands for the government ("the Chinese government"), never in "Chinese state media".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsgraph.ingest import gazetteer, nonactors
from newsgraph.ingest.extraction import Actor, Span
from newsgraph.ingest.linking import Linker, LinkRequest
from newsgraph.ingest.mentions import Mention, find
from newsgraph.ontology import slug


@dataclass
class ActorSet:
    """The actors of one article, and which tokens mention which actor."""

    actors: dict[str, Actor] = field(default_factory=dict)
    token_actor: dict[int, str] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)
    order: list[tuple[int, str]] = field(default_factory=list)  # (token index, actor key)
    subjects: set[str] = field(default_factory=set)  # actors that were a clause's subject

    def forget(self, key: str) -> None:
        """Drop an actor and every trace of its mentions."""
        self.token_actor = {i: k for i, k in self.token_actor.items() if k != key}
        self.order = [(i, k) for i, k in self.order if k != key]
        self.genders.pop(key, None)
        self.subjects.discard(key)
        del self.actors[key]

    def actor_at(self, span: SpacySpan) -> str | None:
        """The actor a span names: the one mentioned by its root, else its first mentioned actor."""
        if span.root.i in self.token_actor:
            return self.token_actor[span.root.i]
        for token in span:
            if token.i in self.token_actor:
                return self.token_actor[token.i]
        return None

    def actors_in(self, start: int, end: int) -> list[str]:
        keys = [self.token_actor[i] for i in range(start, end) if i in self.token_actor]
        return list(dict.fromkeys(keys))

    def last_before(self, token_index: int, types: tuple[str, ...]) -> str | None:
        for index, key in reversed(self.order):
            if index < token_index and self.actors[key].type in types:
                return key
        return None

    def last_person_before(self, token_index: int, gender: str | None = None) -> str | None:
        """The person a pronoun most likely means: the last one named of a gender that fits."""
        for index, key in reversed(self.order):
            if index >= token_index or self.actors[key].type != "Person":
                continue
            if gender and self.genders.get(key) not in (None, gender):
                continue
            return key
        return None

    def last_subject_before(
        self, token_index: int, types: tuple[str, ...], since: int = 0
    ) -> str | None:
        """The last actor of these types that was the grammatical subject of a clause, mentioned
        from token `since` on."""
        for index, key in reversed(self.order):
            if index < since:
                return None
            if index < token_index and key in self.subjects and self.actors[key].type in types:
                return key
        return None

    def country_of(self, word: Token) -> str | None:
        """The country a nationality word stands for ("Russian" in "the Russian invasion",
        "Chinese" in "the Chinese readout"), made an actor of the article if it is not one."""
        country = gazetteer.load().demonyms.get(word.lower_)
        if country is None:
            return None
        return self.country_named(country, Span(word.idx, word.idx + len(word.text), word.text))

    def country_named(self, country: str, mention: Span) -> str:
        """The actor of a country the text names by a word that stands for it, made an actor of
        the article if it is not one."""
        key = "country:" + country.lower().replace(" ", "-")
        for actor in self.actors.values():
            if actor.type == "Country" and actor.name == country:
                key = actor.key
                break
        found = self.actors.get(key)
        if found is None:
            found = self.actors[key] = Actor(key=key, name=country, type="Country")
        found.mentions.append(mention)
        return key


def _org_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """An organization's words for comparison: "Foreign Affairs Ministry" is "Foreign Ministry"."""
    return tuple(w.lower() for w in words if w.lower() not in ("affairs", "the"))


def _person_key(
    mention: Mention, persons: dict[str, list[str]], recent: list[str], genders: dict[str, str]
) -> str | None:
    """The person an existing actor a mention refers to: same full name, or one name word of it
    and no other gender ("Mrs. Clinton" is not the Bill Clinton named last)."""
    words = [w.lower() for w in mention.tokens]
    if mention.gender:
        # Of two named "Clinton", "Mrs. Clinton" is the one known to be a woman, if there is
        # one (the last looked at first); never one known to be a man.
        unknown = [key for key in recent if key not in genders]
        recent = unknown + [key for key in recent if genders.get(key) == mention.gender]
    if len(words) >= 2:
        for key, name in persons.items():
            if [w.lower() for w in name] == words:
                return key
        # "Joe Biden" after a lone "Biden": the same person, now with a full name.
        for key in reversed(recent):
            name = [w.lower() for w in persons[key]]
            if len(name) == 1 and name[0] in (words[0], words[-1]):
                return key
        return None
    for key in reversed(recent):
        name = [w.lower() for w in persons[key]]
        if words[0] in (name[0], name[-1]):
            return key
    return None


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def extract(doc: Doc, body_start: int, countries: dict[str, str]) -> ActorSet:
    """Group the article's mentions into actors, one per entity.

    `countries` maps lower-cased country names and aliases to a canonical country name.
    """
    result = ActorSet()
    persons: dict[str, list[str]] = {}
    recent_persons: list[str] = []
    orgs: dict[str, tuple[str, ...]] = {}
    acting: set[str] = set()  # groups with a mention that takes part in what happens
    for mention in find(doc, body_start, countries):
        key: str | None
        if mention.type == "Person":
            key = _person_key(mention, persons, recent_persons, result.genders)
            if key is None:
                key = "person:" + slug(" ".join(mention.tokens))
                persons[key] = list(mention.tokens)
            elif len(mention.tokens) > len(persons[key]):
                persons[key] = list(mention.tokens)
            if key in recent_persons:
                recent_persons.remove(key)
            recent_persons.append(key)
            if mention.gender:
                result.genders.setdefault(key, mention.gender)
            name = " ".join(persons[key])
        elif mention.type == "Country":
            key = "country:" + slug(mention.country or mention.text)
            name = mention.country or mention.text
        else:
            words = tuple(w for w in mention.tokens if w)
            key = None
            for other, other_words in orgs.items():
                lowered = _org_words(words)
                other_lowered = _org_words(other_words)
                if (
                    lowered == other_lowered
                    or (len(words) == 1 and words[0] == _acronym(other_words) and len(words[0]) > 1)
                    or (len(other_words) == 1 and other_words[0] == _acronym(words))
                ):
                    key = other
                    break
                if len(lowered) < len(other_lowered) and other_lowered[-len(lowered) :] == lowered:
                    key = other  # "Foreign Ministry" after "Chinese Foreign Ministry"
                    break
            if key is None:
                key = f"{mention.type.lower()}:" + slug(" ".join(words))
                orgs[key] = words
            elif len(words) > len(orgs[key]) and len(orgs[key]) > 1:
                orgs[key] = words
            # Group names keep the text's own spelling ("pro-democracy advocates").
            name = (
                mention.text
                if mention.type == "Group" and len(words) == len(orgs[key])
                else " ".join(orgs[key])
            )
        actor = result.actors.get(key)
        if actor is None:
            actor = result.actors[key] = Actor(key=key, name=name, type=mention.type)
        actor.name = name if mention.type != "Country" else actor.name
        actor.mentions.append(Span(mention.begin, mention.end, mention.text))
        for index in range(mention.start_token, mention.end_token):
            result.token_actor[index] = key
            if doc[index].dep_ in ("nsubj", "nsubjpass"):
                result.subjects.add(key)
        result.order.append((mention.start_token, key))
        if mention.type == "Group" and nonactors.acts(
            doc[mention.start_token : mention.end_token].root
        ):
            acting.add(key)
    # "the Chinese", "Labour members", "voters": a collective is an actor where it takes part.
    for key in [k for k, actor in result.actors.items() if actor.type == "Group"]:
        if key not in acting:
            result.forget(key)
    _merge_same_names(result)
    for actor in result.actors.values():
        title = _title_of(actor)
        name = f"{title} {actor.name}" if title else actor.name
        actor.name = _label(name) if actor.type != "Group" else " ".join(name.split())
    return result


# Titles that are part of how a person is named when no first name is given: "Lady Hale".
STYLED_TITLES = {"lady", "lord", "sir", "dame", "justice"}


def _title_of(actor: Actor) -> str | None:
    if actor.type != "Person" or " " in actor.name:
        return None
    for mention in actor.mentions:
        words = mention.text.split()
        if len(words) >= 2 and words[-2].lower() in STYLED_TITLES:
            return " ".join(words[:-1])
    return None


def _merge_same_names(result: ActorSet) -> None:
    """The recogniser may call one name a person here and an organization there: keep one actor.

    Also "Telegraph" (taken for a person) with "Daily Telegraph", and "NBC" with "NBC News".
    """
    organizations = [
        a for a in result.actors.values() if a.type == "Organization" and " " in a.name
    ]
    for key in list(result.actors):
        actor = result.actors[key]
        if " " in actor.name or actor.type not in ("Person", "Organization"):
            continue
        if actor.type == "Person" and key in result.genders:
            continue
        for organization in organizations:
            words = organization.name.split()
            if organization.key != key and (
                (actor.type == "Person" and words[-1] == actor.name)
                or (actor.type == "Organization" and words[0] == actor.name)
            ):
                _absorb(result, organization.key, key)
                break
    by_name: dict[str, str] = {}
    for key in sorted(result.actors, key=lambda k: -len(result.actors[k].mentions)):
        actor = result.actors[key]
        if actor.type == "Country":
            continue
        name = actor.name.lower()
        if name in by_name:
            _absorb(result, by_name[name], key)
        else:
            by_name[name] = key


def _label(name: str) -> str:
    """One deterministic label per name, so the same actor across articles gets one label."""
    name = " ".join(name.split())
    if name.islower():
        name = name.title()
    return name


def link(result: ActorSet, linker: Linker) -> None:
    """Link each actor to Wikidata; actors linked to one entity become one actor.

    A linked actor takes its label from the link (countries their short common name), so the
    same entity has one label in every article.
    """
    # A capitalised group name ("Conservatives", tagged a nationality or group by the
    # recogniser) may be an organization the index knows: ask for it as one.
    keys = [
        key
        for key, actor in result.actors.items()
        if actor.type != "Group" or actor.name[:1].isupper()
    ]
    names = [result.actors[key].name for key in keys]
    requests = [
        LinkRequest(
            result.actors[key].name,
            "Organization" if result.actors[key].type == "Group" else result.actors[key].type,
            tuple(result.actors[key].aliases),
            tuple(n for n in names if n != result.actors[key].name),
        )
        for key in keys
    ]
    countries = gazetteer.country_names()
    by_qid: dict[str, str] = {}
    for key, found in zip(keys, linker.link_many(requests), strict=True):
        if found is None:
            continue
        actor = result.actors[key]
        if actor.type == "Group":
            actor.type = "Organization"
        actor.wikidata, actor.link_score, actor.link_method = found.qid, found.score, found.method
        actor.linked_at = found.at or None
        actor.name = (
            countries.get(found.label.lower(), found.label)
            if actor.type == "Country"
            else found.label
        )
        keeper = by_qid.setdefault(found.qid, key)
        if keeper != key:
            _absorb(result, keeper, key)


def _absorb(result: ActorSet, keeper_key: str, key: str) -> None:
    keeper = result.actors[keeper_key]
    keeper.mentions = sorted(keeper.mentions + result.actors[key].mentions, key=lambda m: m.begin)
    for index, owner in result.token_actor.items():
        if owner == key:
            result.token_actor[index] = keeper_key
    result.order = [(i, keeper_key if k == key else k) for i, k in result.order]
    if key in result.genders:
        result.genders.setdefault(keeper_key, result.genders[key])
    if key in result.subjects:
        result.subjects.add(keeper_key)
        result.subjects.discard(key)
    del result.actors[key]
