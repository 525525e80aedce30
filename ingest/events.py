"""Events: trigger words mapped to CAMEO codes, with participants, date, place and factuality."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc, Token

from newsgraph.ingest import dates, docindex, gazetteer
from newsgraph.ingest.actors import ActorSet
from newsgraph.ingest.extraction import Actor, Event
from newsgraph.ingest.extraction import Span as TextSpan

# Trigger lemma -> CAMEO code. Nouns and verbs are kept apart: "strike" the noun is an attack,
# "strike a deal" the verb is not.
NOUN_TRIGGERS = {
    "summit": "040",
    "meeting": "040",
    "talks": "046",
    "talk": "046",
    "negotiation": "046",
    "visit": "042",
    "interview": "040",
    "invasion": "190",
    "war": "190",
    "offensive": "190",
    "attack": "190",
    "strike": "190",
    "airstrike": "195",
    "bombing": "195",
    "shelling": "190",
    "assault": "180",
    "sanction": "163",
    "embargo": "163",
    "tariff": "163",
    "aid": "070",
    "assistance": "070",
    "donation": "070",
    "accusation": "112",
    "criticism": "111",
    "condemnation": "111",
    "threat": "130",
    "consequence": "130",
    "agreement": "057",
    "deal": "057",
    "treaty": "057",
    "ceasefire": "087",
    "truce": "087",
    "protest": "140",
    "demonstration": "141",
    "rally": "141",
    "arrest": "173",
    "detention": "173",
    "expulsion": "174",
    "deportation": "174",
    "lawsuit": "115",
    "investigation": "090",
    "probe": "090",
    "demand": "100",
    "ultimatum": "130",
    "provocation": "150",
    "culprit": "112",
    "interference": "160",
    "meddling": "160",
    "loan": "071",
    "funding": "071",
    "clash": "190",
    "fighting": "190",
    "raid": "180",
    "boycott": "163",
    "bombardment": "195",
    "occupation": "192",
    "blockade": "191",
    "siege": "191",
    "crackdown": "175",
    "repression": "175",
    "persecution": "175",
    "assassination": "186",
    "kidnapping": "181",
    "abduction": "181",
    "hijacking": "181",
    "massacre": "202",
    "genocide": "202",
    "mediation": "045",
    "praise": "051",
    "rejection": "120",
}
VERB_TRIGGERS = {
    "meet": "040",
    "visit": "042",
    "host": "043",
    "negotiate": "046",
    "invade": "190",
    "attack": "190",
    "bomb": "195",
    "shell": "190",
    "strike": "190",
    "sanction": "163",
    "accuse": "112",
    "criticise": "111",
    "criticize": "111",
    "condemn": "111",
    "blame": "112",
    "threaten": "130",
    "demand": "100",
    "urge": "020",
    "arrest": "173",
    "detain": "173",
    "expel": "174",
    "deport": "174",
    "sue": "115",
    "protest": "140",
    "sign": "057",
    "investigate": "090",
    "clash": "190",
    "fight": "190",
    "kill": "180",
    "boycott": "163",
    "occupy": "192",
    "blockade": "191",
    "besiege": "191",
    "persecute": "175",
    "assassinate": "186",
    "kidnap": "181",
    "abduct": "181",
    "hijack": "181",
    "massacre": "202",
    "mediate": "045",
    "praise": "051",
    "reject": "120",
}
# What an attack in words is aimed at: "attacked his credibility" is criticism (111), not force.
ARGUMENT_NOUNS = {
    "credibility", "reputation", "record", "policy", "plan", "proposal", "decision", "idea",
    "remark", "comment", "statement", "claim", "stance", "position", "approach", "handling",
    "strategy", "budget", "bill", "law", "leadership", "character", "integrity", "motive",
    "judgment", "judgement", "competence", "honesty", "view", "argument", "report", "ruling",
}  # fmt: skip
# "Occupy" and "occupation" are CAMEO's 192 only for land: not a job, a seat or a building.
LAND_NOUNS = {"territory", "land", "region", "city", "town", "village", "area", "island", "country"}
APPEAL_PREPS = {"on", "upon", "for"}
# Roles in which people act for whoever they belong to: "Kenya's president met ...".
AGENT_ROLES = {
    "president", "minister", "leader", "government", "official", "premier", "chancellor",
    "envoy", "ambassador", "delegation", "army", "military", "force", "troop", "navy",
    "spokesman", "spokeswoman", "spokesperson", "counterpart", "authority", "administration",
    "diplomat", "king", "queen", "ruler", "negotiator",
}  # fmt: skip
# Whom one meets without naming them: "met his Tanzanian counterpart".
COUNTERPARTS = {"counterpart", "delegation", "envoy", "ambassador", "leader", "president"}
PROJECTILES = {"rocket", "missile", "shell", "drone", "mortar", "projectile", "artillery"}
AIM_PREPS = {"at", "on", "toward", "towards", "against"}
NAMING_COMPLEMENTS = {"oprd", "xcomp", "ccomp", "attr", "acomp"}
CALLABLE = {"PERSON", "GPE", "ORG"}
CALL_KINDS = {"video", "phone", "telephone", "conference", "virtual"}
AID_KINDS = {"humanitarian": "073", "military": "072", "economic": "071", "financial": "071"}
SUPPORT_KINDS = {"material", "military", "economic", "financial"}
WEAPONS = {"weapon", "arm", "missile", "munition", "tank", "troop"}
HYPOTHETICAL_GOVERNORS = {
    "threaten",
    "plan",
    "propose",
    "consider",
    "seek",
    "want",
    "aim",
    "try",
    "urge",
    "demand",
    "call",
    "warn",
    "prepare",
    "expect",
    "deter",
    "avoid",
    "refuse",
    "effort",
    "risk",
    "may",
    "hope",
    "intend",
    "offer",
    "push",
    "press",
    "attempt",
    "possibility",
    "idea",
    "deny",
    "allege",
    "claim",
    "accuse",
}
HYPOTHETICAL_MODIFIERS = {"threatened", "possible", "potential", "planned", "proposed", "future"}
MODALS = {"would", "could", "might", "may", "should", "must", "can"}
SOURCE_PREPS = {"from", "by"}
TARGET_PREPS = {"of", "on", "against", "to", "into", "for"}
WITH_PREPS = {"with", "between", "among"}


def _trigger(token: Token) -> tuple[str, list[Token]] | None:
    """The CAMEO code a token triggers and the words of its label, or None."""
    lemma = token.lemma_.lower()
    modifiers = [
        c
        for c in token.children
        if c.dep_ in ("compound", "amod") and c.i < token.i and c.ent_type_ == "" and not c.like_num
    ]
    kinds = {m.lower_ for m in modifiers}
    if token.pos_ == "NOUN":
        if lemma == "call":
            if kinds & CALL_KINDS or any(
                c.dep_ == "prep" and c.lower_ in WITH_PREPS for c in token.children
            ):
                return "041", modifiers + [token]
            return None
        if lemma == "support" and kinds & SUPPORT_KINDS:
            return AID_KINDS.get(next(iter(kinds & set(AID_KINDS)), ""), "070"), modifiers + [token]
        code = NOUN_TRIGGERS.get(lemma)
        if code is None:
            return None
        if code == "192" and not _on_land(token):
            return None
        if lemma == "attack" and _in_words(token):
            return "111", [m for m in modifiers if m.ent_type_ == ""] + [token]
        if code == "070":
            code = next((AID_KINDS[k] for k in kinds if k in AID_KINDS), code)
        return code, [m for m in modifiers if m.ent_type_ == "" or m.lower_ in kinds] + [token]
    if token.pos_ == "VERB":
        if lemma in ("send", "supply", "provide", "deliver"):
            objects = [
                c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in WEAPONS
            ]
            if objects:
                return "072", [token, objects[0]]
            return None
        if lemma in ("fire", "launch"):
            # "fired rockets at northern Israel"; a missile fired into the sea is a test.
            weapons = [
                c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in PROJECTILES
            ]
            aimed = any(c.dep_ == "prep" and c.lower_ in AIM_PREPS for c in token.children)
            return ("190", [token, weapons[0]]) if weapons and aimed else None
        if lemma == "call":
            # "called on Russia to withdraw", "called for a ceasefire": an appeal; "called
            # Xi", a phone call; "called Xi a dictator", neither.
            appeal = [
                c
                for c in token.children
                if c.dep_ == "prep"
                and c.lower_ in APPEAL_PREPS
                and any(g.ent_type_ not in ("DATE", "TIME") for g in c.children if g.dep_ == "pobj")
            ]
            if appeal:
                return "020", [token, appeal[0]]
            callee = [c for c in token.children if c.dep_ == "dobj" and c.ent_type_ in CALLABLE]
            if callee and not _named_as(callee[0]):
                return "041", [token]  # "Biden called Xi": a phone call
            return None
        if lemma in ("speak", "talk") and _together(token):
            return "040", [token]  # "Biden and Xi spoke for two hours"
        code = VERB_TRIGGERS.get(lemma)
        if code is None:
            return None
        if (
            lemma == "meet"
            and not _together(token)
            and not any(
                c.dep_ == "dobj"
                and (
                    c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
                    or c.lemma_.lower() in COUNTERPARTS
                )
                for c in token.children
            )
        ):
            return None  # "meet expectations" is not a meeting
        if lemma == "sign" and not any(
            c.dep_ == "dobj" and c.lemma_.lower() in ("agreement", "deal", "treaty", "accord")
            for c in token.children
        ):
            return None
        if lemma == "strike" and any(
            c.dep_ == "dobj" and c.lemma_.lower() == "deal" for c in token.children
        ):
            return None
        if code == "192" and not _on_land(token):
            return None
        if lemma == "attack" and _in_words(token):
            return "111", [token]
        return code, [token]
    return None


def _named_as(callee: Token) -> bool:
    """Whether "called X" goes on to say what X was called: "called Xi a dictator", "called
    Johnson weak", "called Moscow's plan 'reckless'"."""
    verb = callee.head
    if any(c.dep_ in NAMING_COMPLEMENTS for c in verb.children):
        return True
    doc = callee.doc
    for child in callee.children:
        between = doc[callee.i + 1 : child.i]
        if child.dep_ == "appos" and child.i > callee.i and not any(t.text == "," for t in between):
            return True
    after = callee.right_edge.i + 1
    return after < len(doc) and (
        doc[after].pos_ in ("DET", "ADJ", "NOUN", "PROPN") or doc[after].is_quote
    )


