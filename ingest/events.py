"""Events: triggers (ingest/triggers.tsv) with their kind, CAMEO code, participants, date,
place and factuality."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc, Token

from newsgraph.ingest import dates, docindex, triggers
from newsgraph.ingest.actors import ActorSet
from newsgraph.ingest.extraction import Event, Factuality
from newsgraph.ingest.extraction import Span as TextSpan
from newsgraph.ingest.participants import Participants, unique

# Words that put what they govern in the future, in doubt or in someone's mouth: "threatened
# to impose sanctions", "a possible invasion".
HYPOTHETICAL_GOVERNORS = set(
    """
    threaten plan propose consider seek want aim try urge demand call warn prepare expect deter
    avoid refuse effort risk may hope intend offer push press attempt possibility idea deny
    allege claim accuse
    """.split()
)
HYPOTHETICAL_MODIFIERS = {"threatened", "possible", "potential", "planned", "proposed", "future"}
MODALS = {"would", "could", "might", "may", "should", "must", "can"}


def _governors(trigger: Token, limit: int = 4) -> list[Token]:
    chain = [trigger]
    token = trigger
    for _ in range(limit):
        if token.head is token or token.dep_ in ("ROOT",):
            break
        if token.dep_ == "relcl":
            break  # a relative clause says what it says whatever its noun's verb does
        into_noun = token.dep_ == "prep" and token.head.pos_ in ("NOUN", "PROPN")
        token = token.head
        chain.append(token)
        if token.dep_ in ("ccomp", "ROOT") and token.pos_ in ("VERB", "AUX"):
            break
        if into_noun:
            break  # "in response to Trump's criticism": the noun's verb does not govern it
    return chain


def _conditional(chain: list[Token]) -> bool:
    return any(
        child.dep_ == "mark" and child.lower_ in ("if", "unless")
        for token in chain
        for child in token.children
    )


def _factuality(trigger: Token) -> Factuality:
    chain = _governors(trigger)
    if _conditional(chain):
        # "if Putin did not agree to a ceasefire": negated only under a supposition.
        return Factuality.HYPOTHETICAL
    for token in chain:
        for child in token.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return Factuality.NEGATED  # "did not invade", "no plans for a call"
        if token.lower_ == "without":
            return Factuality.NEGATED
    for index, token in enumerate(chain):
        if index and token.lemma_.lower() in HYPOTHETICAL_GOVERNORS:
            return Factuality.HYPOTHETICAL
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in MODALS:
                return Factuality.HYPOTHETICAL
            if child.dep_ == "mark" and child.lower_ in ("if", "unless"):
                return Factuality.HYPOTHETICAL
            if child.dep_ in ("amod", "compound") and child.lower_ in HYPOTHETICAL_MODIFIERS:
                return Factuality.HYPOTHETICAL
        if token.dep_ == "advcl" and any(c.lower_ in ("if", "unless") for c in token.children):
            return Factuality.HYPOTHETICAL
    return Factuality.ASSERTED


# What says an event is still to come: "will meet", "is due to meet", "are expected to
# approve", "go to the polls"; said in the present tense, not "were expected to meet".
FUTURE_AUXILIARIES = {"will", "'ll", "shall", "wo"}
FUTURE_GOVERNORS = {"due", "expect", "set", "schedule", "plan", "intend", "go"}


def _ahead(trigger: Token) -> bool:
    """Whether the text puts the event after the time it was written."""
    for index, token in enumerate(_governors(trigger, limit=3)):
        auxiliaries = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
        if any(c.lower_ in FUTURE_AUXILIARIES for c in auxiliaries):
            return True
        if index and token.lemma_.lower() in FUTURE_GOVERNORS:
            # The tense is on the word itself, its auxiliary, or the copula of "is due to".
            carriers = [*auxiliaries, token] + ([token.head] if token.dep_ == "acomp" else [])
            tenses = [t.tag_ for t in carriers if t.tag_ in ("VBD", "VBZ", "VBP")]
            return bool(tenses) and all(tag in ("VBZ", "VBP") for tag in tenses)
    return False


def _when(trigger: Token, published: dt.date | None) -> tuple[str | None, str | None]:
    """A date attached to the trigger or to the verb that governs it; a weekday or a day of a
    month named alone is read forward for an event still to come."""
    ahead = _ahead(trigger)
    # "Milburn, who resigned in 2003, was appointed last year": not the relative clause's date
    aside = {
        t.i
        for d in trigger.subtree
        if d.dep_ in ("relcl", "appos") and d is not trigger
        for t in d.subtree
    }
    for token in _governors(trigger, limit=2):
        for child in token.subtree if token is trigger else token.children:
            if child.i in aside:
                continue
            if child.ent_type_ == "DATE" and child.ent_iob_ == "B":
                span = docindex.entity(child)
                if span is None:
                    continue
                value = dates.resolve(span.text, published, ahead)
                if value:
                    return value, span.text
            if child.dep_ == "prep" and child.lower_ in ("on", "in", "since", "during", "for"):
                for grand in child.children:
                    if grand.ent_type_ == "DATE":
                        span = docindex.entity(grand)
                        value = dates.resolve(span.text, published, ahead) if span else None
                        if value:
                            return value, span.text  # type: ignore[union-attr]  # value: a span
    return None, None


PLACES = ("GPE", "LOC", "FAC")
PLACE_PREPOSITIONS = ("in", "near", "through", "across")  # "marched through central London"
# What an attack is made on: "strikes on Gaza", "shelling against Kharkiv", "a raid at the port".
ATTACKED = ("on", "against", "at")


def _where(trigger: Token, participants: Participants, attack: bool = False) -> str | None:
    """Where an event happens: a place it is in or near; for an attack, also a place it is
    made on or that it strikes ("attacked the city of Kharkiv")."""
    # "meet Donald Trump in Washington": the parser may hang the place on the verb's object;
    # "the agreement, signed in Paris": on a participle that describes the event.
    around = [c for c in trigger.children if c.dep_ in ("dobj", "acl")]
    for token in [*_governors(trigger, limit=2), *around]:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in PLACE_PREPOSITIONS:
                for grand in child.children:
                    if grand.ent_type_ in PLACES:
                        key = participants.actors.token_actor.get(grand.i)
                        return key or grand.text
    if not attack:
        return None
    # Only on the attack itself, or the verb that carries it ("carried out strikes on Gaza"):
    # "to end Russia's aggression ... or use the term invasion" strikes nothing of its verb's.
    for token in _governors(trigger, limit=1):
        for child in token.children:
            struck = child.dep_ == "dobj" and token is trigger and token.pos_ == "VERB"
            if struck or (child.dep_ == "prep" and child.lower_ in ATTACKED):
                for place in child.subtree:
                    country = participants.actors.country_of(place) if place.pos_ == "ADJ" else None
                    if country is not None:
                        return country  # "at Ukrainian cities"
                    if place.ent_type_ in PLACES and place.ent_iob_ == "B":
                        span = docindex.entity(place)
                        key = participants.actors.token_actor.get(place.i)
                        return key or (span.text if span is not None else place.text)
    return None


# Most asserted first: a merged event is as factual as its most factual mention.
FACTUALITY_RANK = [Factuality.ASSERTED, Factuality.HYPOTHETICAL, Factuality.NEGATED]


def _label(doc: Doc, words: list[Token]) -> str:
    """The trigger words as the text has them where they are one phrase ("pre-Budget
    report"), else joined by spaces ("fired rockets", "signed agreement")."""
    between = doc[words[0].i : words[-1].i + 1]
    if all(t in words or t.text == "-" for t in between):
        return between.text
    return " ".join(w.text for w in words)


def _is_attack(code: str | None) -> bool:
    return code is not None and code[:2] in triggers.ATTACK_ROOTS


def _modifiers(token: Token) -> set[str]:
    """What sets one event apart from another of its lemma ("general", "European
    Parliament", "June's"); not who takes part ("Xi's call"), which a re-mention may add."""
    return {
        c.lemma_.lower()
        for c in token.children
        if c.i < token.i
        and (
            (c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ not in PARTICIPANT_TYPES)
            or (c.dep_ == "poss" and c.ent_type_ == "DATE")
        )
        and c.pos_ != "PRON"
    } | {t.lower_ for t in triggers.written_with(token)}  # "by-election" is no "election"


PARTICIPANT_TYPES = ("PERSON", "GPE", "NORP")


def _same(event: Event, token: Token, date: str | None, mentions: dict[int, list[Token]]) -> bool:
    """Whether a trigger names an event already found again ("the video call" ... "the
    call"): not when it has a modifier or a date of its own ("the general election" ... "the
    European elections", "Trump's criticism" ... "some rare criticism")."""
    if date and event.date:
        return date == event.date  # "held a virtual summit in November", told twice
    known = set().union(*(_modifiers(m) for m in mentions[id(event)]))
    return not (_modifiers(token) - known or _indefinite(token))


def _indefinite(token: Token) -> bool:
    """ "A by-election": a new event, not the one named before."""
    return any(
        c.dep_ == "det" and c.lower_ in ("a", "an", "another")
        for word in (token, *triggers.written_with(token))
        for c in word.children
    )


def _renames(token: Token) -> bool:
    """A noun that may name again an event told before: "the war in Ukraine" after "the
    invasion"; not a verb ("it attacked cities"), which tells an event of its own."""
    return token.pos_ == "NOUN" and not _indefinite(token)


def _definite(token: Token) -> bool:
    return token.pos_ == "NOUN" and any(
        c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "their", "its")
        for c in token.children
    )


