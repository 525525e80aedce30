"""Statements: who said what, from direct quotes and reported speech."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.attrs import LOWER
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsgraph.ingest import attribution, docindex
from newsgraph.ingest.actors import ActorSet
from newsgraph.ingest.content import QUOTES, attributes_as, content_of, trim
from newsgraph.ingest.extraction import Span, Statement
from newsgraph.ingest.speakers import Speakers, lost_subject, subject_of

MIN_QUOTE_WORDS = 4
SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
# A shorter quote is a statement only when a speech verb follows it and the quote closes with
# its own comma or mark ('"I'd beat him," Trump said'): a scare quote never does.
MIN_ATTRIBUTED_WORDS = 2
_OPENERS = "“"
_CLOSERS = "”"
# Quote marks, and a blank line (which ends any quote still open).
_MARKS = re.compile(r"[“”\"]|''|\n(?=\n)")


@dataclass
class Quote:
    begin: int  # offsets of the quoted words, without the quote marks
    end: int
    standalone: bool  # not a phrase embedded in a sentence ("exposed "racism ..."")


def find_quotes(text: str) -> list[Quote]:
    """Quoted passages, with straight, curly or doubled-apostrophe marks (''like this''); an
    unclosed quote ends at its paragraph. Only the marks are visited, not every character."""
    quotes: list[Quote] = []
    open_at: int | None = None
    opener = 0  # the width of the mark that opened the quote

    def close(at: int) -> None:
        nonlocal open_at
        if open_at is not None:
            end = at
            while end > open_at and text[end - 1] in " \n,":
                end -= 1
            if end > open_at:
                before = text[max(0, open_at - opener - 200) : open_at - opener].rstrip(" ")
                standalone = not before or before[-1] in ":,.\n—-–" or before.endswith(". ")
                quotes.append(Quote(open_at, end, standalone))
        open_at = None

    for match in _MARKS.finditer(text):
        index, mark = match.start(), match.group()
        if mark == "\n":
            close(index)
        elif mark in _OPENERS:
            close(index)
            open_at, opener = index + 1, 1
        elif mark in _CLOSERS:
            close(index)
        else:
            width = len(mark)
            prev = text[index - 1] if index else " "
            nxt = text[index + width] if index + width < len(text) else " "
            if (prev.isspace() or prev in "([{—–-:") and not nxt.isspace():
                close(index)
                open_at, opener = index + width, width
            elif open_at is not None:
                close(index)
    close(len(text))
    return quotes


def _cue(verb: Token) -> str:
    words = sorted([verb, *(c for c in verb.children if c.dep_ == "prt")], key=lambda t: t.i)
    for child in verb.children:
        # "said in a statement": the channel is part of the cue, after the verb wherever the
        # sentence has it ("In a post on X, Musk wrote" gives "wrote in a post").
        if child.dep_ == "prep" and child.lower_ == "in":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects and objects[0].lemma_ in ("statement", "interview", "post", "readout"):
                # The channel up to its noun: not a clause hung on it ("that the team would").
                words += [t for t in child.subtree if t.i <= objects[0].i]
    return " ".join(t.lower_ if t.is_sent_start and t.pos_ != "PROPN" else t.text for t in words)


def _is_speech(token: Token) -> bool:
    """A verb of saying next to a quote: any lemma the corpus has seen cue speech."""
    return token.pos_ == "VERB" and attribution.of_saying(token)


def _attribution(doc: Doc, quote: Quote, openings: set[int]) -> Token | None:
    """The speech verb that attributes a quote: after it in its sentence, or before it; a
    colon before the quote says to look before it first ("He added: ...")."""
    introduced = ":" in docindex.text(doc)[max(0, quote.begin - 3) : quote.begin]
    if introduced:
        return (
            _verb_at_colon(doc, quote)
            or _verb_before(doc, quote)
            or _verb_after(doc, quote, openings)
        )
    return _verb_after(doc, quote, openings) or _verb_before(doc, quote)


def _verb_after(doc: Doc, quote: Quote, openings: set[int]) -> Token | None:
    after = doc.char_span(
        quote.end, min(len(docindex.text(doc)), quote.end + 1), alignment_mode="expand"
    )
    if after is None:
        return None
    next_open = min(
        (begin for begin in openings if begin > quote.end), default=len(docindex.text(doc))
    )
    for token in doc[after.start : docindex.sentence(doc[after.start]).end]:
        if token.idx >= next_open - 1 or "\n" in token.text:
            break  # the next quote or paragraph begins: its attribution is its own
        if _is_speech(token):
            return token
    return None


def _verb_at_colon(doc: Doc, quote: Quote) -> Token | None:
    """'to which Ridley interjected: "..."', 'Jones shot back: "..."': a verb with a subject
    that the colon before a quote closes on introduces it, whether or not it is a cue the
    model knows, and an earlier "said" in the sentence does not."""
    colon = doc.char_span(max(0, quote.begin - 3), quote.begin, alignment_mode="expand")
    if colon is None:
        return None
    marks = [t for t in colon if t.text == ":"]
    if not marks or marks[0].i == 0:
        return None
    # The verb the parser hung the colon on, when it stands before it ("fired back forcefully:",
    # "gave the Texan a back-handed compliment:"); else the word before the colon.
    verb = marks[0].head if marks[0].head.i < marks[0].i else doc[marks[0].i - 1]
    if verb.dep_ in ("prt", "advmod") and verb.head.i == verb.i - 1:
        verb = verb.head  # "shot back:", "said simply:"
    # A clause of its own, not one reported inside another ("he doubted the casino would
    # last long: ...").
    own = verb.dep_ in ("ROOT", "relcl", "advcl", "conj")
    subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    if own and subject and verb.pos_ == "VERB" and not verb.is_upper:  # not a headline's caps
        return verb
    return None


def _reports_before(verb: Token, quote: Quote) -> bool:
    """'Carson noted that X and quoted Reagan: "..."': a cue before a quote that reports words
    of its own, which end before the quote, keeps them as a statement besides the quote."""
    children = {c.dep_ for c in verb.children}
    if verb.idx > quote.begin or not {"ccomp", "nsubj"} <= children:
        return False  # a clause said by a subject: not "issued a statement:", "when asked what"
    content = content_of(verb)
    return content is not None and verb.idx < content.start_char < content.end_char < quote.begin


def _verb_before(doc: Doc, quote: Quote) -> Token | None:
    start = doc.char_span(max(0, quote.begin - 1), quote.begin, alignment_mode="expand")
    if start is None:
        return None
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
    gap = docindex.text(doc)[quote.end : following.start_char]
    if len(gap) > 4 or "\n" in gap:
        return None, None  # the next paragraph is not about the quote that ends this one
    for token in following:
        if token.lower_ in WORDS_NOUNS:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for owner in prep.children:
                        speaker = speakers.resolve(owner) if owner.dep_ == "pobj" else None
                        if speaker:
                            return speaker, f"the {token.text} of"
        if _is_speech(token) and content_of(token) is None:  # "X said so", not "X said that ..."
            subject = subject_of(token)
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
            subject = subject_of(token)
            speaker = speakers.resolve(subject) if subject is not None else None
            return (speaker, _cue(token)) if speaker else (None, None)
    return None, None


def extract(doc: Doc, body_start: int, actors: ActorSet) -> list[Statement]:
    """Direct quotes and reported speech, read in text order so that each speaker is resolved
    with what the article has said so far."""
    text = docindex.text(doc)
    quotes = [q for q in find_quotes(text) if q.begin >= body_start]
    speakers = Speakers(doc, actors, _quoted_tokens(doc, quotes))
    openings = {quote.begin for quote in quotes}
    items: list[tuple[int, Quote | None, Token | None]] = []
    quote_verbs: set[int] = set()
    quote: Quote | None  # the loops below share the name
    for quote in quotes:
        words = len(text[quote.begin : quote.end].split())
        if not quote.standalone or words < MIN_ATTRIBUTED_WORDS:
            continue
        verb = _attribution(doc, quote, openings)
        if verb is not None and _inside_subject(doc, quote, verb):
            continue  # 'Sam Solovey, a contestant on "The Apprentice," said': a title, not words
        if words < MIN_QUOTE_WORDS and not (
            verb is not None
            and (
                (verb.idx > quote.end and _closes_utterance(text, quote))
                or _introduces(text, verb, quote)
            )
        ):
            continue
        if verb is not None and not _reports_before(verb, quote):
            quote_verbs.add(verb.i)
        items.append((quote.begin, quote, verb))
    cues = attribution.shipped()
    for token in cues.candidates(doc):
        if (
            token.idx >= body_start
            and token.i not in quote_verbs
            and not _asked_of_subject(token)
            and not _impersonal(token)
            and not _purpose_of_a_negated_act(token)
            and (
                cues.is_cue(token)
                or _interrupts(token)
                or attributes_as(token)
                or _says_again(token, cues)
            )
        ):
            items.append((token.idx, None, token))
    items.sort(key=lambda item: item[0])
    direct_spans = [(q.begin, q.end) for q in quotes if q.standalone]
    embedded = [(q.begin, q.end) for q in quotes if not q.standalone]
    statements: list[Statement] = []
    reported: list[tuple[Statement, Token]] = []
    previous: tuple[Quote, str, str] | None = None  # the last attributed quote, speaker, cue
    for _, quote, verb in items:
        if quote is not None:
            found = _direct(doc, quote, verb, speakers, previous)
            if found is not None:
                previous = (quote, found.speaker, found.cue)
        elif verb is not None:
            found = _reported(doc, verb, body_start, direct_spans, embedded, speakers)
            if found is not None:
                reported.append((found, verb))
        if found is not None:
            statements.append(found)
    _end_before_inner_cues(doc, reported)
    inner = _nested(reported)
    statements = [s for s in statements if id(s) not in inner]
    for found in statements:
        found.about = _about(actors, doc, found.span.begin, found.span.end, found.speaker)
    statements.extend(_according_to(doc, body_start, actors, speakers, statements))
    statements.sort(key=lambda s: s.span.begin)
    statements = _join_interrupted(doc, statements)
    # A described speaker whose only words were dropped above ("statistics" in "Liberty said
    # statistics suggested ...") was made up for nothing.
    for key in speakers.described - {s.speaker for s in statements}:
        actors.forget(key)
    return statements


# Between the two parts of one quoted sentence its attribution interrupts: '," she said, "'.
_INTERRUPTION = re.compile(r"\W*,[^!?\n]*,\s*(?:“|\"|'')")


def _join_interrupted(doc: Doc, statements: list[Statement]) -> list[Statement]:
    """'"We will not back down," she said, "not this year."': one quoted sentence that its
    attribution interrupts is one statement. A quote that goes on after "she said." with a new
    sentence stays a statement of its own, as analysts list it."""
    text = docindex.text(doc)

    def sentence_at(offset: int) -> int:
        token = doc.char_span(offset, offset + 1, alignment_mode="expand")
        return docindex.sentence(token[0]).start if token is not None and len(token) else -1

    joined: list[Statement] = []
    for statement in statements:
        before = joined[-1] if joined else None
        if (
            before is not None
            and before.direct
            and statement.direct
            and before.speaker == statement.speaker
            and not _introduced_anew(
                text[before.span.end : statement.span.begin], before, statement
            )
            and _INTERRUPTION.fullmatch(text[before.span.end : statement.span.begin])
            # "Mr. Smith said," is one sentence; '," he said. Then he added, "' is two.
            and sentence_at(before.span.end) == sentence_at(statement.span.begin - 1)
        ):
            before.text = before.text + ", " + statement.text
            begin, end = before.span.begin, statement.span.end
            before.span = Span(begin, end, text[begin:end])
            before.about += [key for key in statement.about if key not in before.about]
            continue
        joined.append(statement)
    return joined


def _introduced_anew(between: str, first: Statement, second: Statement) -> bool:
    """'," Graham said, adding, "', '," he said, adding later, "': a cue of its own between
    the two parts makes the second a statement of its own."""
    return second.cue != first.cue and second.cue.split()[0] in re.findall(r"\w+", between)


def _says_again(verb: Token, cues: attribution.CueModel) -> bool:
    """'She says the answer was to close the loophole and says she introduced a bill': a verb
    of the cue's own lemma, joined to the words the cue reports and with a clause of its own,
    says again, whatever the model makes of its odd place in the parse."""
    if verb.dep_ != "conj" or not any(child.dep_ == "ccomp" for child in verb.children):
        return False
    lemma = attribution.lemma_of(verb)
    return any(
        attribution.lemma_of(ancestor) == lemma and cues.is_cue(ancestor)
        for ancestor in verb.ancestors
    )


def _purpose_of_a_negated_act(verb: Token) -> bool:
    """'Xi did not use the terms war or invasion to describe Russia's actions': an infinitive
    of what a negated act was (not) done for reports nothing that was said."""
    head = verb.head
    return (
        verb.dep_ in ("advcl", "xcomp")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        and head.i < verb.i
        and any(c.dep_ == "neg" for c in head.children)
        and not attribution.of_saying(head)
    )


def _asked_of_subject(verb: Token) -> bool:
    """'Asked whether he would resign, Johnson replied': a participle before its clause, with no
    subject of its own, says what was put to that clause's subject, who did not say it; who
    asked is unknown unless an agent names them ('Asked by Matt Lauer whether ...')."""
    own = ("nsubj", "nsubjpass", "aux", "auxpass", "mark", "agent")
    return (
        verb.dep_ == "advcl"
        and verb.tag_ in ("VBN", "VBD")
        and verb.i < verb.head.i
        and not any(c.dep_ in own for c in verb.children)
    )


def _impersonal(verb: Token) -> bool:
    """ "It's fair to say that ...", "it is safe to say": the writer's own aside, an infinitive
    on an adjective said of "it", not anyone's reported words."""
    head = verb.head
    return (
        verb.dep_ == "xcomp"
        and any(c.dep_ == "acomp" and c.pos_ == "ADJ" for c in head.children)
        and any(c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in head.children)
    )