def _undergoers(trigger: Token, prep: str) -> list[Token]:
    """What a trigger acts on: its object, its passive subject, or the object of `prep`
    after it ("the occupation of Iraq", "an attack on his record")."""
    found = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    found += [
        g
        for c in trigger.children
        if c.dep_ == "prep" and c.lower_ == prep
        for g in c.children
        if g.dep_ == "pobj"
    ]
    return found


def _in_words(trigger: Token) -> bool:
    """Whether an attack is aimed at an argument or a reputation ("attacked the plan", "an
    attack on his record"), which makes it criticism."""
    return any(word.lemma_.lower() in ARGUMENT_NOUNS for word in _undergoers(trigger, "on"))


def _on_land(trigger: Token) -> bool:
    """Whether an occupation is of a country or land: "the occupation of Iraq", "Israeli
    occupation", "occupied the region"; not "her occupation" or "occupied the building"."""
    held = _undergoers(trigger, "of")
    held += [c for c in trigger.children if c.dep_ in ("amod", "compound") and c.i < trigger.i]
    return any(
        word.ent_type_ in ("GPE", "LOC", "NORP") or word.lemma_.lower() in LAND_NOUNS
        for word in held
    )


def _together(verb: Token) -> bool:
    """Whether a verb has several subjects ("Biden and Xi spoke") or a partner ("spoke with Xi")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects and (
        subjects[0].conjuncts
        or subjects[0].tag_ in ("NNS", "NNPS")
        or subjects[0].lower_ in ("they", "we")
    ):
        return True
    return any(c.dep_ == "prep" and c.lower_ in WITH_PREPS for c in verb.children)


class Participants:
    """Finds the actors around a trigger in the dependency parse."""

    def __init__(self, doc: Doc, actors: ActorSet) -> None:
        self.doc = doc
        self.actors = actors
        self.places = gazetteer.load()

    def actor(self, token: Token) -> list[str]:
        """The actors a noun phrase head names, with its conjuncts ("Biden and Xi")."""
        found = []
        for word in [token, *token.conjuncts]:
            key = self.actors.token_actor.get(word.i)
            if key is None and word.lower_ in ("he", "his", "him", "she", "her"):
                gender = "m" if word.lower_ in ("he", "his", "him") else "f"
                key = self._cataphora(word) or self.actors.last_person_before(word.i, gender)
            if key is None and word.lower_ in ("their", "they", "both"):
                # "their virtual meeting": the two people last named.
                pair = self._last_two_persons(word.i)
                found.extend(pair)
                continue
            if key is None and word.pos_ == "NOUN":
                # "Russian energy infrastructure": the nationality stands for its country.
                modifiers = [
                    c for c in word.children if c.dep_ in ("amod", "compound") and c.i < word.i
                ]
                for modifier in modifiers:
                    key = self.actors.token_actor.get(modifier.i) or self._demonym(modifier)
                    if key:
                        break
            if key is None:
                key = self._demonym(word)
            if key is None and word.pos_ in ("NOUN", "PROPN"):
                # "the leaders of China": an actor inside the phrase, but not a possessor
                # ("attacking Zelensky's credibility" does not attack Zelensky) unless the
                # phrase is someone acting for it ("France's foreign minister").
                owned = {
                    t.i
                    for c in word.children
                    if c.dep_ == "poss" and word.lemma_.lower() not in AGENT_ROLES
                    for t in c.subtree
                }
                inside = [
                    k
                    for i in range(word.left_edge.i, word.right_edge.i + 1)
                    if i not in owned and (k := self.actors.token_actor.get(i))
                ]
                key = inside[0] if inside else None
            if key is not None:
                found.append(key)
        return found

    def _cataphora(self, word: Token) -> str | None:
        """A possessive before the main clause's subject means it: "In his call, Peskov said"."""
        root = docindex.sentence(word).root
        if word.dep_ != "poss":
            return None
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
        country = self.places.demonyms.get(word.lower_)
        if country is None:
            return None
        key = "country:" + country.lower().replace(" ", "-")
        for actor in self.actors.actors.values():
            if actor.type == "Country" and actor.name == country:
                key = actor.key
                break
        actor = self.actors.actors.get(key)
        if actor is None:
            actor = self.actors.actors[key] = Actor(key=key, name=country, type="Country")
        actor.mentions.append(TextSpan(word.idx, word.idx + len(word.text), word.text))
        return key

    def of(self, trigger: Token) -> tuple[list[str], list[str], list[str]]:
        sources: list[str] = []
        targets: list[str] = []
        others: list[str] = []
        if trigger.pos_ == "VERB":
            for child in trigger.children:
                if child.dep_ in ("nsubj",):
                    sources += self.actor(child)
                elif child.dep_ in ("dobj", "nsubjpass"):
                    targets += self.actor(child)
                elif child.dep_ == "agent":
                    for grand in child.children:
                        sources += self.actor(grand)
                elif child.dep_ == "prep":
                    for grand in child.children:
                        if grand.dep_ == "pobj":
                            bucket = (
                                others
                                if child.lower_ in WITH_PREPS
                                else targets
                                if child.lower_ in TARGET_PREPS
                                else None
                            )
                            if bucket is not None:
                                bucket += self.actor(grand)
            if not sources and trigger.dep_ in ("xcomp", "conj"):
                head = trigger.head
                for child in head.children:
                    if child.dep_ == "nsubj":
                        sources += self.actor(child)
        else:
            for child in trigger.children:
                if child.dep_ == "poss" or (
                    child.dep_ in ("compound", "amod") and child.i < trigger.i
                ):
                    sources += self.actor(child)
                elif child.dep_ == "prep":
                    for grand in child.children:
                        if grand.dep_ != "pobj":
                            continue
                        if child.lower_ in WITH_PREPS:
                            others += self.actor(grand)
                        elif child.lower_ in SOURCE_PREPS:
                            sources += self.actor(grand)
                        elif child.lower_ in TARGET_PREPS:
                            targets += self.actor(grand)
                elif child.dep_ in ("acl", "relcl"):
                    # "sanctions imposed on Russia"
                    for grand in child.children:
                        if grand.dep_ == "prep" and grand.lower_ in TARGET_PREPS:
                            targets += [
                                k for g in grand.children if g.dep_ == "pobj" for k in self.actor(g)
                            ]
                        elif grand.dep_ == "agent":
                            sources += [k for g in grand.children for k in self.actor(g)]
            anchor = trigger
            while anchor.dep_ == "conj" and anchor.head is not anchor:
                anchor = anchor.head  # "the implication and consequences": as the first conjunct
            head = anchor.head
            if anchor.dep_ == "pobj" and head.pos_ == "ADP":
                head = head.head  # "have been in talks": the verb the preposition hangs on
            if (
                anchor.dep_ in ("dobj", "attr", "pobj")
                and head.pos_ in ("VERB", "AUX")
                and head.lemma_.lower() not in NAMING_VERBS | REACTING_VERBS
                and not sources
            ):
                # "held a summit", "threatened to impose sanctions on Iran": the verb that
                # carries the noun names who does it and to whom.
                subject = _clause_subject(head)
                if subject is not None:
                    sources += self.actor(subject)
                for child in head.children:
                    if child.dep_ == "prep" and child.lower_ in WITH_PREPS:
                        others += [
                            k for g in child.children if g.dep_ == "pobj" for k in self.actor(g)
                        ]
                    elif child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
                        targets += [
                            k for g in child.children if g.dep_ == "pobj" for k in self.actor(g)
                        ]
            if (
                trigger.dep_ == "pobj"
                and head.lower_ == "of"
                and head.head.pos_ == "NOUN"
                and not sources
            ):
                # "the culprit of the Ukraine crisis", "a reiteration of China's initiative"
                sources += [k for k in self.actors.actors_in(head.head.left_edge.i, head.head.i)]
        if not sources and not targets and not others and trigger.pos_ == "VERB":
            # "Trump told NBC ... and threatened to impose": coordinated verbs share the subject
            # named last before them in the sentence.
            for token in reversed(trigger.doc[docindex.sentence(trigger).start : trigger.i]):
                if token.dep_ == "nsubj" and token.i in self.actors.token_actor:
                    sources.append(self.actors.token_actor[token.i])
                    break
        return (
            _unique(sources),
            _unique([t for t in targets if t not in sources]),
            _unique([o for o in others if o not in sources and o not in targets]),
        )