def _family(event: Event, kind: str, code: str | None) -> bool:
    """Same kind, or the same CAMEO root: a call and a meeting are both consultations."""
    return event.kind == kind or bool(code and event.cameo and event.cameo[:2] == code[:2])


def _found(doc: Doc, body_start: int) -> list[tuple[Token, triggers.Found]]:
    """Every trigger of the body, but an object a verb's label took in ("signed a treaty"), a
    verb that carries a noun of its own kind ("hosted the summit"): the noun names the event,
    the verb gives its participants; and a noun modifying a trigger noun."""
    found = {}
    for token in triggers.candidates(doc, body_start):
        if (hit := triggers.find(token)) is not None:
            found[token.i] = hit
    consumed = {hit.consumed.i for hit in found.values() if hit.consumed is not None}
    # A verb carrying a noun of its own kind: "hosted the summit", "met Kharrazi for talks",
    # "will stand against Ms King at the next election".
    light = set()
    for i, hit in found.items():
        carried = triggers.carrier(doc[i]) if hit.row.pos != "VERB" else None
        if carried is not None and carried[1].i in found and i not in consumed:
            if found[carried[1].i].row.kind == hit.row.kind:
                light.add(carried[1].i)
    kept = []
    for i, hit in found.items():
        token = doc[i]
        if i in consumed or (i in light and hit.consumed is None):
            continue
        if token.dep_ == "compound" and token.head.i in found:
            continue  # "a conference call": the call
        kept.append((token, hit))
    return kept