def _inside_subject(doc: Doc, quote: Quote, verb: Token) -> bool:
    """Whether a quote lies within the phrase that names its verb's subject, or within a
    phrase before the verb that says where it was said while the verb reports a clause of its
    own ('In her memoir, "Hard Choices," Clinton wrote that ...'): a title, not words."""

    def holds(phrase: Token) -> bool:
        last = phrase.right_edge
        return phrase.left_edge.idx < quote.begin and quote.end <= last.idx + len(last)

    subject = subject_of(verb)
    if subject is not None and subject.head == verb and holds(subject):
        return True
    if not any(c.dep_ == "prep" and holds(c) for c in verb.lefts):
        return False
    content = content_of(verb)  # only now: it is the dearer question
    return content is not None and not (
        content.start_char < quote.end and quote.begin < content.end_char
    )


# What may stand between an interrupting cue and its closing comma: "he said Friday,".
_WHEN = {"npadvmod", "advmod"}


def _interrupts(verb: Token) -> bool:
    """'Many of the closures, he said, have involved public courses': a cue set off by commas
    inside the clause it reports says by its place alone that the clause was said."""
    if verb.dep_ != "parataxis" or verb.head.pos_ not in ("VERB", "AUX"):
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return False
    doc = verb.doc
    # The cue and its own subject, the one nearest it: the parser may hang the reported
    # clause's subject on the cue too ("Voters, Clinton suggested, don't have to worry").
    subject = min(subjects, key=lambda s: abs(s.i - verb.i))
    first = min(subject.left_edge.i, verb.i)
    last = max(verb.i, subject.right_edge.i)
    while last + 1 < len(doc) and doc[last + 1].head == verb and doc[last + 1].dep_ in _WHEN:
        last = doc[last + 1].right_edge.i  # "he said Friday,"
    before, after = first - 1, last + 1
    return (
        verb.head.left_edge.i < before
        and after < verb.head.right_edge.i
        and doc[before].text == ","
        and doc[after].text == ","
    )


