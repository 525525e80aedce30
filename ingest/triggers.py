"""Event triggers: the rows of triggers.tsv, and the small engine that tries them on a token.

A row names a lemma and a part of speech, the event kind and CAMEO code it triggers, which
words make the event's label, and the conditions under which it applies (`when`, all must
hold) or does not (`unless`, any one rejects). The rows of one lemma are tried in file order
and the first that applies wins, so a specific reading ("hunger strike") stands before a
general one. Conditions are words of one small vocabulary (CONDITIONS), each a test on the
trigger token and its dependents; an argument is a `|`-separated word list or `@NAME`, a word
set below. Adding a trigger is adding a row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.attrs import LEMMA
from spacy.tokens import Doc, Token

from newsgraph.ingest import docindex

# The CAMEO roots of armed force, which extraction treats apart (an attack's country is its
# target); the table's codes are checked against ontology/cameo.ttl in the tests.
ATTACK_ROOTS = ("18", "19", "20")
# Determiners that make a noun generic.
GENERIC = frozenset({"all", "any", "every", "each", "such"})
# Named entities a trigger word may be part of without naming an event: "the Committee for a
# Responsible Federal Budget", "the Campaign for Nuclear Disarmament".
NAMES = frozenset({"ORG", "FAC", "PERSON", "WORK_OF_ART", "PRODUCT", "GPE", "LOC"})

# Word sets the table refers to as @NAME.
WORD_SETS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        # What an attack in words is aimed at: "attacked his credibility" is criticism.
        "ARGUMENTS": "credibility reputation record policy plan proposal decision idea remark "
        "comment statement claim stance position approach handling strategy budget bill law "
        "leadership character integrity motive judgment judgement competence honesty view "
        "argument report ruling "
        # and people in politics: "attacked his opponents", "attacks on the government"
        "opponent rival critic candidate politician leader minister government administration "
        "party opposition president senator",
        # "Occupy" and "occupation" are CAMEO's 192 only for land.
        "LAND": "territory land region city town village area island country",
        "COUNTERPARTS": "counterpart delegation envoy ambassador leader president",
        "PROJECTILES": "rocket missile shell drone mortar projectile artillery",
        "AIM": "at on toward towards against",
        "CALL_KINDS": "video phone telephone conference virtual",
        "WEAPONS": "weapon arm missile munition tank troop",
        "CALLABLE": "PERSON GPE ORG",
        "ACTORS": "PERSON GPE ORG NORP",
        "AGREEMENTS": "agreement deal treaty accord pact bargain",
        # Whoever rules or decides as a court: "the Law Lords ruled", "Mr Justice Eady".
        "COURTS": "court judge justice lord lords tribunal jury magistrate magistrates panel "
        "judges justices",
        # Posts one is appointed to, stands for, resigns from.
        "POSTS": "candidate candidates leader chairman chairwoman chair successor minister "
        "secretary head chief deputy spokesman spokeswoman ambassador judge president governor "
        "director commissioner envoy adviser advisor coach manager nominee running mate mate",
        # What one wins, loses or contests at an election.
        "SEATS": "seat seats election elections by-election majority vote votes nomination "
        "race primary primaries constituency ward contest leadership presidency mandate",
        # Verbs that publish what is named by their object: "published plans", "unveiled a
        # report", "set out proposals".
        "PUBLISH": "publish unveil announce launch outline set present reveal release produce "
        "table introduce issue deliver draw put",
        # Verbs whose object is a law being made or unmade.
        "LAWMAKING": "pass introduce enact amend repeal scrap approve adopt table propose bring "
        "tighten block overturn vote debate back oppose reject defeat draft change rush force",
        "PLANS": "plan plans proposal proposals strategy scheme blueprint initiative reform "
        "reforms policy measures package pledge pledges document figures findings paper "
        "manifesto review",
        # Modifiers of a military strike, and of an industrial one.
        "STRIKE_ARMS": "air drone missile rocket aerial military nuclear artillery retaliatory "
        "precision pre-emptive preemptive israeli russian us american ukrainian",
        "STRIKE_WORK": "general national one-day rail tube postal fire teachers workers staff "
        "union industrial nationwide day 24-hour 48-hour",
        "STRIKE_CALLS": "stage call hold join go threaten plan vote ballot",
        "BALLOTS": "win gain get lose secure receive cast count split poll garner",
        "RACES": "presidential leadership senate mayoral gubernatorial governor congressional "
        "house democratic republican party",
        "PROTEST_MODS": "protest anti-war peace anti-government opposition",
        "MEDIA": "news media press newspaper",
        # What a "war on ..." is fought against when it is no war: "the war on drugs".
        "CAMPAIGNS": "terror terrorism drugs drug poverty crime obesity want waste fraud",
        # Voters as a bloc: "the Muslim vote", "the youth vote".
        "BLOCS": "black white youth women female male evangelical latino hispanic swing "
        "popular working-class suburban rural urban",
        # What kills without an attacker: "the earthquake killed hundreds".
        "DISASTERS": "earthquake flood floods flooding tsunami storm hurricane cyclone typhoon "
        "crash accident fire wildfire disease virus famine drought avalanche landslide heatwave",
        "MILITARY": "military armed",
        # An attack in words: "personal attacks", "a scathing attack".
        "VERBAL": "personal verbal political legislative scathing fierce blistering stinging "
        "rhetorical withering savage bitter furious",
        "LEGAL": "legal court libel",
        "INDUSTRIAL": "industrial",
    }.items()
}


@dataclass(frozen=True)
class Trigger:
    """One row of the table."""

    lemma: str
    pos: str
    kind: str  # a concept of ontology/eventkinds.ttl
    cameo: str | None  # a concept of ontology/cameo.ttl, or None where CAMEO has none
    label: str  # which words name the event: word, mods, obj, prep or gov
    when: tuple[tuple[str, frozenset[str]], ...]
    unless: tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True)
class Found:
    """A trigger that applies to a token, with the words of its label."""

    row: Trigger
    words: tuple[Token, ...]
    consumed: Token | None  # an object the label took in ("fired rockets"): no trigger of its own


# ---------------------------------------------------------------- the conditions


def _modifiers(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("compound", "amod") and c.i < token.i]


def _objects(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]


def _prep_objects(token: Token, preps: frozenset[str]) -> list[Token]:
    """Objects of the given prepositions under the token, dates and times left out."""
    return [
        g
        for c in token.children
        if c.dep_ == "prep" and c.lower_ in preps
        for g in c.children
        if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")
    ]


def carrier(token: Token) -> tuple[Token, Token] | None:
    """The verb that carries a noun, with the phrase through which it does: "held talks",
    "went on strike", "stand ... at the next election", "won pounds in libel damages",
    "talks ... and a deal" (as the first conjunct). None for a noun that is a subject, or that
    hangs on another noun through any other preposition ("a reading of the call")."""
    anchor = token
    for _ in range(5):
        head = anchor.head
        if head is anchor:
            return None
        if anchor.dep_ == "prep" and anchor.lower_ == "of" and head.lemma_.lower() in TAKING_PART:
            anchor = head  # "was the winner of Tuesday's debate"
            continue
        if anchor.dep_ == "prep" and anchor.lower_ in TOPIC_PREPS and not _joined(anchor):
            return None  # "marched against the war": the marchers do not wage it
        if anchor.dep_ in ("dobj", "attr", "nsubjpass", "prep") and head.pos_ in ("VERB", "AUX"):
            return anchor, head
        if anchor.dep_ in ("conj", "pobj", "nummod") or (
            anchor.dep_ == "prep" and head.pos_ in ("NOUN", "NUM") and anchor.lower_ in ("in", "at")
        ):
            anchor = head
            continue
        return None
    return None


# Prepositions after which a noun is what a verb is about, not something it takes part in.
TOPIC_PREPS = frozenset(
    "against over about after before despite since following amid because of from by than "
    "like without".split()
)
# Nouns for whoever takes part in the event they are "of".
TAKING_PART = frozenset(
    "winner loser victor host organiser organizer participant victim survivor architect "
    "moderator champion".split()
)
ALL_PREPS = frozenset({"to", "in", "at", "on", "before", "with", "by", "from", "against"})


def _joined(token: Token) -> bool:
    """A token written as one word with the next through a hyphen: "by" of "by-election",
    which the tokenizer splits."""
    doc = token.doc
    return (
        token.i + 2 < len(doc)
        and not token.whitespace_
        and doc[token.i + 1].text == "-"
        and not doc[token.i + 1].whitespace_
    )


def written_with(token: Token) -> list[Token]:
    """The tokens written as one word with the trigger before it: "by-election", "re-run"."""
    doc = token.doc
    start = token.i
    while start >= 2 and doc[start - 1].text == "-" and _joined(doc[start - 2]):
        start -= 2
    return list(doc[start : token.i])


def _governor(token: Token) -> Token | None:
    found = carrier(token)
    return found[1] if found is not None else None


def _actor_side(token: Token) -> list[Token]:
    """Who does what the trigger names: a verb's subjects, a noun's possessor, modifiers and
    "by" agent, each with its words."""
    if pos(token) == "VERB":
        sides = [c for c in token.children if c.dep_ == "nsubj"]
        sides += [g for c in token.children if c.dep_ == "agent" for g in c.children]
    else:
        sides = [c for c in token.children if c.dep_ == "poss"] + _modifiers(token)
        sides += _prep_objects(token, frozenset({"by"}))
    return [word for side in sides for word in side.subtree]


def _together(token: Token, _: frozenset[str]) -> bool:
    """Several subjects ("Biden and Xi spoke"), a plural one, or a partner ("with Xi")."""
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    if subjects and (
        subjects[0].conjuncts
        # spaCy types conjuncts as a 1-tuple, always true; it is often empty.
        or subjects[0].tag_ in ("NNS", "NNPS")  # type: ignore[unreachable]
        or subjects[0].lower_ in ("they", "we")
    ):
        return True
    return any(
        c.dep_ == "prep" and c.lower_ in ("with", "between", "among") for c in token.children
    )


def _on_land(token: Token, _: frozenset[str]) -> bool:
    """ "The occupation of Iraq", "Israeli occupation", "occupied the region"; not "her
    occupation" or "occupied the building"."""
    held = _objects(token) + _prep_objects(token, frozenset({"of"})) + _modifiers(token)
    return any(
        word.ent_type_ in ("GPE", "LOC", "NORP") or word.lemma_.lower() in WORD_SETS["LAND"]
        for word in held
    )


