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
from newsgraph.ingest.extraction import Actor, Span, Statement
from newsgraph.ontology import slug

# Prepositions whose object is what was said, when a cue has no clause or object.
SPOKEN_PREPOSITIONS = {"for", "about", "of", "on", "against"}
MEASURES = {"DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"}
# What "accused X of ...", "criticized X for ..." are accused or criticized of.
ACCUSATION_GROUNDS = {"of", "for", "over", "as"}
# Verbs whose clause is the content only when it is a clause ("decided that"), not a plan.
SPOKESPEOPLE = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen"}
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
# A shorter quote is a statement only when a speech verb follows it and the quote closes with
# its own comma or mark ('"I'd beat him," Trump said'): a scare quote never does.
MIN_ATTRIBUTED_WORDS = 2
# How many tokens back a pronoun looks for its antecedent, and how long the last speaker stays
# the likeliest one.
ANTECEDENT_WINDOW = 300
SPEAKER_MEMORY = 200
FINITE_TAGS = {"VBD", "VBZ", "VBP"}
# Where a subject the parser lost stands: as a subject of some clause, or in apposition.
SUBJECT_PLACES = {"nsubj", "nsubjpass", "appos", "ROOT", "dep", "npadvmod"}
# Words that count part of a group as a cue's subject: "those surveyed", "several", "another".
QUANTIFIERS = {
    "those",
    "some",
    "many",
    "most",
    "several",
    "others",
    "another",
    "both",
    "few",
    "all",
}
SENTENCE_ON_A_NOUN = {"relcl", "appos", "punct", "cc", "conj"}  # not "those surveyed"
CLAUSES_ON_A_NOUN = {"relcl", "acl", "appos", "punct", "cc", "conj"}
# A proper-noun speaker that extraction kept as no actor, by what the recogniser took it for.
UNKEPT_NAMES = {"": "Person", "PERSON": "Person", "ORG": "Organization", "NORP": "Group"}
# What makes a person the likeliest antecedent of 'he' or 'she' (per token of distance, for the
# rest once): being the last speaker, a clause's subject, in the same sentence.
SALIENCE = {
    "distance": 0.02,
    "earlier sentence": 0.5,
    "subject": 1.0,
    "possessive": 0.5,
    "last speaker": 0.5,
}
QUOTES = {'"', "“", "”", "''", "``"}  # quote marks, which end no phrase
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


