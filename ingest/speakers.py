"""Speakers: the actor a speech verb's subject names, resolved through the article.

A name is the actor it names; "he" or "she" the likeliest person before it (salience, gender,
the last speaker); "the company" the organization named before; "a senior official", "critics",
"U.S. officials" or "two in three" an unnamed speaker of its own; "her statement" or "a report
from the agency" whoever wrote or issued it; and a cue whose subject the parser lost takes the
actor that stands as a subject before it.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsgraph.ingest import attribution, docindex, gazetteer
from newsgraph.ingest.actors import ActorSet
from newsgraph.ingest.extraction import Actor, Span
from newsgraph.ontology import slug

# Spokespeople speak for the organization they are spokespeople of.
SPOKESPEOPLE = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen"}
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
    "network",
}
# "The union said": the union named before if its name says it is one ("the National Union of
# Journalists"), else one the text does not name, never just the last organization named.
KINDS_OF_BODY = {"commission", "union", "embassy", "charity", "regulator", "watchdog"}
# Bodies that speak as one: "the administration said", "police said".
COLLECTIVE_BODIES = {
    "administration",
    "government",
    "campaign",
    "team",
    "office",
    "board",
    "committee",
    "police",
    "state",
    "side",
    "family",
    "medium",
    "media",
    "outlet",
}
# Shares of a body, and the records it keeps, that speak for it: "a majority said", "the data
# show", "its website says".
COLLECTIVES = COLLECTIVE_BODIES | {
    "website",
    "account",
    "majority",
    "number",
    "half",
    "third",
    "quarter",
    "percent",
    "%",
    "average",
    "datum",
    "result",
    "return",
    "record",
    "field",
    "page",
    "sign",
    "voice",
    "self",
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
# What a body issues in its own name.
ISSUED = {"statement", "readout", "release"}
# Things people write or issue, which speak for whoever wrote or issued them: "her statement
# said", "a report from the agency found", "the lawsuit says".
WORKS = {
    "statement",
    "report",
    "letter",
    "memo",
    "lawsuit",
    "suit",
    "complaint",
    "petition",
    "filing",
    "document",
    "ad",
    "advertisement",
    "video",
    "tweet",
    "post",
    "email",
    "book",
    "memoir",
    "column",
    "editorial",
    "article",
    "study",
    "survey",
    "poll",
    "release",
    "readout",
    "transcript",
    "website",
    "blog",
    "plan",
    "proposal",
}
# Nouns the corpus names speakers by that are not people: works, spokespeople (who speak for
# their institution), bodies and shares of them.
NOT_PEOPLE = WORKS | SPOKESPEOPLE | DEFINITE_ORGANIZATIONS | KINDS_OF_BODY | COLLECTIVES
BODIES = COLLECTIVE_BODIES | DEFINITE_ORGANIZATIONS | KINDS_OF_BODY  # an organization
# Nouns that never describe a person the text named before ("the union", "the report").
NOT_DESCRIPTIONS = BODIES | WORKS
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
SINGULAR_NOUNS = {"NN", "NNP"}
# "the 60-year-old", a person described by age alone.
_AGE = re.compile(r"the \d+-year-old", re.IGNORECASE)
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


def surnames_left_out(doc: Doc, actors: ActorSet) -> list[tuple[int, str]]:
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
            first = min((index for index, k in actors.order if k == key), default=token.i)
            if first < token.i:
                found.append((token.i, key))
    return found


def subject_of(verb: Token) -> Token | None:
    if verb.pos_ == "NOUN":
        # "his promise to ...", "Ridley's claim that ...": a cue noun's owner.
        owner = next((c for c in verb.children if c.dep_ == "poss"), None)
        if owner is not None:
            return owner
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    passive = subjects and all(s.dep_ == "nsubjpass" for s in subjects)
    if agents and passive and attribution.of_saying(verb):
        return agents[0]  # "The ban was first reported by BuzzFeed": who reported it
    if subjects:
        # "Rules discriminated ..., the Law Lords have ruled": the subject nearest the verb.
        subject = subjects[-1]
        for apposition in subject.children:
            # "... from Rubio to, now, Cruz, Dan Wilkin said": no comma closes what the parser
            # took for an apposition, so it is the subject, the name before it the end of the
            # list.
            if (
                apposition.dep_ == "appos"
                and apposition.i > subject.i
                and apposition.right_edge.i + 1 == verb.i
                and (apposition.pos_ == "PROPN" or _interrupting(verb))
            ):
                # So too "Clinton, a top aide said, is confident": the cue set off after it
                # interrupts the clause whose subject the name is.
                return apposition
        return subject
    before = verb.doc[verb.i - 1] if verb.i else None
    counts = [c for c in verb.children if c.dep_ == "nummod" and c.i < verb.i]
    if counts and verb.pos_ == "VERB":
        return counts[0]  # "About 4 in 10 say ...": the count the parser hung on the cue
    if verb.dep_ == "parataxis" and before is not None and before.head == verb:
        # "That attitude, many argue, could ...": the parser took the subject for a modifier.
        if before.pos_ in ("NOUN", "PROPN") or before.lower_ in QUANTIFIERS:
            return before
    if verb.dep_ == "conj":
        # "She says the answer was X and says she filed a bill": the parser hangs the second
        # cue inside the first one's clause; it shares the subject of the first.
        # So too a participle joined to an earlier cue of its form: "is noting the problems
        # Ridley had with the budget and saying he could not answer".
        for ancestor in verb.ancestors:
            if ancestor.i < verb.i and (
                ancestor.lemma_ == verb.lemma_
                or (ancestor.tag_ == verb.tag_ == "VBG" and attribution.of_saying(ancestor))
            ):
                return subject_of(ancestor)
    # "Hale was quick to point out that ...": through the adjective to the verb it completes.
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp":
        return subject_of(verb.head.head)
    # "Large majorities of voters going to the polls said": the parser made the subject's
    # participle the cue's clausal subject.
    for child in verb.children:
        if child.dep_ == "csubj" and child.tag_ == "VBG" and child.i < verb.i:
            subjects = [c for c in child.children if c.dep_ == "nsubj" and c.i < child.i]
            if subjects:
                return subjects[0]
    # "One attendee, who spoke on condition of anonymity, said the message was ...": a cue has
    # one content, so with its clause after it, the clause the parser hung before it is the
    # subject's phrase, misread.
    misread = [
        c
        for c in verb.children
        if c.dep_ == "ccomp" and c.i < verb.i and not any(m.dep_ == "mark" for m in c.children)
    ]
    if misread and any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
        doc = verb.doc
        subjects = [
            c
            for c in misread[0].children
            if c.dep_ == "nsubj" and c.i < misread[0].i and doc[c.i + 1].text == ","
        ]
        if subjects:
            return subjects[0]
    # "Asked by Matt Lauer whether ...": who asked is the participle's agent, not its head's
    # subject (see statements._asked_of_subject).
    if agents and verb.dep_ == "advcl":
        return agents[0]
    # "The IFS said the plans did not add up, warning of ...": a participle set off after the
    # words a cue reports, which the parser hung on their verb, goes with the cue.
    head = verb.head
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and head.dep_ == "ccomp"
        and head.head.i < head.i < verb.i
        and verb.doc[verb.i - 1].text == ","
        and attribution.of_saying(head.head)
    ):
        return subject_of(head.head)
    # "asked about Pope Francis calling Christmas a sham", "will discuss Pope Francis calling
    # it a sham": a gerund right after an object, no comma between, is what the object does.
    before = verb.doc[verb.i - 1] if verb.i else None
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and before is not None
        and before.pos_ in ("PROPN", "NOUN", "PRON")
        and (
            (before.dep_ == "dobj" and before.head == verb.head)
            or (before.dep_ == "pobj" and before.head.head == verb.head)
        )
    ):
        return before
    # "left 62 percent of voters saying ...", "found most voters saying ...": so too after a
    # counted object's whole phrase (not "wrote a letter to Zucker asking ...").
    objects = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i]
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and objects
        and objects[-1].right_edge.i == verb.i - 1
        and _counted(objects[-1])
    ):
        return objects[-1]
    # "Romney ran on his ability to jolt the recovery and accused Obama of ...": a finite verb
    # the parser joined to an infinitive or participle completing a word, which it cannot
    # share a subject with, goes with the nearest finite clause above them (not "he was
    # running and said": a clause of its own).
    if (
        verb.dep_ == "conj"
        and verb.tag_ in FINITE_TAGS
        and head.tag_ in ("VB", "VBG")
        and head.dep_ in ("acl", "xcomp")
        and not any(
            c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ == "aux" and c.tag_ != "TO")
            for c in head.children
        )
    ):
        finite = next((a for a in head.ancestors if a.tag_ in FINITE_TAGS), None)
        if finite is not None:
            return subject_of(finite)
    # "It was a punch, as Clinton echoed the criticism, saying ...": a participle set off right
    # after a clause with a subject of its own, which the parser hung beside it on an expletive,
    # goes with that clause.
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.doc[verb.i - 1].text == ",":
        clauses = [
            c
            for c in verb.head.children
            if c.dep_ == "advcl" and c.right_edge.i == verb.i - 2 and c.i < verb.i
        ]
        expletive = any(c.dep_ == "nsubj" and c.lower_ == "it" for c in verb.head.children)
        if clauses and expletive and any(c.dep_ == "nsubj" for c in clauses[0].children):
            return subject_of(clauses[0])
    # "A White House statement followed, saying ...": the participle's subject is its head's.
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head.i != verb.i:
        if verb.dep_ == "acl":
            return verb.head
        return subject_of(verb.head)
    # "Trump told reporters, before insisting he ...": through the preposition to its verb.
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ == "VERB":
        return subject_of(verb.head.head)
    # "..., said Mr Smith": the inverted subject follows a verb that follows the words said.
    if verb.i == 0 or not verb.doc[verb.i - 1].is_punct:
        return None
    if verb.is_sent_start and verb.text[:1].isupper():
        return None  # "Ask any voter about it.": an imperative, whose object is no speaker
    speakers = attribution.shipped().speakers
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in ("dobj", "attr", "npadvmod")
            # A name, or a noun that names speakers ('said the spokesman'), not what was
            # recounted ("..., recounted a conversation she had").
            and (
                child.pos_ == "PROPN" or (child.pos_ == "NOUN" and child.lemma_.lower() in speakers)
            )
        ):
            return child
        if child.i == verb.i + 1 and _misread_name(child):
            return child  # '"...," said Skelly', the name tagged an adverb
    return None


def _proper_phrase(name: Token) -> SpacySpan:
    """A proper name with the proper names compounded before it: "Downing Street"."""
    words = [c for c in name.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return name.doc[(words[0].i if words else name.i) : name.i + 1]


def _joined(subject: Token, cue: Token | None) -> bool:
    """Whether a cue is joined to the verb a subject is of, and so has that subject: "Other
    officers chafed at it and said ...", "All of the candidates oppose it and have pledged"."""
    # Only the sentence's own verb: one inside a reported clause is often the parser's joining
    # of the cue to the words ("told X the tone was cordial, and predicted ...").
    return (
        cue is not None
        and cue.dep_ == "conj"
        and cue.head.i == subject.head.i < cue.i
        and subject.head.dep_ == "ROOT"
    )