def _in_words(token: Token, _: frozenset[str]) -> bool:
    """An attack on an argument, a reputation or a person ("attacked the plan", "an attack on
    Mr Blair"): criticism."""
    aimed = _objects(token) + _prep_objects(token, frozenset({"on"}))
    return any(
        word.lemma_.lower() in WORD_SETS["ARGUMENTS"] or word.ent_type_ == "PERSON"
        for word in aimed
    )


def _named_as(token: Token, _: frozenset[str]) -> bool:
    """ "Called X" going on to say what X was called: "called Xi a dictator", "called Johnson
    weak", "called Moscow's plan 'reckless'"."""
    if any(c.dep_ in ("oprd", "xcomp", "ccomp", "attr", "acomp") for c in token.children):
        return True
    doc = token.doc
    for callee in (c for c in token.children if c.dep_ == "dobj"):
        for child in callee.children:
            between = doc[callee.i + 1 : child.i]
            if (
                child.dep_ == "appos"
                and child.i > callee.i
                and not any(t.text == "," for t in between)
            ):
                return True
        after = callee.right_edge.i + 1
        if after < len(doc) and (
            doc[after].pos_ in ("DET", "ADJ", "NOUN", "PROPN") or doc[after].is_quote
        ):
            return True
    return False


def _words_in(words: list[Token], wanted: frozenset[str]) -> bool:
    return any(w.lower_ in wanted or w.lemma_.lower() in wanted for w in words)


