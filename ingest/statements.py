"""Statements: who said what, from direct quotes and reported speech."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsgraph.ingest import docindex
from newsgraph.ingest.actors import ActorSet
from newsgraph.ingest.extraction import Actor, Span, Statement

SPEECH_VERBS = {
    "say",
    "tell",
    "add",
    "claim",
    "accuse",
    "warn",
    "insist",
    "argue",
    "deny",
    "announce",
    "state",
    "suggest",
    "rule",
    "decide",
    "point",
    "write",
    "conclude",
    "note",
    "stress",
    "explain",
    "urge",
    "report",
    "confirm",
    "reiterate",
    "lament",
    "acknowledge",
    "admit",
    "allege",
    "assert",
    "declare",
    "maintain",
    "predict",
    "promise",
    "reply",
    "respond",
    "retort",
    "threaten",
    "complain",
    "vow",
    "indicate",
    "believe",
    "contend",
    "emphasise",
    "emphasize",
    "observe",
    "remark",
    "recall",
    "concede",
    "caution",
    "signal",
    "hint",
    "estimate",
    "agree",
    "tweet",
    "post",
    "testify",
    "charge",
    "blame",
    "criticise",
    "criticize",
    "highlight",
    "find",
}
# Verbs whose object, when they have no clause, is itself the content.
OBJECT_CONTENT = {
    "reiterate",
    "lament",
    "deny",
    "reject",
    "acknowledge",
    "repeat",
    "stress",
    "announce",
    "highlight",
}
# Verbs whose clause is the content only when it is a clause ("decided that"), not a plan.
SPOKESPEOPLE = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen"}
CLAUSE_ONLY = {"decide", "agree", "threaten", "promise", "vow", "urge"}
ROLE_NOUNS = {
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "source",
    "sources",
    "diplomat",
    "aide",
    "adviser",
    "advisor",
    "minister",
    "analyst",
    "expert",
    "judge",
    "lawyer",
    "officer",
    "envoy",
    "ambassador",
    "negotiator",
    "representative",
    "statement",
    "readout",
    "report",
    "newspaper",
}
# "The newspaper said": the organization last named before is meant.
DEFINITE_ORGANIZATIONS = {
    "newspaper",
    "paper",
    "party",
    "ministry",
    "company",
    "firm",
    "group",
    "agency",
    "organisation",
    "organization",
    "department",
    "council",
    "court",
    "broadcaster",
    "channel",
}
PERSON_ROLES = {
    "mp",
    "president",
    "minister",
    "leader",
    "chancellor",
    "premier",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "chairman",
    "chairwoman",
    "chief",
    "judge",
    "ambassador",
    "king",
    "queen",
}
MIN_QUOTE_WORDS = 4
_OPENERS = "“"
_CLOSERS = "”"


@dataclass
class Quote:
    begin: int  # offsets of the quoted words, without the quote marks
    end: int
    standalone: bool  # not a phrase embedded in a sentence ("exposed "racism ..."")


def find_quotes(text: str) -> list[Quote]:
    """Quoted passages, with straight or curly marks; an unclosed quote ends at its paragraph."""
    quotes: list[Quote] = []
    open_at: int | None = None

    def close(at: int) -> None:
        nonlocal open_at
        if open_at is not None:
            end = at
            while end > open_at and text[end - 1] in " \n,":
                end -= 1
            if end > open_at:
                before = text[: open_at - 1].rstrip(" ")
                standalone = not before or before[-1] in ":,.\n—-–" or before.endswith(("\n", ". "))
                quotes.append(Quote(open_at, end, standalone))
        open_at = None

    for index, char in enumerate(text):
        if char == "\n" and open_at is not None and text[index + 1 : index + 2] == "\n":
            close(index)
        elif char in _OPENERS:
            close(index)
            open_at = index + 1
        elif char in _CLOSERS:
            close(index)
        elif char == '"':
            prev = text[index - 1] if index else " "
            nxt = text[index + 1] if index + 1 < len(text) else " "
            opening = (prev.isspace() or prev in "([{—–-:") and not nxt.isspace()
            if opening:
                close(index)
                open_at = index + 1
            elif open_at is not None:
                close(index)
    close(len(text))
    return quotes


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        # "Rules discriminated ..., the Law Lords have ruled": the subject nearest the verb.
        return subjects[-1]
    # "A White House statement followed, saying ...": the participle's subject is its head's.
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
        if verb.dep_ == "acl":
            return verb.head
        return _subject(verb.head)
    # "..., said Mr Smith": the inverted subject follows the verb.
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in ("dobj", "attr", "npadvmod")
            and child.pos_ in ("PROPN", "NOUN")
        ):
            return child
    return None


class Speakers:
    """Turns the subject of a speech verb into an actor, minting descriptive speakers as needed."""

    def __init__(self, doc: Doc, actors: ActorSet) -> None:
        self.doc = doc
        self.actors = actors
        self.last_speaker: str | None = None

    def resolve(self, subject: Token) -> str | None:
        lower = subject.lower_
        if lower in ("which", "who", "that") and subject.head.dep_ == "relcl":
            # "the European Roma Rights Centre, which said": the relative clause's antecedent.
            subject = subject.head.head
            lower = subject.lower_
        if subject.pos_ == "PRON":
            if lower in ("he", "she"):
                return self.actors.last_person_before(subject.i, "m" if lower == "he" else "f")
            if lower in ("it", "they") and self.last_speaker:
                speaker = self.actors.actors[self.last_speaker]
                return self.last_speaker if speaker.type != "Person" else None
            return None
        for child in subject.children:
            # "spokesman, Dmitry Peskov," / "the newspaper, Moskovsky Komsomolets,"
            if child.dep_ == "appos" and child.i in self.actors.token_actor:
                return self.actors.token_actor[child.i]
        if subject.i in self.actors.token_actor:
            return self.actors.token_actor[subject.i]
        determiner = subject.left_edge.lower_
        if determiner == "the" and subject.lower_ in DEFINITE_ORGANIZATIONS:
            return self.actors.last_subject_before(
                subject.i, ("Organization",)
            ) or self.actors.last_before(subject.i, ("Organization",))
        phrase = self.doc[subject.left_edge.i : subject.i + 1]
        people = [
            key
            for key in self.actors.actors_in(subject.left_edge.i, subject.right_edge.i + 1)
            if self.actors.actors[key].type == "Person"
        ]
        if people:
            return people[0]
        inside = self.actors.actors_in(phrase.start, phrase.end)
        if inside:
            return inside[0]
        if subject.lower_ in SPOKESPEOPLE:
            # "a spokesperson for the State Department said": the department speaks.
            for prep in subject.children:
                if prep.dep_ == "prep" and prep.lower_ in ("for", "of"):
                    for owner in prep.children:
                        key = self.actors.token_actor.get(owner.i)
                        if key and self.actors.actors[key].type != "Person":
                            return key
        if determiner == "the" and subject.lower_ in PERSON_ROLES:
            # "The Glasgow Kelvin MP, who ..., said": the person last named is meant.
            return self.actors.last_person_before(subject.i)
        if subject.lower_ in ROLE_NOUNS and subject.lower_ not in (
            "statement",
            "readout",
            "report",
        ):
            return self._descriptive(phrase)
        return None

    def _descriptive(self, phrase: SpacySpan) -> str:
        """A speaker the text describes without naming: "a senior administration official"."""
        words = [t for t in phrase if t.lower_ not in ("a", "an", "the", "one", "another")]
        name = " ".join(t.text for t in words)
        key = "person:described:" + name.lower()
        actor = self.actors.actors.get(key)
        if actor is None:
            actor = self.actors.actors[key] = Actor(key=key, name=name, type="Person")
        begin = words[0].idx if words else phrase.start_char
        actor.mentions.append(
            Span(begin, phrase.end_char, docindex.text(self.doc)[begin : phrase.end_char])
        )
        self.actors.order.append((phrase.start, key))
        self.actors.order.sort()
        return key


def _cue(verb: Token) -> str:
    words = [verb]
    words += [c for c in verb.children if c.dep_ == "prt"]
    for child in verb.children:
        # "said in a statement": the channel is part of the cue.
        if child.dep_ == "prep" and child.lower_ == "in":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects and objects[0].lemma_ in ("statement", "interview", "post", "readout"):
                words += list(child.subtree)
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i))


def _is_speech(token: Token) -> bool:
    return token.pos_ == "VERB" and token.lemma_.lower() in SPEECH_VERBS


def _attribution(doc: Doc, quote: Quote, openings: set[int]) -> Token | None:
    """The speech verb that attributes a quote: after it in its sentence, or before it."""
    after = doc.char_span(
        quote.end, min(len(docindex.text(doc)), quote.end + 1), alignment_mode="expand"
    )
    next_open = min(
        (begin for begin in openings if begin > quote.end), default=len(docindex.text(doc))
    )
    before = docindex.text(doc)[max(0, quote.begin - 3) : quote.begin]
    if after is not None and ":" not in before:
        for token in doc[after.start : docindex.sentence(doc[after.start]).end]:
            if token.idx >= next_open - 1 or "\n" in token.text:
                break  # the next quote or paragraph begins: its attribution is its own
            if _is_speech(token):
                return token
    start = doc.char_span(max(0, quote.begin - 1), quote.begin, alignment_mode="expand")
    if start is not None:
        sentence = docindex.sentence(doc[start.start])
        for token in reversed(doc[sentence.start : start.start]):
            if _is_speech(token):
                return token
        # "He added:" closing the previous sentence.
        previous = doc[sentence.start - 1] if sentence.start > 0 else None
        if previous is not None and previous.text == ":":
            for token in reversed(list(docindex.sentence(previous))):
                if _is_speech(token):
                    return token
    return None


WORDS_NOUNS = {"word", "words", "message", "comment", "comments", "remark", "remarks", "verdict"}


def _attributed_after(doc: Doc, quote: Quote, speakers: Speakers) -> tuple[str | None, str | None]:
    """A quote attributed in the sentence after it: "Those were the words of X.", "X said so."""
    after = doc.char_span(
        quote.end, min(len(docindex.text(doc)), quote.end + 1), alignment_mode="expand"
    )
    if after is None:
        return None, None
    current = docindex.sentence(doc[after.start])
    if current.end >= len(doc):
        return None, None
    following = docindex.sentence(doc[current.end])
    if following.start_char - quote.end > 4:
        return None, None
    for token in following:
        if token.lower_ in WORDS_NOUNS:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for owner in prep.children:
                        speaker = speakers.resolve(owner) if owner.dep_ == "pobj" else None
                        if speaker:
                            return speaker, f"the {token.text} of"
        if _is_speech(token) and not any(c.dep_ in ("ccomp", "xcomp") for c in token.children):
            subject = _subject(token)
            speaker = speakers.resolve(subject) if subject is not None else None
            if speaker:
                return speaker, _cue(token)
    return None, None


