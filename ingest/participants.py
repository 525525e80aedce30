"""Event participants: the actors around a trigger in the dependency parse, by role.

Which dependent takes which role is data (the ROLE tables below): a verb's subject acts, its
object undergoes; a noun's possessor or modifier acts ("Brown's report", "Russian invasion");
a preposition's word decides for its object ("talks with Iran", "sanctions on Russia"). A
noun trigger also takes the participants of the verb it is the object of ("Iran held talks").
"""

from __future__ import annotations

from enum import Enum

from spacy.tokens import Doc, Token

from newsgraph.ingest import attribution, docindex, triggers
from newsgraph.ingest.actors import ActorSet


class Role(Enum):
    SOURCE = "source"  # who acts
    TARGET = "target"  # who is acted upon
    OTHER = "other"  # who takes part: "talks with Iran"


S, T, OTHER = Role.SOURCE, Role.TARGET, Role.OTHER
# The role of a dependent of a verb trigger, by its dependency label.
VERB_ROLES = {"nsubj": S, "dobj": T, "nsubjpass": T}
# ... of a noun trigger; modifiers only before it ("Russian invasion", not "talks Russian").
NOUN_ROLES = {"poss": S, "compound": S, "amod": S}
# The role of a preposition's object, by the preposition, after a verb or a noun.
VERB_PREP_ROLES = {
    "with": OTHER, "between": OTHER, "among": OTHER, "from": OTHER,
    "of": T, "on": T, "against": T, "to": T, "into": T, "for": T,
}  # fmt: skip
NOUN_PREP_ROLES = VERB_PREP_ROLES | {"from": S, "by": S}

# Nouns whose possessor undergoes them: "Crutcher's killing", "Galloway's expulsion".
UNDERGONE = {
    "killing", "murder", "assassination", "arrest", "detention", "kidnapping", "abduction",
    "deportation", "expulsion", "execution", "sacking", "appointment", "nomination",
    "election", "re-election", "release", "trial", "conviction", "persecution", "jailing",
}  # fmt: skip
# Roles in which people act for whoever they belong to: "Kenya's president met ...".
AGENT_ROLES = {
    "president", "minister", "leader", "government", "official", "premier", "chancellor",
    "envoy", "ambassador", "delegation", "army", "military", "force", "troop", "navy",
    "spokesman", "spokeswoman", "spokesperson", "counterpart", "authority", "administration",
    "diplomat", "king", "queen", "ruler", "negotiator",
}  # fmt: skip
# Verbs that only name an event noun ("did not use the term invasion") or react to it ("NATO
# condemned the attack"): their subject does not take part in it.
NAMING_VERBS = {"use", "call", "name", "term", "mention", "cite", "label", "dub"}
REACTING_VERBS = {
    "condemn", "criticise", "criticize", "denounce", "deplore", "decry", "slam", "welcome",
    "praise", "reject", "deny", "oppose", "protest", "blame", "mourn", "investigate", "report",
    "discuss", "question", "fear", "regret", "lament", "mark", "remember", "commemorate",
    "respond", "follow", "attack", "dismiss",
}  # fmt: skip
# Roles by which a story names again a person it has named ("the 50-year-old MP").
PERSON_ROLES = {
    "mp", "minister", "senator", "congressman", "congresswoman", "candidate", "chancellor",
    "secretary", "premier", "governor", "mayor", "nominee", "lawmaker", "peer", "judge",
}  # fmt: skip
# Where a verb without a subject of its own shares the last subject before it ("told NBC ...
# and threatened"); not a verb inside a noun phrase ("conspiracy to murder").
COORDINATED = {"conj", "xcomp", "advcl", "ccomp", "ROOT"}
PRONOUNS = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f"}


def _definite(word: Token) -> bool:
    """A noun with "the" and no person's name in it: "the Glasgow Kelvin MP", not "the
    Labour MP Oona King"."""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in word.children) and not any(
        t.ent_type_ == "PERSON" for t in word.subtree
    )


def unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def clause_subject(verb: Token) -> Token | None:
    """A verb's subject, or that of the verb it is the complement or conjunct of; after "from"
    or "of", the object of the verb that governs it ("deter Beijing from providing aid",
    "accused the US of sending weapons"); in a noun's clause, the noun's possessor."""
    for _ in range(5):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if verb.dep_ == "pcomp" and verb.head.head is not verb.head:
            governor = verb.head.head
            objects = [c for c in governor.children if c.dep_ == "dobj"]
            if verb.head.lower_ in ("from", "of") and objects:
                return objects[0]
            verb = governor
            continue
        if verb.dep_ == "acl":
            # "Blair's decision to go to war": whose the decision is
            owners = [c for c in verb.head.children if c.dep_ == "poss"]
            return owners[0] if owners else None
        if verb.dep_ == "xcomp" and verb.head.dep_ == "acomp" and verb.head.head is not verb.head:
            verb = verb.head.head  # "Zelensky is due to meet": through the adjective to its verb
            continue
        if verb.dep_ not in ("xcomp", "conj", "advcl") or verb.head is verb:
            return None
        verb = verb.head
    return None