# Verbs that only name an event noun ("did not use the term invasion") or react to it ("NATO
# condemned the attack"): their subject does not take part in it.
NAMING_VERBS = {"use", "call", "name", "term", "mention", "cite", "label", "dub"}
REACTING_VERBS = {
    "condemn", "criticise", "criticize", "denounce", "deplore", "decry", "slam", "welcome",
    "praise", "reject", "deny", "oppose", "protest", "blame", "mourn", "investigate", "report",
    "discuss", "question", "fear", "regret", "lament", "mark", "remember", "commemorate",
}  # fmt: skip


def _clause_subject(verb: Token) -> Token | None:
    """A verb's subject, or that of the verb it is the complement or conjunct of."""
    for _ in range(4):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if verb.dep_ not in ("xcomp", "conj", "advcl") or verb.head is verb:
            return None
        verb = verb.head
    return None


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _governors(trigger: Token, limit: int = 4) -> list[Token]:
    chain = [trigger]
    token = trigger
    for _ in range(limit):
        if token.head is token or token.dep_ in ("ROOT",):
            break
        token = token.head
        chain.append(token)
        if token.dep_ in ("ccomp", "ROOT") and token.pos_ in ("VERB", "AUX"):
            break
    return chain


def _factuality(trigger: Token) -> str:
    chain = _governors(trigger)
    for token in chain:
        for child in token.children:
            if child.dep_ == "neg":
                return "Negated"
        if token.lower_ == "without":
            return "Negated"
    for index, token in enumerate(chain):
        if index and token.lemma_.lower() in HYPOTHETICAL_GOVERNORS:
            return "Hypothetical"
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in MODALS:
                return "Hypothetical"
            if child.dep_ == "mark" and child.lower_ in ("if", "unless"):
                return "Hypothetical"
            if child.dep_ in ("amod", "compound") and child.lower_ in HYPOTHETICAL_MODIFIERS:
                return "Hypothetical"
        if token.dep_ == "advcl" and any(c.lower_ in ("if", "unless") for c in token.children):
            return "Hypothetical"
    return "Asserted"