def _attributed_before(doc: Doc, quote: Quote, speakers: Speakers) -> tuple[str | None, str | None]:
    """A quote that opens a sentence right after one reporting someone's words goes on with
    them: 'X said the plan was "a mistake". "It will cost families dearly ..."'."""
    start = doc.char_span(max(0, quote.begin - 1), quote.begin, alignment_mode="expand")
    if start is None:
        return None, None
    sentence = docindex.sentence(doc[start.start])
    if sentence.start == 0 or sentence.start_char < quote.begin - 2:
        return None, None  # words come before the quote in its own sentence
    before = docindex.sentence(doc[sentence.start - 1])
    if quote.begin - before.end_char > 4:
        return None, None
    for token in reversed(before):
        if _is_speech(token):
            subject = _subject(token)
            speaker = speakers.resolve(subject) if subject is not None else None
            return (speaker, _cue(token)) if speaker else (None, None)
    return None, None


def extract(doc: Doc, body_start: int, actors: ActorSet) -> list[Statement]:
    speakers = Speakers(doc, actors)
    statements: list[Statement] = []
    quote_verbs: set[int] = set()
    quotes = [q for q in find_quotes(docindex.text(doc)) if q.begin >= body_start]
    openings = {quote.begin for quote in quotes}
    previous: tuple[Quote, str, str] | None = None  # the last attributed quote, speaker, cue
    for quote in quotes:
        words = docindex.text(doc)[quote.begin : quote.end].split()
        if not quote.standalone or len(words) < MIN_QUOTE_WORDS:
            continue
        verb = _attribution(doc, quote, openings)
        speaker = cue = None
        if verb is not None:
            quote_verbs.add(verb.i)
            subject = _subject(verb)
            speaker = speakers.resolve(subject) if subject is not None else None
            if speaker is None and verb.idx < quote.begin:
                # "Welcoming the ruling, Maeve Sherlock, chief executive of X, said:": the
                # first actor named in the clause before the verb.
                clause_start = docindex.sentence(verb).start
                named = actors.actors_in(clause_start, verb.i)
                people = [k for k in named if actors.actors[k].type == "Person"]
                speaker = (people or named or [None])[0]
            if speaker is None and verb.idx > quote.end:
                # A misparsed attribution ("..., a ministry readout from the call said"):
                # the actor named between the quote and its verb is the speaker.
                between = doc.char_span(quote.end, verb.idx, alignment_mode="expand")
                if between is not None:
                    named = actors.actors_in(between.start, verb.i)
                    people = [k for k in named if actors.actors[k].type == "Person"]
                    speaker = (people or named or [None])[0]
            cue = _cue(verb)
        if speaker is None and verb is None:
            speaker, cue = _attributed_after(doc, quote, speakers)
        if speaker is None and verb is None:
            speaker, cue = _attributed_before(doc, quote, speakers)
        if speaker is None and previous is not None:
            gap = docindex.text(doc)[previous[0].end : quote.begin]
            # A quote that goes on after "he said," or in the next paragraph keeps its speaker.
            if len(gap) < 80 and gap.count(".") <= 1:
                speaker, cue = previous[1], previous[2]
        if speaker is None or cue is None:
            continue
        speakers.last_speaker = speaker
        previous = (quote, speaker, cue)
        statements.append(
            Statement(
                speaker=speaker,
                text=docindex.text(doc)[quote.begin : quote.end],
                span=Span(quote.begin, quote.end, docindex.text(doc)[quote.begin : quote.end]),
                cue=cue,
                direct=True,
                about=_about(actors, doc, quote.begin, quote.end, speaker),
            )
        )
    direct_spans = [(q.begin, q.end) for q in quotes if q.standalone]
    for token in doc:
        if token.idx < body_start or not _is_speech(token) or token.i in quote_verbs:
            continue
        content = _content(token)
        if content is None:
            continue
        begin, end = content.start_char, content.end_char
        if begin < body_start:
            continue  # the parser hung the headline on the first verb of the body
        if any(b <= begin < e or begin <= b < end for b, e in direct_spans):
            continue
        subject = _subject(token)
        speaker = speakers.resolve(subject) if subject is not None else None
        if speaker is None:
            continue
        speakers.last_speaker = speaker
        statements.append(
            Statement(
                speaker=speaker,
                text=content.text,
                span=Span(begin, end, content.text),
                cue=_cue(token),
                direct=False,
                about=_about(actors, doc, begin, end, speaker),
            )
        )
    statements.extend(_according_to(doc, body_start, actors, speakers, statements))
    statements.sort(key=lambda s: s.span.begin)
    return statements