def _introduces(text: str, verb: Token, quote: Quote) -> bool:
    """'He said, "I hope not."', 'Mills writes back: "You look cute."': a cue right before a
    short quote, set off by a comma or colon, that is a sentence of its own."""
    doc = verb.doc
    between = doc[verb.i + 1 : _token_at(doc, quote.begin)]
    return (
        verb.idx < quote.begin
        and not _interrupts(verb)  # 'There was, she said, "an implicit bargain."': a clause's end
        # Only marks and the cue's own particles between: "writes back", "said simply".
        and all(t.is_punct or (t.head == verb and t.dep_ in ("prt", "advmod")) for t in between)
        and any(t.text in (",", ":") for t in between)
        and text[quote.end - 1 : quote.end] in (".", "?", "!")
    )


def _closes_utterance(text: str, quote: Quote) -> bool:
    """Whether a quote ends as a sentence said aloud does: with a comma, a question or an
    exclamation mark of its own before the closing mark."""
    tail = text[quote.end : quote.end + 3]
    return bool(tail) and tail[0] in ",?!" or text[quote.end - 1 : quote.end] in ("?", "!")


def _end_before_inner_cues(doc: Doc, reported: list[tuple[Statement, Token]]) -> None:
    """'He says he respects her and calls her "intelligent"': what the inner cue reports is its
    own statement, so the outer one ends where the inner cue's clause begins."""
    text = docindex.text(doc)
    for outer, _ in reported:
        for inner, cue in reported:
            clause_start = cue.left_edge
            if inner is outer or not outer.span.begin < clause_start.idx < outer.span.end:
                continue
            if cue.dep_ == "relcl" or cue.pos_ == "NOUN":
                # "the $18 million she says she raised", "because of his calls for a ban": a
                # clause on a noun, or a noun, inside the words said.
                continue

            reach = max(max(t.idx + len(t) for t in cue.subtree), inner.span.end)
            if text[reach : outer.span.end].strip(" .,;!?\"”'’"):
                continue  # the inner clause sits inside the outer content, which goes on
            cut = doc.char_span(outer.span.begin, clause_start.idx, alignment_mode="contract")
            kept = trim(cut) if cut is not None else None
            if kept is not None and kept.end > kept.start:
                while kept.end > kept.start and doc[kept.end - 1].dep_ == "cc":
                    kept = doc[kept.start : kept.end - 1]
                outer.text = kept.text
                outer.span = Span(kept.start_char, kept.end_char, kept.text)