CONDITIONS: dict[str, Callable[[Token, frozenset[str]], bool]] = {
    # a modifier before the trigger: "hunger strike", "humanitarian aid"
    "mod": lambda t, a: _words_in(_modifiers(t), a),
    # a modifier that is a named entity of one of these types: "Israeli strikes"
    "modent": lambda t, a: any(m.ent_type_ in a for m in _modifiers(t)),
    # an object (or passive subject): "fired rockets", "signed a treaty"
    "obj": lambda t, a: _words_in(_objects(t), a),
    "objent": lambda t, a: any(o.ent_type_ in a for o in _objects(t)),
    "hasobj": lambda t, a: bool(_objects(t)),
    # a preposition with an object that is not a date: "called for a ceasefire"
    "prep": lambda t, a: bool(_prep_objects(t, a)),
    # the object of "from" is an organization: "expelled from Labour"
    "fromorg": lambda t, a: any(g.ent_type_ in ("ORG", "NORP") for g in _prep_objects(t, a)),
    # a preposition's object is one of these words, or holds one: "appealed to the Supreme Court"
    "pobj": lambda t, a: any(_words_in(list(g.subtree), a) for g in _prep_objects(t, ALL_PREPS)),
    # a particle: "ruled out", "stepped down"
    "prt": lambda t, a: any(c.dep_ == "prt" and c.lower_ in a for c in t.children),
    # the verb a noun is the object of: "published plans", "went on strike"
    "gov": lambda t, a: (g := _governor(t)) is not None and g.lemma_.lower() in a,
    # who does it: "the Law Lords ruled", "the court's decision"
    "by": lambda t, a: _words_in(_actor_side(t), a),
    "singular": lambda t, a: t.tag_ in ("NN", "NNP"),
    "plural": lambda t, a: t.tag_ in ("NNS", "NNPS"),
    # capitalized inside a sentence: "the Budget" as the event, not a sum of money
    "capital": lambda t, a: t.text[:1].isupper() and not t.is_sent_start,
    "together": _together,
    "land": _on_land,
    "words": _in_words,
    "named": _named_as,
}