def _interrupting(verb: Token) -> bool:
    """Whether a comma follows a cue that the clause it reports goes on after."""
    doc = verb.doc
    return verb.i + 2 < len(doc) and doc[verb.i + 1].text == "," and verb.dep_ == "parataxis"


def _misread_name(word: Token) -> bool:
    """A capitalized word inside a sentence that the tagger took for an adverb or adjective,
    as it does with a surname it does not know ("said Skelly")."""
    sentence_start = docindex.sentence(word).start
    return (
        word.is_title
        and word.pos_ in ("ADV", "ADJ")
        and word.i > sentence_start
        and word.ent_type_ not in ("DATE", "TIME")
    )


def _counted(noun: Token) -> bool:
    """A share or number of people: "62 percent of voters", "most voters", "one in three"."""
    return (
        noun.pos_ == "NUM"
        or noun.lower_ in QUANTIFIERS
        or any(
            c.dep_ == "nummod" or (c.dep_ == "amod" and c.lower_ in QUANTIFIERS)
            for c in noun.children
        )
    )


def _own_gender(cue: Token | None) -> str | None:
    """The gender a speaker's own pronoun gives it: 'he' or 'she' as the subject of the clause
    the cue reports ("the Iowa Republican said she would vote no")."""
    if cue is None:
        return None
    for clause in cue.children:
        if clause.dep_ != "ccomp":
            continue
        for word in clause.children:
            if word.dep_ in ("nsubj", "nsubjpass") and word.lower_ in ("he", "she"):
                return "m" if word.lower_ == "he" else "f"
    return None


POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}


class Speakers:
    """Turns the subject of a speech verb into an actor, minting descriptive speakers as needed."""

    def __init__(self, doc: Doc, actors: ActorSet, quoted: set[int] | None = None) -> None:
        self.doc = doc
        self.actors = actors
        self.quoted = quoted or set()  # tokens inside quotation marks
        self.described: set[str] = set()  # actors made up here from a description
        self.last_speaker: str | None = None
        self.last_speaker_at = -1  # token index of the last statement's cue
        self.surnames = surnames_left_out(doc, actors)
        self._merged: list[tuple[int, str]] = []
        self._merged_from = -1  # len(actors.order) when _merged was sorted
        self._authoring: set[int] = set()  # works whose author is being sought, not sought again
        self.reported: set[int] = set()  # tokens of the words reported so far

    def spoke(self, speaker: str, at: int, words: range = range(0)) -> None:
        self.last_speaker, self.last_speaker_at = speaker, at
        self.reported.update(words)

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
        for index, key in reversed(self._mentions()):
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
            if root.dep_ in ("nsubj", "nsubjpass") and index not in self.reported:
                # The subject of reported words is what was said, not who is speaking.
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

    def _mentions(self) -> list[tuple[int, str]]:
        """The actors' mentions and the surnames the recogniser missed, in text order; sorted
        again only when describe() has added a mention since."""
        if self._merged_from != len(self.actors.order):
            self._merged = sorted(self.actors.order + self.surnames)
            self._merged_from = len(self.actors.order)
        return self._merged

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
            # "One of the men, Jessie Elkins, 70, ... said": the one the apposition names, on
            # the count or on the group it counts from.
            group = [g for c in subject.children if c.lower_ == "of" for g in c.children]
            for counted in [subject, *group]:
                for child in counted.children:
                    if child.dep_ == "appos" and child.i in self.actors.token_actor:
                        return self.actors.token_actor[child.i]
            # "Two in three said", "those surveyed say", "several threatened": a part of a
            # group the text counts but does not name, a speaker as "critics" are.
            right = max(
                [subject.i]
                + [c.right_edge.i for c in subject.rights if c.dep_ not in SENTENCE_ON_A_NOUN]
            )
            return self.describe(self.doc[subject.left_edge.i : right + 1], "Group")
        if _misread_name(subject):
            return self._surname(subject, "Person") or self._surname(subject, "Organization")
        if subject.pos_ == "PRON":
            lower = POSSESSIVE_PRONOUNS.get(lower, lower)  # "his promise" is what he promised
            if lower in ("he", "she"):
                return self.antecedent(subject, "m" if lower == "he" else "f")
            if lower in ("it", "they"):
                return self._collective(subject)
            return None
        if (
            subject.left_edge.lower_ == "the"
            and subject.ent_type_ == "NORP"
            and subject.tag_ in SINGULAR_NOUNS
        ):
            # "The Kentucky Republican said": one member of the party, the person named
            # before, not the party ("the Republicans said" is the party's members).
            member = self._meant(subject, cue)
            if member is not None:
                return member
        if subject.i in self.actors.token_actor:
            # Before an apposition: "Senator Tim Scott, Republican of South Carolina, said".
            return self.actors.token_actor[subject.i]
        for child in subject.children:
            # "spokesman, Dmitry Peskov," / "the newspaper, Moskovsky Komsomolets," / "the
            # refugee agency, UNHCR," (which the parser may take for a modifier)
            set_off = child.dep_ == "npadvmod" and self.doc[child.i - 1].text == ","
            if (child.dep_ == "appos" or set_off) and child.i in self.actors.token_actor:
                return self.actors.token_actor[child.i]
        determiner = subject.left_edge.lower_
        noun = subject.lower_
        # Only "the union" itself: in "the EIS union" a name says which (below).
        bare = subject.left_edge.i == subject.i - 1
        # Not "the United Nations refugee agency", which names its body (below).
        named_inside = any(self.actors.actors_in(subject.left_edge.i, subject.i))
        if determiner == "the" and (
            (noun in DEFINITE_ORGANIZATIONS and not named_inside)
            or (noun in KINDS_OF_BODY and bare)
        ):
            if noun in KINDS_OF_BODY:
                named_before = self._named_as(subject) or self._subject_just_before(subject)
            else:
                named_before = self.actors.last_subject_before(
                    subject.i, ("Organization",)
                ) or self.actors.last_before(subject.i, ("Organization",))
            if named_before is None and (noun in KINDS_OF_BODY or self._speaks(subject, cue)):
                # "The company said" where the recogniser named no organization before: the
                # company speaks all the same, unnamed.
                return self.describe(self.doc[subject.left_edge.i : subject.i + 1], "Organization")
            return named_before
        phrase = self.doc[subject.left_edge.i : subject.i + 1]
        # The phrase itself, not a clause hung on it nor an adjective's phrase set after it: in
        # "officials who spoke with Kopp said", "Democrats, while confident in Clinton's
        # victory, warn", Kopp and Clinton are not who spoke.
        right = max(
            [subject.i]
            + [
                c.right_edge.i
                for c in subject.rights
                if c.dep_ not in CLAUSES_ON_A_NOUN and c.dep_ != "amod"
            ]
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
        if subject.pos_ == "NOUN" or self._role(subject):
            # "GOP presidential contender and former neurosurgeon Ben Carson said", "Sirius XM
            # Vice President for news and talk Dave Gorab said": two descriptions of one
            # person, or a role and its holder, the parser's second conjunct the name.
            for conjunct in subject.children:
                key = self.actors.token_actor.get(conjunct.i)
                if conjunct.dep_ == "conj" and key and self.actors.actors[key].type == "Person":
                    return key
        if (
            named
            and self._unnamed_person(subject)
            and all(self._modifier(key, subject) for key in named)
        ):
            # "U.S. officials said", "a Pentagon official said": people the text leaves
            # unnamed, not the country or institution that qualifies them; but "the Reform
            # leader said", one person in a role, is the person the text is about.
            if determiner == "the" and subject.tag_ == "NN" and self._role(subject):
                member = self._meant(subject, cue)
                if member is not None:
                    return member
            return self.describe(phrase, "Group" if subject.tag_ == "NNS" else "Person")
        inside = [k for k in self.actors.actors_in(phrase.start, phrase.end) if k in named]
        if inside:
            return inside[0]
        if subject.pos_ == "NOUN" and subject.lemma_.lower() in WORKS:
            author = self._author(subject)
            if author is not None:
                return author
            # "a council readout said", "a campaign statement said": what a body issues in its
            # own name speaks for the body, unnamed (not "newspaper ads", "a 50-state poll").
            issued = subject.lemma_.lower() in ISSUED
            for body in subject.lefts if issued else ():
                if body.dep_ == "compound" and body.lemma_.lower() in BODIES:
                    return self.describe(self.doc[body.i : body.i + 1], "Organization")
        if subject.lower_ in SPOKESPEOPLE:
            # "a spokesperson for the State Department said": the department speaks.
            for prep in subject.children:
                if prep.dep_ == "prep" and prep.lower_ in ("for", "of"):
                    for owner in prep.children:
                        key = self.actors.token_actor.get(owner.i)
                        if key and self.actors.actors[key].type != "Person":
                            return key
        if determiner == "the" and (self._role(subject) or _AGE.fullmatch(phrase.text)):
            # "The Glasgow Kelvin MP, who ..., said", "the 60-year-old told": the person the
            # text is about is meant.
            return self._meant(subject, cue)
        if determiner == "the" and subject.tag_ == "NN":
            described = self._described_before(subject)
            if described is not None:
                return described  # "billionaire Elon Musk ... the billionaire said"
        cues = attribution.shipped()
        # "Police said" at the start of a sentence: a capital does not make the noun a name.
        common = subject.pos_ == "NOUN" or (
            subject.pos_ == "PROPN" and not subject.ent_type_ and subject.lower_ in cues.speakers
        )
        seat = self._seat(subject) if subject.pos_ == "PROPN" and not common else None
        if seat is not None:
            return seat
        if subject.pos_ == "PROPN" and subject.ent_type_ in UNKEPT_NAMES and not common:
            # A name the recogniser missed or did not keep ("Espinoza said", "Pew notes"):
            # the person of that surname named before, else an actor of its own.
            return self._named(subject, UNKEPT_NAMES[subject.ent_type_])
        if subject.pos_ == "PROPN" and not common and self._speaks(subject, cue):
            # A name the recogniser took for something that cannot speak ('Trump tweeted' as
            # a work of art): the person of that surname named before, if there is one, else
            # a person of that full name ("Twitter's Adam Sharp said").
            # A lone name the recogniser took for a place that is no country ("Bloomberg
            # reported") is the organization of that name.
            place = subject.ent_type_ == "GPE" and subject.left_edge.i == subject.i
            return (
                self._surname(subject, "Person")
                or self._full_name(subject)
                or self._surname(subject, "Organization")
                or (self._named(subject, "Organization") if place else None)
            )
        if common and subject.lemma_.lower() in cues.speakers:
            # "Police said", "a senior official said", "critics say": unnamed, yet a speaker,
            # named by a noun the corpus names speakers by (not "the attempt", "the report").
            return self.describe(self._of_whom(subject, phrase), _kind_of(subject))
        through_participle = subject.head.dep_ == "csubj" and subject.head.head == cue
        # "Caucus-goers were more likely to say": the cue completes an adjective said of them.
        through_adjective = (
            cue is not None
            and cue.dep_ == "xcomp"
            and cue.head.dep_ == "acomp"
            and cue.head.head == subject.head
        )
        if subject.pos_ == "NOUN" and (
            attribution.lemma_of(subject.head) in cues.lemmas
            or through_participle
            or through_adjective
            # People, not "The attempt came after ..., and threatened": a plural.
            or (_joined(subject, cue) and subject.tag_ == "NNS")
        ):
            # "the admiral said", "company executives said": any noun that is the cue's own
            # subject names a speaker the text leaves unnamed; one a cue only inherits through
            # a clause it joins ("The attempt came after ..., and threatened") does not.
            return self.describe(self._of_whom(subject, phrase), _kind_of(subject))
        return None

    def _of_whom(self, noun: Token, phrase: SpacySpan) -> SpacySpan:
        """The description with the actor it is told by: "the head of the World Health
        Organization", "a source close to the chancellor", not "head" or "source" alone, which
        would be one speaker for every body's head and every source."""
        end = phrase.end
        for modifier in noun.rights:
            if modifier.dep_ not in ("prep", "amod") or modifier.i != end:
                break  # only what follows the noun without a break: not "..., who said"
            # An adjective's phrase always ("close to the chancellor", "familiar with the
            # talks"); a preposition's when it names an actor ("of the WHO", not "at noon").
            if modifier.dep_ == "prep" and not any(
                self.actors.token_actor.get(t.i) for t in modifier.subtree
            ):
                break
            end = modifier.right_edge.i + 1
        return self.doc[phrase.start : end]

    def _author(self, work: Token, look_back: bool = True) -> str | None:
        # An author is resolved through other works ("the report" of "a study by ..."); a
        # parse that leads back to a work already being resolved must not loop.
        if work.i in self._authoring:
            return None
        self._authoring.add(work.i)
        try:
            return self._find_author(work, look_back)
        finally:
            self._authoring.discard(work.i)

    def _find_author(self, work: Token, look_back: bool) -> str | None:
        """Who wrote or issued a work: its owner ("her statement", "the campaign's ad"), the
        actor it is from or by ("a report from the agency", "a document filed by the state
        attorney"), the subject of the verb that put it out ("X issued a statement saying"),
        and for "the lawsuit" the author of the lawsuit the article spoke of before."""
        for child in work.children:
            if child.dep_ == "poss":
                return self._owner(child)
        for child in work.children:
            by = [child] if child.dep_ == "prep" and child.lower_ in ("from", "by") else []
            if child.dep_ == "acl":  # "filed by", "released in September by"
                by = [a for a in child.children if a.dep_ == "agent"]
            for preposition in by:
                for named in preposition.children:
                    if named.dep_ == "pobj":
                        author = self.actors.token_actor.get(named.i) or self.resolve(named)
                        if author is not None:
                            return author
        for child in work.children:
            # "The Chinese readout said": a work qualified by a nationality is its country's.
            country = self.actors.country_of(child) if child.dep_ in ("amod", "compound") else None
            if country is not None:
                return country
        if work.dep_ == "dobj" and work.head.pos_ == "VERB":
            subject = subject_of(work.head)
            if subject is not None and subject.i != work.i:
                return self.resolve(subject)
        if look_back and work.left_edge.lower_ == "the":
            lemma = work.lemma_.lower()
            for earlier in reversed(self.doc[max(0, work.i - ANTECEDENT_WINDOW) : work.i]):
                if earlier.lemma_.lower() == lemma and earlier.pos_ == "NOUN":
                    author = self._author(earlier, look_back=False)
                    if author is not None:
                        return author
        return None

    def _owner(self, possessive: Token) -> str | None:
        """The actor a possessive names: "her", "its", "the campaign's"."""
        lower = possessive.lower_
        if lower in ("his", "her"):
            gender = "m" if lower == "his" else "f"
            root = docindex.sentence(possessive).root
            if possessive.i < root.i:
                # "In her statement, Hillary Clinton said": a phrase before the clause's
                # subject is owned by the subject that follows it.
                for subject in root.children:
                    key = self.actors.token_actor.get(subject.i)
                    if subject.dep_ == "nsubj" and subject.i > possessive.i and key:
                        if self._may_be(key, gender):
                            return key
            return self.antecedent(possessive, gender)
        if lower in ("its", "their"):
            return self._collective(possessive)
        if possessive.pos_ == "PRON":
            return None
        return self.actors.token_actor.get(possessive.i) or self.resolve(possessive)

    def _meant(self, description: Token, cue: Token | None) -> str | None:
        """The person a definite description means ("the president said", "the 60-year-old
        told"): the one the text is about, of the gender the reported clause gives. (Taking
        the description as a mention of them for later pronouns was measured: it lost more
        speakers than it found.)"""
        return self.antecedent(description, _own_gender(cue))

    @staticmethod
    def _role(noun: Token) -> bool:
        """Whether a noun names a role one person holds ("president", "leader")."""
        return noun.lower_ in PERSON_ROLES or noun.lemma_.lower() in attribution.shipped().roles

    def _unnamed_person(self, noun: Token) -> bool:
        """Whether a common noun names people ("officials", "an aide"), not a body or a work."""
        lemma = noun.lemma_.lower()
        return (
            noun.pos_ == "NOUN"
            and lemma in attribution.shipped().speakers
            and lemma not in NOT_PEOPLE
        )

    def _speaks(self, subject: Token, cue: Token | None) -> bool:
        """Whether a subject is a cue's own: of the cue itself, or of the clause a participle
        cue hangs on ("The nurse later sued, claiming ..."), not of a clause the cue joins."""
        head = subject.head
        if head.dep_ == "csubj" and cue is not None and head.head == cue:
            return True  # see subject_of: "majorities of voters going to the polls said"
        if attribution.of_saying(head) or _joined(subject, cue):
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
        return bool(tokens) and all(t.dep_ in ("compound", "nmod", "amod") for t in tokens)

    def _collective(self, pronoun: Token) -> str | None:
        """What 'it' or 'they' means as a speaker: the organization or group that spoke last, or
        else the last one that was a clause's subject."""
        if self.last_speaker and pronoun.i - self.last_speaker_at < SPEAKER_MEMORY:
            if self.actors.actors[self.last_speaker].type != "Person":
                return self.last_speaker
        types = (
            ("Organization", "Group") if pronoun.lower_ in ("they", "their") else ("Organization",)
        )
        return self.actors.last_subject_before(pronoun.i, types)

    def _surname(self, subject: Token, kind: str) -> str | None:
        """The actor of a kind whose name ends in the subject's word."""
        last = subject.lower_
        for key, actor in self.actors.actors.items():
            if actor.type == kind and actor.name.lower().split()[-1:] == [last]:
                return key
        return None

    def _full_name(self, subject: Token) -> str | None:
        """A person named by given name and surname, as 'Adam Sharp', with no article."""
        words = [c for c in subject.lefts if c.dep_ == "compound"]
        phrase = self.doc[words[0].i if words else subject.i : subject.i + 1]
        if len(phrase) < 2 or not all(t.pos_ == "PROPN" and t.is_title for t in phrase):
            return None
        return self.describe(phrase, "Person", "person:")

    def _named(self, subject: Token, kind: str) -> str:
        phrase = _proper_phrase(subject)
        return self._surname(subject, kind) or self.describe(phrase, kind, kind.lower() + ":")

    def _seat(self, subject: Token) -> str | None:
        """The country whose seat of government a name the recogniser missed is: "Downing
        Street said", which is no person named Street; but not "Washington said" after "Denzel
        Washington"."""
        phrase = _proper_phrase(subject)
        country = gazetteer.load().capitals.get(phrase.text.lower())
        if country is None or self._surname(subject, "Person") is not None:
            return None
        mention = Span(phrase.start_char, phrase.end_char, phrase.text)
        key = self.actors.country_named(country, mention)
        self.actors.order.append((phrase.start, key))
        self.actors.order.sort()
        return key

    def _described_before(self, noun: Token) -> str | None:
        """The person the article described with this noun before, the latest: "billionaire
        Elon Musk", "Musk, the billionaire", "Musk is a billionaire". The noun heads the
        description, and what qualifies it now qualified it then: "the Republican nominee" is
        not the person described as "the Democratic nominee"."""
        lemma = noun.lemma_.lower()
        if lemma in NOT_DESCRIPTIONS:
            return None
        qualifiers = {c.lower_ for c in noun.children if c.dep_ in ("amod", "compound")}
        people = self.actors.token_actor
        for word in reversed(docindex.having(self.doc, LEMMA, {lemma})):
            if word.i >= noun.i or any(c.dep_ == "case" for c in word.children):
                continue  # "Thiel is the candidate's first enlistee": whose, not who
            head = word.head
            if word.dep_ == "attr":
                named = [c for c in head.children if c.dep_ == "nsubj" and c.i in people]
            elif word.dep_ in ("compound", "appos"):
                named = [head] if head.i in people else []
            else:
                named = [c for c in word.children if c.dep_ == "appos" and c.i in people]
            said_then = {t.lower_ for t in word.subtree}
            for name in named:
                key = people[name.i]
                person = self.actors.actors[key].type == "Person" and key not in self.described
                if person and qualifiers <= said_then:
                    return key
        return None

    def _subject_just_before(self, noun: Token) -> str | None:
        """The organization that was a clause's subject in this sentence or the one before:
        "The BMA has announced a strike. The union said ..."."""
        here = docindex.sentence(noun).start
        previous = docindex.sentence(self.doc[here - 1]).start if here else here
        return self.actors.last_subject_before(noun.i, ("Organization",), since=previous)

    def _named_as(self, noun: Token) -> str | None:
        """The latest organization named before the noun whose name holds it: "the union" after
        "the National Union of Journalists"."""
        for index, key in reversed(self.actors.order):
            actor = self.actors.actors[key]
            if index < noun.i and actor.type == "Organization" and key not in self.described:
                if noun.lower_ in actor.name.lower().split():
                    return key
        return None

    def _person_owning(self, word: Token) -> str | None:
        """The name of the person "his" or "her" stands for, where the text named them; not
        for "its" and "their", which too often reach back to the wrong body."""
        if word.lower_ not in ("his", "her") or word.dep_ != "poss":
            return None
        owner = self._owner(word)
        if owner is None or owner in self.described:
            return None
        actor = self.actors.actors[owner]
        return actor.name if actor.type == "Person" else None

    def describe(self, phrase: SpacySpan, kind: str = "Person", prefix: str = "") -> str:
        """A speaker the text describes without naming: "a senior administration official"."""
        words = list(phrase)
        # "Another said", "One says": a determiner alone is the only name the text gives.
        while len(words) > 1 and words[0].lower_ in ("a", "an", "the", "one", "another"):
            if len(words) > 1 and words[1].pos_ == "ADP":
                break  # "one in three", "one of the aides": a count, kept whole
            words.pop(0)
        # "his advisers said": whose advisers, named, or "his advisers" would be one speaker
        # for every "his" in the article.
        owner = self._person_owning(words[0]) if len(words) > 1 else None
        name = "".join(
            t.text_with_ws for t in (words[1:] if owner else words)
        ).strip()  # "front-runner", not "front - runner"
        if owner is not None:
            name = f"{owner}'s {name}"
        key = (prefix or f"{kind.lower()}:described:") + slug(name)
        actor = self.actors.actors.get(key)
        if actor is None:
            actor = self.actors.actors[key] = Actor(key=key, name=name, type=kind)
            self.described.add(key)
        begin = words[0].idx if words else phrase.start_char
        actor.mentions.append(
            Span(begin, phrase.end_char, docindex.text(self.doc)[begin : phrase.end_char])
        )
        self.actors.order.append((phrase.start, key))
        self.actors.order.sort()
        return key


def _kind_of(noun: Token) -> str:
    """Whether a noun naming unnamed speakers names a body, one person or several (people or
    bodies: "business groups urged")."""
    lemma = noun.lemma_.lower()
    if noun.tag_ in ("NNS", "NNPS") and not (lemma == noun.lower_ and lemma in BODIES):
        return "Group"  # not "police", a body whatever its tag
    if lemma in BODIES:
        return "Organization"  # "the government says", with no government named before
    return "Person"


def lost_subject(verb: Token, actors: ActorSet) -> str | None:
    """The speaker of a finite cue the parser left without a subject, having hung it inside a
    clause before the cue ("Senator Ann Ruiz, alarmed by the vote, said ...", "Kasich offered
    a job, then says ..."): the first actor before the cue in its sentence that stands as a
    subject or its apposition, not one in a subordinate clause, a phrase or a possessive."""
    if verb.tag_ not in FINITE_TAGS:
        return None  # "Says Clinton would ...", a headline; or an imperative
    doc = verb.doc
    # "As a part of his plea, Marcel Lehel Lazar, 44, said": a person set off by commas right
    # before the cue is its subject, though the parser hung the name on the phrase before.
    index = verb.i - 1
    while index > docindex.sentence(verb).start and (doc[index].text == "," or doc[index].like_num):
        index -= 1
    key = actors.token_actor.get(index)
    if key is not None and index < verb.i - 1 and doc[index].dep_ == "appos":
        if actors.actors[key].type == "Person":
            return key
    # "..., Jay DiPietro, the club's president and general manager, suggested": so too the
    # person a description set off right before the cue stands in apposition to.
    described = doc[index]
    while described.dep_ in ("conj", "cc") and described.head.i < described.i:
        described = described.head
    if index < verb.i - 1 and described.dep_ == "appos":
        key = actors.token_actor.get(described.head.i)
        if key is not None and actors.actors[key].type == "Person":
            return key
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