class Participants:
    """Finds the actors around a trigger in the dependency parse."""

    def __init__(self, doc: Doc, actors: ActorSet) -> None:
        self.doc = doc
        self.actors = actors

    def actor(self, token: Token) -> list[str]:
        """The actors a noun phrase head names, with its conjuncts ("Biden and Xi")."""
        found = []
        for word in [token, *token.conjuncts]:
            if word.tag_ in ("WP", "WDT") and word.head.dep_ == "relcl":
                word = word.head.head  # "Mr Galloway, who won ...": the antecedent
            key = self.actors.token_actor.get(word.i)
            if key is None and (
                word.lower_ == "its" or (word.lower_ == "it" and word.dep_.startswith("nsubj"))
            ):
                key = self._it(word)  # a subject: "voted against it" is about a thing
            if key is None:
                key = next(
                    (
                        k
                        for c in word.children
                        if c.dep_ == "appos" and (k := self.actors.token_actor.get(c.i))
                    ),
                    None,
                )  # "the newspaper, Moskovsky Komsomolets,"
            if key is None and word.lemma_.lower() in PERSON_ROLES and _definite(word):
                # "The 50-year-old MP launched Respect": the person last named.
                key = self.actors.last_person_before(word.i)
            if key is None and word.lower_ in PRONOUNS:
                gender = PRONOUNS[word.lower_]
                key = self._cataphora(word) or self.actors.last_person_before(word.i, gender)
            if key is None and word.lower_ in ("their", "they", "both"):
                # "if they win the election": the party last the subject of a clause close
                # by; "their virtual meeting": else the two people last named.
                party = self._recent_subject(word, ("Organization", "Group"))
                found.extend([party] if party else self._last_two_persons(word.i))
                continue
            if key is None and word.pos_ == "NOUN":
                # "Russian energy infrastructure": the nationality stands for its country.
                for modifier in word.children:
                    if modifier.dep_ in ("amod", "compound") and modifier.i < word.i:
                        key = self.actors.token_actor.get(modifier.i) or self._demonym(modifier)
                        if key:
                            break
            if key is None:
                key = self._demonym(word)
            if key is None and word.pos_ in ("NOUN", "PROPN"):
                key = self._inside(word)
            if key is not None:
                found.append(key)
        return found

    def _inside(self, word: Token) -> str | None:
        """An actor inside the phrase ("the leaders of China"), but not a possessor
        ("attacking Zelensky's credibility" does not attack Zelensky) unless the phrase is
        someone acting for it ("France's foreign minister")."""
        owned = {
            t.i
            for c in word.children
            if (c.dep_ == "poss" and word.lemma_.lower() not in AGENT_ROLES)
            or c.dep_ in ("relcl", "acl", "appos")  # "the MP, who was expelled from Labour"
            for t in c.subtree
        }
        for i in range(word.left_edge.i, word.right_edge.i + 1):
            if i not in owned and (key := self.actors.token_actor.get(i)):
                return key
        return None

    def _recent_subject(self, word: Token, types: tuple[str, ...]) -> str | None:
        """The actor of these types last a clause's subject, in this sentence or the one
        before it."""
        key = self.actors.last_subject_before(word.i, types)
        start = docindex.sentence(word).start
        before = docindex.sentence(self.doc[start - 1]).start if start else start
        if key is not None and any(
            before <= index < word.i and k == key for index, k in self.actors.order
        ):
            return key
        return None

    def _it(self, word: Token) -> str | None:
        """ "It": the organization or country named last before it in its sentence ("support
        for Russia as it prosecutes its war"), else the last one that was a subject."""
        types = ("Organization", "Country", "Group")
        key = self.actors.last_before(word.i, types)
        start = docindex.sentence(word).start
        if key is not None and any(
            index >= start and k == key for index, k in self.actors.order if index < word.i
        ):
            return key
        return self.actors.last_subject_before(word.i, types)

    def _cataphora(self, word: Token) -> str | None:
        """A possessive before the main clause's subject means it: "In his call, Peskov said"."""
        if word.dep_ != "poss":
            return None
        root = docindex.sentence(word).root
        for child in root.children:
            if child.dep_ == "nsubj" and child.i > word.i:
                key = self.actors.token_actor.get(child.i)
                if key and self.actors.actors[key].type == "Person":
                    return key
        return None

    def _last_two_persons(self, before: int) -> list[str]:
        persons: list[str] = []
        for index, key in reversed(self.actors.order):
            if index < before and self.actors.actors[key].type == "Person" and key not in persons:
                persons.append(key)
            if len(persons) == 2:
                break
        return persons if len(persons) == 2 else []

    def _demonym(self, word: Token) -> str | None:
        """ "Russian" in "the Russian invasion" stands for Russia."""
        return self.actors.country_of(word)

    def _dependents(
        self,
        token: Token,
        roles: dict[str, Role],
        prep_roles: dict[str, Role],
        found: dict[Role, list[str]],
    ) -> None:
        """Adds the actors among a token's dependents to `found`, by role."""
        for child in token.children:
            role = roles.get(child.dep_)
            if child.dep_ == "poss" and token.lemma_.lower() in UNDERGONE:
                role = T
            if role is not None and (child.dep_ in VERB_ROLES or child.i < token.i):
                found[role] += self.actor(child)
            elif child.dep_ == "agent":
                for grand in child.children:
                    found[S] += self.actor(grand)
            elif child.dep_ == "prep" and child.lower_ in prep_roles:
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        found[prep_roles[child.lower_]] += self.actor(grand)

    def of(self, trigger: Token) -> tuple[list[str], list[str], list[str]]:
        """The source, target and other actors of a trigger."""
        found: dict[Role, list[str]] = {S: [], T: [], OTHER: []}
        verb = triggers.pos(trigger) == "VERB"
        if verb:
            self._dependents(trigger, VERB_ROLES, VERB_PREP_ROLES, found)
            if not found[S] and trigger.dep_ in ("xcomp", "conj", "pcomp"):
                subject = clause_subject(trigger)
                if subject is not None:
                    found[S] += self.actor(subject)
        else:
            self._dependents(trigger, NOUN_ROLES, NOUN_PREP_ROLES, found)
            if trigger.dep_ == "compound" and trigger.head.pos_ == "NOUN":
                # "the EU's aid package for tsunami victims": the phrase's participants
                self._dependents(trigger.head, NOUN_ROLES, NOUN_PREP_ROLES, found)
            for child in trigger.children:
                if child.dep_ in ("acl", "relcl"):
                    # "sanctions imposed on Russia", "the report published by the committee"
                    self._dependents(child, {}, {**VERB_PREP_ROLES, "by": S}, found)
            self._governing_verb(trigger, found)
        if (
            not any(found.values())
            and verb
            and trigger.dep_ in COORDINATED
            and not _reported(trigger)
        ):
            # "Trump told NBC ... and threatened to impose": coordinated verbs share the subject
            # named last before them in the sentence.
            for token in reversed(trigger.doc[docindex.sentence(trigger).start : trigger.i]):
                if token.dep_ == "nsubj" and token.i in self.actors.token_actor:
                    found[S].append(self.actors.token_actor[token.i])
                    break
        sources = unique(found[S])
        targets = unique([t for t in found[T] if t not in sources])
        return sources, targets, unique([o for o in found[OTHER] if o not in sources + targets])

    def _governing_verb(self, trigger: Token, found: dict[Role, list[str]]) -> None:
        """A noun takes the participants of the verb that carries it: "held a summit",
        "threatened to impose sanctions on Iran", "have been in talks", "stand against Ms King
        at the election"."""
        carried = triggers.carrier(trigger)
        if carried is not None:
            anchor, head = carried
            # "NATO condemned the attack" does not attack; "dismissed it in a speech" speaks.
            reacting = head.lemma_.lower() in REACTING_VERBS and not (
                anchor.dep_ == "prep" and anchor.lower_ in ("in", "at", "during")
            )
            # "did not use the term invasion", "called it a war"; but "called an election".
            naming = head.lemma_.lower() in NAMING_VERBS and (
                head.lemma_.lower() != "call" or triggers.CONDITIONS["named"](head, frozenset())
            )
            if not (reacting or naming):
                subject = clause_subject(head)
                if subject is not None:
                    # "Respect failed ... in June's European Parliament elections": who takes
                    # part, beside what the noun names itself.
                    found[OTHER if found[S] else S] += self.actor(subject)
                for child in head.children:
                    if (
                        child.dep_ == "prep"
                        and child.lower_ in VERB_PREP_ROLES
                        and child is not anchor
                    ):
                        role = VERB_PREP_ROLES[child.lower_]
                        found[role] += [
                            k for g in child.children if g.dep_ == "pobj" for k in self.actor(g)
                        ]
                    elif child.dep_ == "agent":
                        found[S] += [k for g in child.children for k in self.actor(g)]
                    elif child.dep_ == "dobj" and anchor.dep_ == "prep":
                        found[T] += self.actor(child)  # "met Kharrazi for talks"


def _reported(verb: Token) -> bool:
    """Whether a verb is in the words a verb of saying reports ("the ministry said four people
    were killed"): whoever reports it did not take part in it."""
    return verb.dep_ == "ccomp" and attribution.of_saying(verb.head)