def _according_to(
    doc: Doc, body_start: int, actors: ActorSet, speakers: Speakers, found: list[Statement]
) -> list[Statement]:
    """ "The toll rose to 50, according to the WHO": the sentence, less the attribution, is the
    WHO's claim, unless the sentence already holds a statement."""
    taken = [(s.span.begin, s.span.end) for s in found]
    claims = []
    for token in doc:
        if token.lower_ != "according" or token.idx < body_start:
            continue
        to = next((c for c in token.children if c.lower_ == "to"), None)
        source = (
            next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        )
        if source is None:
            continue
        speaker = speakers.resolve(source)
        sentence = docindex.sentence(token)
        if speaker is None or any(
            b < sentence.end_char and sentence.start_char < e for b, e in taken
        ):
            continue
        before = doc[sentence.start : token.i]
        after = (
            doc[token.right_edge.i + 1 : sentence.end]
            if token.right_edge.i + 1 < sentence.end
            else None
        )
        content = (
            _trim(before) if len(before) >= 3 else (_trim(after) if after is not None else None)
        )
        if content is None:
            continue
        text = content.text
        claims.append(
            Statement(
                speaker=speaker,
                text=text,
                span=Span(content.start_char, content.end_char, text),
                cue="according to",
                direct=False,
                about=_about(actors, doc, content.start_char, content.end_char, speaker),
            )
        )
    return claims