def _nested(reported: list[tuple[Statement, Token]]) -> set[int]:
    """'He said he plans to spend the $18 million he says he raised': a cue inside the words
    another cue reports is part of those words, not a statement of its own."""
    inside = set()
    for inner, cue in reported:
        for outer, _ in reported:
            if (
                outer is not inner
                and outer.span.begin <= cue.idx < outer.span.end
                and inner.span.end <= outer.span.end
            ):
                inside.add(id(inner))
    return inside


def _direct(
    doc: Doc,
    quote: Quote,
    verb: Token | None,
    speakers: Speakers,
    previous: tuple[Quote, str, str] | None,
) -> Statement | None:
    """A quote and who said it: its verb's subject, else the sentence after or before it, else
    whoever spoke the quote just before, when this one goes straight on from it."""
    actors = speakers.actors
    text = docindex.text(doc)
    speaker = cue = None
    if verb is not None:
        subject = subject_of(verb)
        speaker = speakers.resolve(subject, verb) if subject is not None else None
        if speaker is None and verb.idx < quote.begin:
            # "Welcoming the ruling, Maeve Sherlock, chief executive of X, said:": the
            # first actor named in the clause before the verb.
            named = actors.actors_in(docindex.sentence(verb).start, verb.i)
            people = [k for k in named if actors.actors[k].type == "Person"]
            speaker = (people or named or [None])[0]  # type: ignore[list-item]  # None: no one
        if speaker is None and verb.idx > quote.end:
            # A misparsed attribution ("..., a ministry readout from the call said"):
            # the actor named between the quote and its verb is the speaker.
            between = doc.char_span(quote.end, verb.idx, alignment_mode="expand")
            if between is not None:
                named = actors.actors_in(between.start, verb.i)
                people = [k for k in named if actors.actors[k].type == "Person"]
                speaker = (people or named or [None])[0]  # type: ignore[list-item]  # None: no one
        if (
            speaker is None
            and verb.idx > quote.end
            and not text[quote.end : verb.idx].strip(" ,\"'”’")
        ):
            # '"...," said Mike Skelly' where the parser took the name for an adverb: the
            # speaker is the phrase right after the verb.
            speaker = _inverted_subject(verb, speakers)
        cue = _cue(verb)
    if speaker is None and verb is None:
        speaker, cue = _attributed_after(doc, quote, speakers)
    if speaker is None and verb is None:
        speaker, cue = _attributed_before(doc, quote, speakers)
    if speaker is None and previous is not None:
        gap = text[previous[0].end : quote.begin]
        # A quote that goes on after "he said," or in the next paragraph keeps its speaker.
        if len(gap) < 80 and gap.count(".") <= 1:
            speaker, cue = previous[1], previous[2]
    if speaker is None or cue is None:
        return None
    speakers.spoke(speaker, verb.i if verb is not None else _token_at(doc, quote.begin))
    words = text[quote.begin : quote.end]
    return Statement(speaker, words, Span(quote.begin, quote.end, words), cue, direct=True)