# ---------------------------------------------------------------- the table


def _conditions(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    found = []
    for word in text.split():
        if word == "-":
            continue
        name, _, argument = word.partition("=")
        if name not in CONDITIONS:
            raise ValueError(
                f"unknown trigger condition {name!r}; known: {', '.join(sorted(CONDITIONS))}"
            )
        words: set[str] = set()
        for part in argument.split("|") if argument else ():
            words |= WORD_SETS[part[1:]] if part.startswith("@") else {part}
        found.append((name, frozenset(words)))
    return tuple(found)


@cache
def table() -> dict[tuple[str, str], tuple[Trigger, ...]]:
    """The rows of triggers.tsv by (lemma, part of speech), in file order."""
    rows: dict[tuple[str, str], list[Trigger]] = {}
    text = resources.files(__package__).joinpath("triggers.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for lemma, pos, kind, cameo, label, when, unless in csv.reader(lines, delimiter="\t"):
        row = Trigger(
            lemma, pos, kind, None if cameo == "-" else cameo, label, _conditions(when),
            _conditions(unless),
        )  # fmt: skip
        rows.setdefault((lemma, pos), []).append(row)
    return {key: tuple(value) for key, value in rows.items()}


@cache
def lemmas() -> frozenset[str]:
    """Every lemma some trigger has."""
    return frozenset(lemma for lemma, _ in table())


def candidates(doc: Doc, begin: int) -> list[Token]:
    """The words from character `begin` on whose lemma some trigger has."""
    return docindex.having(doc, LEMMA, lemmas(), begin)


def _holds(token: Token, conditions: tuple[tuple[str, frozenset[str]], ...]) -> bool:
    return all(CONDITIONS[name](token, argument) for name, argument in conditions)


def pos(token: Token) -> str:
    """The token's part of speech, but a verb that the tagger took for a noun when it has a
    subject ("Kilroy-Silk quit UKIP", quit/NOUN) is a verb."""
    if (
        token.pos_ == "NOUN"
        and token.dep_ == "ROOT"
        and any(c.dep_ == "nsubj" for c in token.children)
    ):
        return "VERB"
    return token.pos_


def find(token: Token) -> Found | None:
    """The first row of the token's lemma and part of speech that applies to it, if any."""
    rows = table().get((token.lemma_.lower(), pos(token)))
    if rows is None:
        return None
    if token.pos_ != "VERB" and any(
        c.dep_ == "det" and c.lower_ in GENERIC for c in token.children
    ):
        return None  # "all agreements", "any attack": no event in particular
    if (token.ent_type_ in NAMES and token.ent_iob_ == "I") or token.ent_type_ == "PERSON":
        return None  # a word inside a name, or a person's: "Bill Clinton"
    for row in rows:
        if not _holds(token, row.when):
            continue
        if any(CONDITIONS[name](token, argument) for name, argument in row.unless):
            continue
        return Found(row, *_label(token, row))
    return None


def _label(token: Token, row: Trigger) -> tuple[tuple[Token, ...], Token | None]:
    """The words that name the event, and the object the label took in, if any."""
    mods = [m for m in _modifiers(token) if m.ent_type_ == "" and not m.like_num]
    mods = sorted({*mods, *written_with(token)}, key=lambda t: t.i)
    if row.label == "word":
        return (*written_with(token), token), None
    if row.label == "mods":
        return (*mods, token), None
    if row.label == "gov":
        governor = _governor(token)
        return (*([governor] if governor is not None else []), *mods, token), None
    if row.label == "obj":
        objects = _objects(token)
        wanted = dict(row.when).get("obj") or frozenset()
        chosen = next((o for o in objects if _words_in([o], wanted)), None)
        chosen = chosen or (objects[0] if objects else None)
        if chosen is None:
            return (token,), None
        # "lost the general election": the object with its own modifiers
        named = [m for m in _modifiers(chosen) if m.ent_type_ == "" and not m.like_num]
        return (token, *named, *written_with(chosen), chosen), chosen
    if row.label == "prep":
        preps = [
            c for c in token.children if c.dep_ == "prep" and c.lower_ in dict(row.when)["prep"]
        ]
        return (token, *preps[:1]), None
    raise ValueError(f"unknown label {row.label!r} for {row.lemma}; known: word mods gov obj prep")