def _content(verb: Token) -> SpacySpan | None:
    """The reported content of a speech verb: its clause, or for "accuse", whom of what."""
    doc = verb.doc
    lemma = verb.lemma_.lower()
    if lemma in ("accuse", "blame", "criticise", "criticize", "charge"):
        objects = [c for c in verb.children if c.dep_ in ("dobj",)]
        grounds = [
            c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")
        ]
        if not grounds:
            return None  # "criticised Zelensky": a criticism, not a reported claim
        if objects:
            start = objects[0].left_edge.i
            end = max(t.i for t in verb.subtree if t.i >= start) + 1
            return _trim(doc[start:end])
        return None
    clause = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not clause and len(subjects) >= 2 and subjects[0].right_edge.i < subjects[-1].left_edge.i:
        # A reported clause before its verb, misparsed as a second subject:
        # "The rules discriminated against Roma, the Law Lords have ruled."
        return _trim(doc[subjects[0].left_edge.i : subjects[0].right_edge.i + 1])
    finite = [
        c
        for c in (objects[0].children if objects and not clause else ())
        if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB" and c.tag_ in ("VBD", "VBZ", "VBP")
    ]
    if finite:
        if doc[finite[0].left_edge.i].lower_ == "that" and finite[0].i > objects[0].i:
            # "told a briefing that Beijing opposed it": the object is the audience.
            return _trim(doc[finite[0].left_edge.i : finite[0].right_edge.i + 1])
        # "decided the practice discriminated against ...": a that-clause parsed as an object.
        return _trim(doc[objects[0].left_edge.i : objects[0].right_edge.i + 1])
    if lemma in OBJECT_CONTENT and objects and not clause:
        # "Xi reiterated China's criticism of sanctions": the object is what was said, with
        # what it was called ("lamenting conflict as not in anyone's interest").
        end = objects[0].right_edge.i + 1
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "as" and child.i >= end - 1:
                end = child.right_edge.i + 1
        return _trim(doc[objects[0].left_edge.i : end])
    # A clause after the verb is what was said; one before it only in "..., X said" order.
    for child in sorted(verb.children, key=lambda c: c.i < verb.i):
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and lemma not in CLAUSE_ONLY | {"say"}):
            span = doc[child.left_edge.i : child.right_edge.i + 1]
            return _trim(span)
        if child.dep_ == "xcomp" and lemma == "threaten":
            return _trim(doc[child.left_edge.i : child.right_edge.i + 1])
    return None


_LEADING = re.compile(r"^(that|:|,)\s+", re.IGNORECASE)


def _trim(span: SpacySpan) -> SpacySpan | None:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (
        doc[start].lower_ in ("that", ":", ",", "“", '"')
        or doc[start].dep_ == "mark"
        and doc[start].lower_ == "that"
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space
        or (doc[end - 1].is_punct and doc[end - 1].text not in ('"', "”", ")"))
    ):
        end -= 1
    while start < end and doc[start].is_space:
        start += 1
    if end - start < 3:
        return None
    return doc[start:end]


def _about(actors: ActorSet, doc: Doc, begin: int, end: int, speaker: str) -> list[str]:
    span = doc.char_span(begin, end, alignment_mode="expand")
    if span is None:
        return []
    return [key for key in actors.actors_in(span.start, span.end) if key != speaker]