def _when(trigger: Token, published: dt.date | None) -> tuple[str | None, str | None]:
    """A date attached to the trigger or to the verb that governs it."""
    for token in _governors(trigger, limit=2):
        for child in token.subtree if token is trigger else token.children:
            if child.ent_type_ == "DATE" and child.ent_iob_ == "B":
                span = docindex.entity(child)
                if span is None:
                    continue
                value = dates.resolve(span.text, published)
                if value:
                    return value, span.text
            if child.dep_ == "prep" and child.lower_ in ("on", "in", "since", "during"):
                for grand in child.children:
                    if grand.ent_type_ == "DATE":
                        span = docindex.entity(grand)
                        value = dates.resolve(span.text, published) if span is not None else None
                        if value:
                            return value, span.text
    return None, None


def _where(trigger: Token, participants: Participants) -> str | None:
    for token in _governors(trigger, limit=2):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for grand in child.children:
                    if grand.ent_type_ in ("GPE", "LOC", "FAC"):
                        key = participants.actors.token_actor.get(grand.i)
                        return key or grand.text
    return None


FACTUALITY_RANK = ["Asserted", "Hypothetical", "Negated"]
ATTACKS = ("18", "19", "20")


def extract(doc: Doc, body_start: int, actors: ActorSet, published: dt.date | None) -> list[Event]:
    participants = Participants(doc, actors)
    events: list[Event] = []
    by_head: dict[str, Event] = {}
    for token in doc:
        if token.idx < body_start:
            continue
        found = _trigger(token)
        if found is None:
            continue
        code, words = found
        words = sorted(words, key=lambda t: t.i)
        begin, end = words[0].idx, words[-1].idx + len(words[-1].text)
        span = TextSpan(begin, end, docindex.text(doc)[begin:end])
        sources, targets, others = participants.of(token)
        date, expression = _when(token, published)
        place = _where(token, participants)
        if place is None and code[:2] in ("18", "19", "20") and targets:
            target = actors.actors.get(targets[0])
            place = targets[0] if target is not None and target.type == "Country" else None
        if (
            code[:2] in ("18", "19", "20")
            and place in actors.actors
            and place not in sources + targets
        ):
            targets.append(place)  # "the war in Ukraine": the country fought in is a target
        factuality = _factuality(token)
        # A negated mention ("did not use the term invasion") names no event that happened:
        # it must not lend its participants to the one that did.
        negated = factuality == "Negated"
        head = token.lemma_.lower() + ("#negated" if negated else "")
        existing = by_head.get(head)
        if existing is None and code[:2] in ATTACKS and not negated:
            # "the invasion" ... "the war in Ukraine": one attack on the same country.
            existing = next(
                (
                    e
                    for e in events
                    if e.cameo[:2] in ATTACKS
                    and e.place
                    and e.place == place
                    and e.factuality != "Negated"
                ),
                None,
            )
        if existing is not None:
            # The same event named again ("the video call" ... "the call").
            existing.more_spans.append(span)
            existing.sources = _unique(existing.sources + sources)
            existing.targets = _unique(
                [t for t in existing.targets + targets if t not in existing.sources]
            )
            existing.others = _unique(
                [
                    o
                    for o in existing.others + others
                    if o not in existing.sources + existing.targets
                ]
            )
            existing.date = existing.date or date
            existing.time_expression = existing.time_expression or expression
            existing.place = existing.place or place
            existing.factuality = min(existing.factuality, factuality, key=FACTUALITY_RANK.index)
            continue
        event = Event(
            label=" ".join(w.text for w in words),
            cameo=code,
            span=span,
            sources=sources,
            targets=targets,
            others=others,
            date=date,
            time_expression=expression,
            place=place,
            factuality=factuality,
        )
        by_head.setdefault(head, event)
        events.append(event)
    # An event with no actor in it tells an analyst nothing they can query.
    return [event for event in events if event.participants]