def _absorb(
    event: Event,
    span: TextSpan,
    sources: list[str],
    targets: list[str],
    others: list[str],
    date: str | None,
    expression: str | None,
    place: str | None,
    factuality: Factuality,
) -> None:
    """Adds what a later mention of an event says to the event."""
    event.more_spans.append(span)
    event.sources = unique(event.sources + sources)
    event.targets = unique([t for t in event.targets + targets if t not in event.sources])
    event.others = unique(
        [o for o in event.others + others if o not in event.sources + event.targets]
    )
    event.date = event.date or date
    event.time_expression = event.time_expression or expression
    event.place = event.place or place
    event.factuality = min(event.factuality, factuality, key=FACTUALITY_RANK.index)


def extract(doc: Doc, body_start: int, actors: ActorSet, published: dt.date | None) -> list[Event]:
    """The events of an article's body, each with at least one participant."""
    participants = Participants(doc, actors)
    events: list[Event] = []
    by_head: dict[str, Event] = {}
    mentions: dict[int, list[Token]] = {}  # id(event) -> its trigger tokens
    for token, hit in _found(doc, body_start):
        code, kind = hit.row.cameo, hit.row.kind
        words = sorted(hit.words, key=lambda t: t.i)
        begin, end = words[0].idx, words[-1].idx + len(words[-1].text)
        span = TextSpan(begin, end, docindex.text(doc)[begin:end])
        label = _label(doc, words)
        sources, targets, others = participants.of(token)
        date, expression = _when(token, published)
        place = _where(token, participants, _is_attack(code))
        if place is None and _is_attack(code) and targets:
            target = actors.actors.get(targets[0])
            place = targets[0] if target is not None and target.type == "Country" else None
        if _is_attack(code) and place in actors.actors and place not in sources + targets:
            targets.append(place)  # "the war in Ukraine": the country fought in is a target
        elif place in actors.actors and not (sources or targets or others):
            others = [place]  # "the referendum in Ireland", "the earthquake in Turkey"
        factuality = _factuality(token)
        # A negated mention ("did not use the term invasion") names no event that happened:
        # it must not lend its participants to the one that did.
        negated = factuality is Factuality.NEGATED
        named = hit.consumed or token  # "lost the election" is named by its noun
        head = f"{kind}:{named.lemma_.lower()}" + ("#negated" if negated else "")
        existing = by_head.get(head)
        if existing is not None and not _same(existing, token, date, mentions):
            existing = None
        if existing is None and _is_attack(code) and not negated and _renames(token):
            # "the invasion" ... "the war in Ukraine": one attack on the same country.
            existing = next(
                (
                    e
                    for e in events
                    if _is_attack(e.cameo)
                    and e.place
                    and e.place == place
                    and e.factuality is not Factuality.NEGATED
                ),
                None,
            )
        if existing is None and not (sources or targets or others) and _definite(token):
            # "the video call" with no one named: the last event of its family; one named by a
            # verb ("Biden and Xi spoke") is better named by a noun phrase.
            # Not one without its date: "the invasion in February 2022" is no re-mention of
            # the attacks told undated just before.
            existing = next(
                (
                    e
                    for e in reversed(events)
                    if _family(e, kind, code) and (date is None or e.date == date)
                ),
                None,
            )
            if existing is not None and mentions[id(existing)][0].pos_ == "VERB" and len(words) > 1:
                existing.label, existing.kind, existing.cameo = label, kind, code
                existing.span, span = span, existing.span
        if existing is not None:
            # The same event named again ("the video call" ... "the call").
            mentions[id(existing)].append(token)
            _absorb(existing, span, sources, targets, others, date, expression, place, factuality)
            continue
        event = Event(
            label=label,
            kind=kind,
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
        mentions[id(event)] = [token]
        events.append(event)
    # An event with no actor in it tells an analyst nothing they can query.
    return [event for event in events if event.participants]