def _inverted_subject(verb: Token, speakers: Speakers) -> str | None:
    """The speaker named right after a cue that follows its quote: its first noun or name."""
    doc = verb.doc
    for token in doc[verb.i + 1 : min(len(doc), verb.i + 5)]:
        if token.is_punct:
            return None
        key = speakers.actors.token_actor.get(token.i)
        if key is not None:
            return key
        if token.pos_ == "NOUN":
            head = token
            while head.dep_ == "compound" and head.head.i > head.i:
                head = head.head
            return speakers.resolve(head, verb)
    return None


def _reported(
    doc: Doc,
    verb: Token,
    body_start: int,
    direct_spans: list[tuple[int, int]],
    embedded: list[tuple[int, int]],
    speakers: Speakers,
) -> Statement | None:
    """Reported speech: the content the cue governs, said by the cue's subject."""
    content = content_of(verb) or _paragraph_after_colon(verb)
    if content is None:
        return None
    begin, end = content.start_char, content.end_char
    text = docindex.text(doc)
    opened = [(b, e) for b, e in embedded if begin <= b < end < e]
    if opened and "\n" not in text[end : opened[0][1]]:
        # 'said that Curiel "happens to be, we believe, Mexican."': the parser hung the end of
        # a quoted phrase outside the clause; the words quoted are reported whole, with the
        # closing mark where the opening one is kept.
        quoted_from, quoted_to = opened[0]
        marked = begin < quoted_from - 1 and text[quoted_to : quoted_to + 1] in ('"', "”")
        whole = doc.char_span(begin, quoted_to + marked, alignment_mode="expand")
        content = trim(whole) if whole is not None else content
        if content is None:
            return None
        begin, end = content.start_char, content.end_char
    if begin < body_start:
        return None  # the parser hung the headline on the first verb of the body
    if any(b <= begin < e or b <= verb.idx < e for b, e in direct_spans):
        # The content is a quote already taken as direct speech, or the cue is one of the
        # quoted words ("No one else can say that," she said).
        return None
    later = [b for b, e in direct_spans if begin < b < end]
    if later:
        # "told Newsmax that X, adding, “...”": the content ends where a quote of its own begins.
        cut = doc.char_span(begin, min(later) - 1, alignment_mode="contract")
        if cut is not None:
            # '... strong, to which Ridley interjected: "..."': nor does the clause on the
            # last words that introduces the quote belong to the content.
            clause = next((a for a in cut[-1].ancestors if a.dep_ in ("relcl", "advcl")), None)
            if clause is not None and cut.start < clause.left_edge.i:
                cut = doc[cut.start : clause.left_edge.i]
        content = trim(cut) if cut is not None else None
        if content is None:
            return None
        begin, end = content.start_char, content.end_char
    subject = subject_of(verb)
    if subject is not None:
        speaker = speakers.resolve(subject, verb)
    else:
        speaker = lost_subject(verb, speakers.actors)
    if speaker is None:
        return None
    speakers.spoke(speaker, verb.i, range(content.start, content.end))
    return Statement(speaker, content.text, Span(begin, end, content.text), _cue(verb), False)