def _surnames_left_out(doc: Doc, actors: ActorSet) -> list[tuple[int, str]]:
    """Where a person named in full before is named again by surname alone in a way the
    recogniser missed ("Sanders appeared to dismiss it, when he told ..."): such a mention
    makes the person salient for a pronoun after it all the same."""
    surnames: dict[str, set[str]] = {}
    for key, actor in actors.actors.items():
        words = actor.name.split()
        if actor.type == "Person" and len(words) >= 2:
            surnames.setdefault(words[-1].lower(), set()).add(key)
    if not surnames:
        return []
    # The surnames' tokens, found without visiting every token in Python.
    hashes = [doc.vocab.strings.add(name) for name in surnames]
    found = []
    for index in numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), hashes)):
        token = doc[int(index)]
        keys = surnames[token.lower_]
        # The tagger may take a capitalized surname for a plural noun ("Sanders").
        named = token.pos_ in ("PROPN", "NOUN") and token.text[:1].isupper()
        if len(keys) == 1 and named and token.i not in actors.token_actor:
            key = next(iter(keys))
            first = min(index for index, k in actors.order if k == key)
            if first < token.i:
                found.append((token.i, key))
    return found


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        # "Rules discriminated ..., the Law Lords have ruled": the subject nearest the verb.
        return subjects[-1]
    if verb.dep_ == "conj":
        # "She says the answer was X and says she filed a bill": the parser hangs the second
        # cue inside the first one's clause; it shares the subject of the first.
        # So too a participle joined to an earlier cue of its form: "is noting the problems
        # Ridley had with the budget and saying he could not answer".
        for ancestor in verb.ancestors:
            if ancestor.i < verb.i and (
                ancestor.lemma_ == verb.lemma_
                or (
                    ancestor.tag_ == verb.tag_ == "VBG"
                    and attribution.lemma_of(ancestor) in attribution.shipped().lemmas
                )
            ):
                return _subject(ancestor)
    # "A White House statement followed, saying ...": the participle's subject is its head's.
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head.i != verb.i:
        if verb.dep_ == "acl":
            return verb.head
        return _subject(verb.head)
    # "Trump told reporters, before insisting he ...": through the preposition to its verb.
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ == "VERB":
        return _subject(verb.head.head)
    # "..., said Mr Smith": the inverted subject follows a verb that follows the words said.
    if verb.i == 0 or not verb.doc[verb.i - 1].is_punct:
        return None
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

    def __init__(self, doc: Doc, actors: ActorSet, quoted: set[int] | None = None) -> None:
        self.doc = doc
        self.actors = actors
        self.quoted = quoted or set()  # tokens inside quotation marks
        self.last_speaker: str | None = None
        self.last_speaker_at = -1  # token index of the last statement's cue
        self.surnames = _surnames_left_out(doc, actors)

    def spoke(self, speaker: str, at: int) -> None:
        self.last_speaker, self.last_speaker_at = speaker, at

    def antecedent(self, pronoun: Token, gender: str | None) -> str | None:
        """The person 'he' or 'she' means: the most salient one of that gender before it.

        Salience follows the discourse rather than the nearest name: who spoke last, who was
        the subject of a clause, in this sentence or the few before, counts for more than a
        name in passing; a name inside quoted words is the speaker's topic, never the speaker.
        """
        doc = self.doc
        for ancestor in pronoun.ancestors:
            # "Halbritter, who led the campaign because he claimed ...": inside a relative
            # clause on a person, that person.
            owner = self.actors.token_actor.get(ancestor.head.i)
            if ancestor.dep_ == "relcl" and owner and self._may_be(owner, gender):
                return owner
        here = docindex.sentence(pronoun).start
        best: tuple[float, str] | None = None
        mentions = sorted(self.actors.order + self.surnames)
        for index, key in reversed(mentions):
            if index >= pronoun.i or index in self.quoted:
                continue
            if pronoun.i - index > ANTECEDENT_WINDOW:
                break
            if self.actors.actors[key].type != "Person":
                continue
            if gender and self.actors.genders.get(key) not in (None, gender):
                continue
            mention = doc[index]
            root = mention
            while root.head.i != root.i and self.actors.token_actor.get(root.head.i) == key:
                root = root.head
            sentences_back = here - docindex.sentence(mention).start
            score = -SALIENCE["distance"] * (pronoun.i - index)
            if sentences_back > 0:
                score -= SALIENCE["earlier sentence"]
            if root.dep_ in ("nsubj", "nsubjpass"):
                score += SALIENCE["subject"]
            elif root.dep_ == "poss":
                score -= SALIENCE["possessive"]
            if key == self.last_speaker and pronoun.i - self.last_speaker_at < SPEAKER_MEMORY:
                score += SALIENCE["last speaker"]
            if best is None or score > best[0]:
                best = (score, key)
        if best is None:
            return self.actors.last_person_before(pronoun.i, gender)
        return best[1]

    def _may_be(self, key: str, gender: str | None) -> bool:
        """Whether 'he' or 'she' (or a role noun, of no gender) may mean an actor."""
        if self.actors.actors[key].type != "Person":
            return False
        return not gender or self.actors.genders.get(key) in (None, gender)

    def resolve(self, subject: Token, cue: Token | None = None) -> str | None:
        """The actor a cue's subject names; `cue`, where given, is the cue it is the subject
        of, which may make an unnamed subject a speaker of its own."""
        lower = subject.lower_
        if lower in ("which", "who", "that") and subject.head.dep_ == "relcl":
            # "the European Roma Rights Centre, which said": the relative clause's antecedent.
            subject = subject.head.head
            lower = subject.lower_
        if (subject.pos_ == "NUM" or lower in QUANTIFIERS) and self._speaks(subject, cue):
            # "Two in three said", "those surveyed say", "several threatened": a part of a
            # group the text counts but does not name, a speaker as "critics" are.
            right = max(
                [subject.i]
                + [c.right_edge.i for c in subject.rights if c.dep_ not in SENTENCE_ON_A_NOUN]
            )
            return self.describe(self.doc[subject.left_edge.i : right + 1], "Group")
        if subject.pos_ == "PRON":
            if lower in ("he", "she"):
                return self.antecedent(subject, "m" if lower == "he" else "f")
            if lower in ("it", "they"):
                return self._collective(subject)
            return None
        if subject.i in self.actors.token_actor:
            # Before an apposition: "Senator Tim Scott, Republican of South Carolina, said".
            return self.actors.token_actor[subject.i]
        for child in subject.children:
            # "spokesman, Dmitry Peskov," / "the newspaper, Moskovsky Komsomolets,"
            if child.dep_ == "appos" and child.i in self.actors.token_actor:
                return self.actors.token_actor[child.i]
        determiner = subject.left_edge.lower_
        if determiner == "the" and subject.lower_ in DEFINITE_ORGANIZATIONS:
            named_before = self.actors.last_subject_before(
                subject.i, ("Organization",)
            ) or self.actors.last_before(subject.i, ("Organization",))
            if named_before is None and self._speaks(subject, cue):
                # "The company said" where the recogniser named no organization before: the
                # company speaks all the same, unnamed.
                return self.describe(self.doc[subject.left_edge.i : subject.i + 1], "Organization")
            return named_before
        phrase = self.doc[subject.left_edge.i : subject.i + 1]
        # The phrase itself, not a clause hung on it: in "officials who spoke with Kopp said",
        # Kopp is not who spoke.
        right = max(
            [subject.i]
            + [c.right_edge.i for c in subject.rights if c.dep_ not in CLAUSES_ON_A_NOUN]
        )
        # A person who only qualifies the noun does not speak: "a Trump campaign source said".
        named = [
            key
            for key in self.actors.actors_in(subject.left_edge.i, right + 1)
            if self.actors.actors[key].type != "Person" or not self._modifier(key, subject)
        ]
        people = [key for key in named if self.actors.actors[key].type == "Person"]
        if people:
            return people[0]
        inside = [k for k in self.actors.actors_in(phrase.start, phrase.end) if k in named]
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
        if determiner == "the" and (
            subject.lower_ in PERSON_ROLES or subject.lemma_.lower() in attribution.shipped().roles
        ):
            # "The Glasgow Kelvin MP, who ..., said": the person the text is about is meant.
            return self.antecedent(subject, None)
        if subject.pos_ == "PROPN" and subject.ent_type_ in UNKEPT_NAMES:
            # A name the recogniser missed or did not keep ("Espinoza said", "Pew notes"):
            # the person of that surname named before, else an actor of its own.
            return self._named(subject, UNKEPT_NAMES[subject.ent_type_])
        if subject.pos_ == "PROPN" and self._speaks(subject, cue):
            # A name the recogniser took for something that cannot speak ('Trump tweeted' as
            # a work of art): the person of that surname named before, if there is one.
            return self._surname(subject, "Person")
        cues = attribution.shipped()
        if subject.pos_ == "NOUN" and subject.lemma_.lower() in cues.speakers:
            # "Police said", "a senior official said", "critics say": unnamed, yet a speaker,
            # named by a noun the corpus names speakers by (not "the attempt", "the report").
            return self.describe(phrase, "Group" if subject.tag_ == "NNS" else "Person")
        if subject.pos_ == "NOUN" and attribution.lemma_of(subject.head) in cues.lemmas:
            # "the admiral said", "company executives said": any noun that is the cue's own
            # subject names a speaker the text leaves unnamed; one a cue only inherits through
            # a clause it joins ("The attempt came after ..., and threatened") does not.
            return self.describe(phrase, "Group" if subject.tag_ == "NNS" else "Person")
        return None

    def _speaks(self, subject: Token, cue: Token | None) -> bool:
        """Whether a subject is a cue's own: of the cue itself, or of the clause a participle
        cue hangs on ("The nurse later sued, claiming ..."), not of a clause the cue joins."""
        if attribution.lemma_of(subject.head) in attribution.shipped().lemmas:
            return True
        return (
            cue is not None
            and cue.tag_ == "VBG"
            and cue.dep_ == "advcl"
            and cue.head.i == subject.head.i
        )

    def _modifier(self, key: str, noun: Token) -> bool:
        """Whether an actor is named only as a modifier of a common noun ("Trump campaign")."""
        if noun.pos_ != "NOUN":
            return False
        tokens = [
            self.doc[i]
            for i in range(noun.left_edge.i, noun.i)
            if self.actors.token_actor.get(i) == key
        ]
        return bool(tokens) and all(t.dep_ == "compound" for t in tokens)

    def _collective(self, pronoun: Token) -> str | None:
        """What 'it' or 'they' means as a speaker: the organization or group that spoke last, or
        else the last one that was a clause's subject."""
        if self.last_speaker and pronoun.i - self.last_speaker_at < SPEAKER_MEMORY:
            if self.actors.actors[self.last_speaker].type != "Person":
                return self.last_speaker
        types = ("Organization", "Group") if pronoun.lower_ == "they" else ("Organization",)
        return self.actors.last_subject_before(pronoun.i, types)

    def _surname(self, subject: Token, kind: str) -> str | None:
        """The actor of a kind whose name ends in the subject's word."""
        last = subject.lower_
        for key, actor in self.actors.actors.items():
            if actor.type == kind and actor.name.lower().split()[-1:] == [last]:
                return key
        return None

    def _named(self, subject: Token, kind: str) -> str:
        words = [c for c in subject.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        phrase = self.doc[(words[0].i if words else subject.i) : subject.i + 1]
        return self._surname(subject, kind) or self.describe(phrase, kind, kind.lower() + ":")

    def describe(self, phrase: SpacySpan, kind: str = "Person", prefix: str = "") -> str:
        """A speaker the text describes without naming: "a senior administration official"."""
        words = [t for t in phrase if t.lower_ not in ("a", "an", "the", "one", "another")]
        name = " ".join(t.text for t in words)
        key = (prefix or f"{kind.lower()}:described:") + slug(name)
        actor = self.actors.actors.get(key)
        if actor is None:
            actor = self.actors.actors[key] = Actor(key=key, name=name, type=kind)
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
    """A verb of saying next to a quote: any lemma the corpus has seen cue speech."""
    return token.pos_ == "VERB" and attribution.lemma_of(token) in attribution.shipped().lemmas


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
        if _is_speech(token) and _content(token) is None:  # "X said so", not "X said that ..."
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
        if words < MIN_QUOTE_WORDS and not (
            verb is not None and verb.idx > quote.end and _closes_utterance(text, quote)
        ):
            continue
        if verb is not None:
            quote_verbs.add(verb.i)
        items.append((quote.begin, quote, verb))
    cues = attribution.shipped()
    for token in cues.candidates(doc):
        if (
            token.idx >= body_start
            and token.i not in quote_verbs
            and (cues.is_cue(token) or _interrupts(token))
        ):
            items.append((token.idx, None, token))
    items.sort(key=lambda item: item[0])
    direct_spans = [(q.begin, q.end) for q in quotes if q.standalone]
    statements: list[Statement] = []
    reported: list[tuple[Statement, Token]] = []
    previous: tuple[Quote, str, str] | None = None  # the last attributed quote, speaker, cue
    for _, quote, verb in items:
        if quote is not None:
            found = _direct(doc, quote, verb, speakers, previous)
            if found is not None:
                previous = (quote, found.speaker, found.cue)
        elif verb is not None:
            found = _reported(doc, verb, body_start, direct_spans, speakers)
            if found is not None:
                reported.append((found, verb))
        if found is not None:
            statements.append(found)
    _end_before_inner_cues(doc, reported)
    for found in statements:
        found.about = _about(actors, doc, found.span.begin, found.span.end, found.speaker)
    statements.extend(_according_to(doc, body_start, actors, speakers, statements))
    statements.sort(key=lambda s: s.span.begin)
    return statements


def _interrupts(verb: Token) -> bool:
    """'Many of the closures, he said, have involved public courses': a cue set off by commas
    inside the clause it reports says by its place alone that the clause was said."""
    if verb.dep_ != "parataxis" or verb.head.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return False
    doc = verb.doc
    # The commas are the cue's own dependents or stand just outside them.
    first, last = verb.left_edge.i, verb.right_edge.i
    before = first if doc[first].text == "," else first - 1
    after = last if doc[last].text == "," else last + 1
    return (
        verb.head.left_edge.i < before
        and after < verb.head.right_edge.i
        and doc[before].text == ","
        and doc[after].text == ","
    )


def _closes_utterance(text: str, quote: Quote) -> bool:
    """Whether a quote ends as a sentence said aloud does: with a comma, a question or an
    exclamation mark of its own before the closing mark."""
    tail = text[quote.end : quote.end + 3]
    return bool(tail) and tail[0] in ",?!" or text[quote.end - 1 : quote.end] in ("?", "!")


def _end_before_inner_cues(doc: Doc, reported: list[tuple[Statement, Token]]) -> None:
    """'He says he respects her and calls her "intelligent"': what the inner cue reports is its
    own statement, so the outer one ends where the inner cue's clause begins."""
    for outer, _ in reported:
        for inner, cue in reported:
            clause_start = cue.left_edge
            if inner is outer or not outer.span.begin < clause_start.idx < outer.span.end:
                continue
            if max(t.idx + len(t) for t in cue.subtree) < outer.span.end - 1:
                continue  # the inner clause sits inside the outer content, which goes on
            cut = doc.char_span(outer.span.begin, clause_start.idx, alignment_mode="contract")
            kept = _trim(cut) if cut is not None else None
            if kept is not None and kept.end > kept.start:
                while kept.end > kept.start and doc[kept.end - 1].dep_ == "cc":
                    kept = doc[kept.start : kept.end - 1]
                outer.text = kept.text
                outer.span = Span(kept.start_char, kept.end_char, kept.text)


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
        subject = _subject(verb)
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


def _reported(
    doc: Doc,
    verb: Token,
    body_start: int,
    direct_spans: list[tuple[int, int]],
    speakers: Speakers,
) -> Statement | None:
    """Reported speech: the content the cue governs, said by the cue's subject."""
    content = _content(verb)
    if content is None:
        return None
    begin, end = content.start_char, content.end_char
    if begin < body_start:
        return None  # the parser hung the headline on the first verb of the body
    if any(b <= begin < e for b, e in direct_spans):
        return None  # the content is a quote already taken as direct speech
    later = [b for b, e in direct_spans if begin < b < end]
    if later:
        # "told Newsmax that X, adding, “...”": the content ends where a quote of its own begins.
        cut = doc.char_span(begin, min(later) - 1, alignment_mode="contract")
        content = _trim(cut) if cut is not None else None
        if content is None:
            return None
        begin, end = content.start_char, content.end_char
    subject = _subject(verb)
    if subject is not None:
        speaker = speakers.resolve(subject, verb)
    else:
        speaker = _lost_subject(verb, speakers.actors)
    if speaker is None:
        return None
    speakers.spoke(speaker, verb.i)
    return Statement(speaker, content.text, Span(begin, end, content.text), _cue(verb), False)


def _lost_subject(verb: Token, actors: ActorSet) -> str | None:
    """The speaker of a finite cue the parser left without a subject, having hung it inside a
    clause before the cue ("Senator Ann Ruiz, alarmed by the vote, said ...", "Kasich offered
    a job, then says ..."): the first actor before the cue in its sentence that stands as a
    subject or its apposition, not one in a subordinate clause, a phrase or a possessive."""
    if verb.tag_ not in FINITE_TAGS:
        return None  # "Says Clinton would ...", a headline; or an imperative
    doc = verb.doc
    found: list[str] = []
    for index in range(docindex.sentence(verb).start, verb.i):
        key = actors.token_actor.get(index)
        token = doc[index]
        if key is None or key in found or token.dep_ not in SUBJECT_PLACES:
            continue
        if any(_subordinate(a) for a in token.ancestors if a.i < verb.i):
            continue
        found.append(key)
    people = [key for key in found if actors.actors[key].type == "Person"]
    candidates = people or found
    return candidates[0] if candidates else None


def _subordinate(token: Token) -> bool:
    """Whether a word heads what cannot hold a cue's subject: a relative clause, a phrase, a
    possessive, or a clause a conjunction subordinates ("while Republicans agreed")."""
    if token.dep_ in ("relcl", "acl", "pobj", "poss"):
        return True
    return token.dep_ == "advcl" and any(c.dep_ == "mark" for c in token.children)


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
        if speaker is None and source.pos_ == "NOUN":
            # What "according to" names is a source by the phrase alone: "recent polls".
            phrase = doc[source.left_edge.i : source.i + 1]
            speaker = speakers.describe(phrase, "Group" if source.tag_ == "NNS" else "Person")
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
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
    if lemma in ("accuse", "blame", "criticise", "criticize", "charge") and not clauses:
        objects = [c for c in verb.children if c.dep_ in ("dobj",)]
        # The grounds hang on the verb, or on its object where the parser attached them there:
        # "accused the governor of hiding the figures".
        grounds = [
            c
            for c in [*verb.children, *(g for o in objects for g in o.rights)]
            if c.dep_ == "prep" and c.lower_ in ACCUSATION_GROUNDS
        ]
        if not grounds:
            return None  # "criticised Zelensky": a criticism, not a reported claim
        if objects:
            start = objects[0].left_edge.i
            end = max(t.i for t in verb.subtree if t.i >= start) + 1
            return _trim(doc[start:end])
        return None
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
        # "Mr. Obama, officials said, has grown skeptical": the clause the cue interrupts.
        head = verb.head
        return _trim(doc[head.left_edge.i : head.right_edge.i + 1])
    # A sentence before a colon that introduces the cue's clause is not what the cue reports
    # ("Even its backers sounded unsure: Ann Ruiz called it “a gamble.”").
    clause = [
        c
        for c in verb.children
        if c.dep_ in ("ccomp", "xcomp")
        and not (c.i < verb.i and any(t.text == ":" for t in doc[c.right_edge.i + 1 : verb.i]))
    ]
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
    if objects and not clause:
        # "Xi reiterated China's criticism of sanctions", "called the deal a disaster",
        # "described him as a liar": the object is what was said, with what it was called
        # and the phrases the parser hung on the verb after it ("dismissed criticism of his
        # speech at Monday's rally"), up to a comma or a clause joined on.
        tail = []
        for child in verb.rights:
            if child.i < objects[0].i:
                continue
            if child.dep_ in ("cc", "conj") or (child.dep_ == "punct" and child.text not in QUOTES):
                break
            if child.dep_ in ("oprd", "prep"):
                tail.append(child)
        end = max(c.right_edge.i for c in [objects[0], *tail]) + 1
        return _trim(doc[objects[0].left_edge.i : end])
    complements = [c for c in verb.children if c.dep_ == "oprd" and c.i > verb.i]
    if complements and not objects and not clause:
        # "called her “third-rate”": whom the parser left without an object, and what they
        # were called.
        return _trim(doc[verb.i + 1 : complements[0].right_edge.i + 1])
    for child in verb.children:
        marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ == "for"]
        if child.dep_ == "advcl" and child.i > verb.i and marks and marks[0].i > verb.i:
            # "called for the minimum wage to be raised", "called for him to resign": a
            # for-clause the parser took for an adverbial one.
            return _trim(doc[marks[0].i + 1 : child.right_edge.i + 1])
    # A clause after the verb is what was said; one before it only in "..., X said" order.
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    for child in sorted(clause, key=lambda c: c.i < verb.i):
        # "He said raising taxes would hurt": a clause with a gerund subject, which the parser
        # makes an xcomp; only the passive "is said to be" has no content there.
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and not (lemma == "say" and passive)):
            start = child.left_edge.i
            # "urged Congress to act", "called on Congress to act": whom, and to do what.
            whom = [o for o in objects if verb.i < o.i < child.i] + [
                g
                for c in verb.children
                if c.dep_ == "prep" and verb.i < c.i < child.i
                for g in c.children
                if g.dep_ == "pobj" and g.ent_type_ not in MEASURES  # not "said on Monday"
            ]
            if child.dep_ == "xcomp" and whom:
                start = whom[0].left_edge.i
            return _trim(doc[start : child.right_edge.i + 1])
    # "called for an inquiry", "asked about the emails", "spoke of a rigged system": what the
    # preposition governs was said.
    for child in verb.children:
        if child.dep_ == "prep" and child.i > verb.i and child.lower_ in SPOKEN_PREPOSITIONS:
            said = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if said and said[0].ent_type_ not in MEASURES:  # not "spoke for two hours"
                return _trim(doc[child.i + 1 : child.right_edge.i + 1])
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
    words = doc[start:end].text
    if end < len(doc) and doc[end].text == "”" and words.count("“") > words.count("”"):
        end += 1  # the parser hung the closing mark on the verb: 'called her “third-rate”'
    if end - start < 3:
        return None
    return doc[start:end]


def _about(actors: ActorSet, doc: Doc, begin: int, end: int, speaker: str) -> list[str]:
    span = doc.char_span(begin, end, alignment_mode="expand")
    if span is None:
        return []
    return [key for key in actors.actors_in(span.start, span.end) if key != speaker]