def _paragraph_after_colon(verb: Token) -> SpacySpan | None:
    """'One activist tweeted:' closing its paragraph: the next paragraph is what was tweeted,
    unless it opens with a quote mark (a quote, found as one)."""
    doc = verb.doc
    sentence = docindex.sentence(verb)
    rest = [t for t in doc[verb.i + 1 : sentence.end] if not t.is_space]
    if [t.text for t in rest] != [":"] or sentence.end >= len(doc):
        return None
    start = sentence.end
    while start < len(doc) and doc[start].is_space:
        start += 1
    end = start
    while end < len(doc) and not (doc[end].is_space and "\n" in doc[end].text):
        end += 1
    if start >= end or doc[start].text in QUOTES:
        return None
    return trim(doc[start:end])


def _occurrences(doc: Doc, word: str) -> list[Token]:
    """The tokens of a word, any case, found without visiting every token in Python."""
    found = numpy.flatnonzero(doc.to_array(LOWER) == doc.vocab.strings.add(word))
    return [doc[int(i)] for i in found]


def _quoted_tokens(doc: Doc, quotes: list[Quote]) -> set[int]:
    inside: set[int] = set()
    for quote in quotes:
        span = doc.char_span(quote.begin, quote.end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return inside


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _according_to(
    doc: Doc, body_start: int, actors: ActorSet, speakers: Speakers, found: list[Statement]
) -> list[Statement]:
    """ "The toll rose to 50, according to the WHO": the sentence, less the attribution, is the
    WHO's claim, unless the sentence already holds a statement."""
    taken = [(s.span.begin, s.span.end) for s in found]
    claims = []
    for token in _occurrences(doc, "according"):
        if token.idx < body_start:
            continue
        to = next((c for c in token.children if c.lower_ == "to"), None)
        source = (
            next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        )
        if source is None:
            continue
        speaker = speakers.resolve(source)
        # A word with a determiner names a thing, whatever its tag: "the polling average".
        nominal = source.pos_ == "NOUN" or any(c.dep_ == "det" for c in source.children)
        if speaker is None and nominal:
            # What "according to" names is a source by the phrase alone: "recent polls".
            phrase = doc[source.left_edge.i : source.i + 1]
            # A name the recogniser did not know, "the Las Vegas Sun", is a body's.
            kind = {"NNS": "Group", "NNP": "Organization"}.get(source.tag_, "Person")
            speaker = speakers.describe(phrase, kind)
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
        claim = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if (
            claim is not None
            and token.right_edge.i < claim.i < sentence.end
            and claim.dep_ not in ("relcl", "acl")
            and any(c.dep_ in SUBJECTS and c.i > token.i for c in claim.children)
        ):
            # "..., because, according to Trump, the media would call him a chicken": the
            # clause the attribution stands in, not what comes before it.
            start = max(sentence.start, claim.left_edge.i)
            if all(t.dep_ in ("cc", "advmod", "punct") for t in doc[start : token.i]):
                # "According to the WHO, the toll rose", "But according to aides, he ..."
                start = token.right_edge.i + 1
            content = trim(doc[start : min(claim.right_edge.i + 1, sentence.end)])
        elif claim is not None and _interjected(token, claim):
            # "The decision, according to aides, was made in March": the clause the
            # attribution interrupts, whole, as "Mr. Obama, officials said, has grown ...".
            content = trim(doc[claim.left_edge.i : min(claim.right_edge.i + 1, sentence.end)])
        else:
            content = trim(before) if len(before) >= 3 else (trim(after) if after else None)
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


def _interjected(according: Token, claim: Token) -> bool:
    """Whether "according to X" stands between commas after the subject of the clause it
    attributes and before its verb ("The implication, according to the aide, is that ...")."""
    doc = according.doc
    first, last = according.i, according.right_edge.i
    subjects = [c for c in claim.children if c.dep_ in SUBJECTS and c.i < first]
    return (
        first > 0
        and doc[first - 1].text == ","
        and last + 1 < claim.i
        and doc[last + 1].text == ","
        and bool(subjects)
    )


def _about(actors: ActorSet, doc: Doc, begin: int, end: int, speaker: str) -> list[str]:
    span = doc.char_span(begin, end, alignment_mode="expand")
    if span is None:
        return []
    return [key for key in actors.actors_in(span.start, span.end) if key != speaker]
