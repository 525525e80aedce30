"""What a speech verb reports: its clause, its object and what is hung on them, trimmed to
the words said."""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newsgraph.ingest import attribution, docindex

# Prepositions whose object is what was said, when a cue has no clause or object.
SPOKEN_PREPOSITIONS = {"for", "about", "of", "on", "against"}
# What "to" governs is what was said only after these ("pointed to the poll", "admitted to
# lying"); after others it is whom they spoke to or what they answered ("said to reporters",
# "responded to the question").
SPOKEN_AFTER_TO = {"point", "admit"}
MEASURES = {"DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"}
# What "accused X of ...", "criticized X for ..." are accused or criticized of.
ACCUSATION_GROUNDS = {"of", "for", "over", "as"}
# Prepositions of whom a cue addresses or asks for: "called on Congress to act", "called for
# an inquiry to begin".
ADDRESSED = {"on", "upon", "to", "with", "for"}
QUOTES = {'"', "“", "”", "''", "``"}  # quote marks, which end no phrase


def content_of(verb: Token) -> SpacySpan | None:
    """The reported content of a speech verb: its clause, or for "accuse", whom of what."""
    doc = verb.doc
    if verb.pos_ == "NOUN" and any(c.dep_ == "poss" for c in verb.children):
        return _nominal_content(verb)
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
            return trim(doc[start:end])
        return None
    if attributes_as(verb):
        # "As the Times reported, Clinton raised $1 million", "..., as he noted": the clause
        # the as-clause hangs on, less the as-clause.
        head = verb.head
        if verb.i < head.i:
            return trim(doc[verb.right_edge.i + 1 : head.right_edge.i + 1])
        return trim(doc[head.left_edge.i : verb.left_edge.i])
    if _sets_off(verb):
        # "Mr. Obama, officials said, has grown skeptical": the clause the cue interrupts.
        head = verb.head
        return trim(doc[head.left_edge.i : head.right_edge.i + 1])
    # A sentence before a colon that introduces the cue's clause is not what the cue reports
    # ("Even its backers sounded unsure: Ann Ruiz called it “a gamble.”").
    clause = [
        c
        for c in verb.children
        if c.dep_ in ("ccomp", "xcomp")
        and not (c.i < verb.i and any(t.text == ":" for t in doc[c.right_edge.i + 1 : verb.i]))
    ]
    # Not when: "promised Sunday at a rally ...", where the parser took the day for an object.
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.ent_type_ not in ("DATE", "TIME")]
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    said_before = _said_before(verb, subjects)
    if said_before is not None and not objects and not any(c.i > verb.i for c in clause):
        return said_before
    if (
        not clause
        and len(subjects) >= 2
        and any(t.is_punct for t in doc[subjects[0].right_edge.i + 1 : subjects[-1].left_edge.i])
    ):
        # A reported clause before its verb, misparsed as a second subject:
        # "The rules discriminated against Roma, the Law Lords have ruled." Not a description
        # right before a name, which the parser may also take for a subject of its own
        # ("the celebrity press ReganBooks announced").
        return trim(doc[subjects[0].left_edge.i : subjects[0].right_edge.i + 1])
    if objects and not clause and any(_reports(c) for c in objects[0].children):
        return None  # "wrote a letter arguing that ...": the participle's words, not the letter
    # Not a relative clause a relative pronoun opens: "slammed Trump, who claims that ...".
    finite = [
        c
        for c in (objects[0].children if objects and not clause else ())
        if c.dep_ in ("acl", "relcl")
        and c.pos_ == "VERB"
        and c.tag_ in ("VBD", "VBZ", "VBP")
        and not any(g.tag_ in ("WP", "WDT", "WP$") for g in c.children)
    ]
    if objects and not clause and not finite:
        # "told a briefing in Geneva that cases had risen": the parser hung the that-clause
        # deeper in the audience's phrase.
        finite = [
            c
            for c in objects[0].subtree
            if c.dep_ in ("acl", "relcl")
            and _finite(c)
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ]
    if finite:
        if doc[finite[0].left_edge.i].lower_ == "that" and finite[0].i > objects[0].i:
            # "told a briefing that Beijing opposed it": the object is the audience.
            return trim(doc[finite[0].left_edge.i : finite[0].right_edge.i + 1])
        # "decided the practice discriminated against ...": a that-clause parsed as an object.
        return trim(doc[objects[0].left_edge.i : objects[0].right_edge.i + 1])
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
            if child.dep_ in ("oprd", "prep") or _as_clause(child):
                tail.append(child)
        end = max(c.right_edge.i for c in [objects[0], *tail]) + 1
        if not tail and _addressee(objects[0]):
            return None  # "told The Washington Post", "emailed Ms. Abedin": to whom, not what
        # Two words may be all that was said of it: "denied the reports", "calling them
        # rapists"; one is a pronoun or a name ("denied it"), no claim.
        return _with_reasons(verb, doc[objects[0].left_edge.i : end], shortest=2)
    complements = [c for c in verb.children if c.dep_ == "oprd" and c.i > verb.i]
    if complements and not objects and not clause:
        # "called her “third-rate”": whom the parser left without an object, and what they
        # were called.
        return trim(doc[verb.i + 1 : complements[0].right_edge.i + 1])
    for child in verb.children:
        marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ == "for"]
        if child.dep_ == "advcl" and child.i > verb.i and marks and marks[0].i > verb.i:
            # "called for the minimum wage to be raised", "called for him to resign": a
            # for-clause the parser took for an adverbial one.
            return trim(doc[marks[0].i + 1 : child.right_edge.i + 1])
    # A clause after the verb is what was said; one before it only in "..., X said" order.
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    if lemma == "say" and any(c.dep_ == "ccomp" for c in clause):
        # "..., Wilkin said during his speech to be a delegate": an infinitive is no content of
        # "say" beside its clause.
        clause = [
            c
            for c in clause
            if not (
                c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            )
        ]
    for child in sorted(clause, key=lambda c: c.i < verb.i):
        # "He said raising taxes would hurt": a clause with a gerund subject, which the parser
        # makes an xcomp; only the passive "is said to be" has no content there.
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and not (lemma == "say" and passive)):
            start = child.left_edge.i
            if child.dep_ == "ccomp" and not any(
                c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in child.children
            ):
                # "said the days when ... are gone", "explained the president's refusal to
                # call it terrorism is a weakness": the clause's subject, which the parser
                # hung on the cue as an adverbial noun or an object.
                lost = [
                    c
                    for c in verb.children
                    if verb.i < c.i < child.i
                    and (
                        (c.dep_ == "npadvmod" and c.pos_ == "NOUN")
                        # Not when the "clause" is a noun: 'asked the Cleveland crowd "..."'.
                        or (c.dep_ == "dobj" and not _addressee(c) and child.pos_ != "NOUN")
                    )
                ]
                start = min([start, *(c.left_edge.i for c in lost)])
            # "urged Congress to act", "called on Congress to act": whom, and to do what.
            # Not when or where: "promised Sunday at a rally in Leeds to end ...".
            whom = [
                o for o in objects if verb.i < o.i < child.i and o.ent_type_ not in MEASURES
            ] + [
                g
                for c in verb.children
                if c.dep_ == "prep" and verb.i < c.i < child.i and c.lower_ in ADDRESSED
                for g in c.children
                if g.dep_ == "pobj" and g.ent_type_ not in MEASURES  # not "said on Monday"
            ]
            if child.dep_ == "xcomp" and whom:
                start = whom[0].left_edge.i
            return _with_reasons(verb, doc[start : _joined_after(verb, child)])
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "in" and child.i > verb.i:
            # "said in a statement that the team would ...": the parser hung the that-clause
            # on the noun of the channel.
            that_clause = _that_clause_on(child)
            if that_clause is not None:
                return that_clause
    # "called for an inquiry", "asked about the emails", "spoke of a rigged system": what the
    # preposition governs was said.
    for child in verb.children:
        spoken = child.lower_ in SPOKEN_PREPOSITIONS or (
            child.lower_ == "to" and lemma in SPOKEN_AFTER_TO
        )
        if child.dep_ == "prep" and child.i > verb.i and spoken:
            said = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if said and said[0].ent_type_ not in MEASURES:  # not "spoke for two hours"
                return trim(doc[child.i + 1 : child.right_edge.i + 1])
    for child in verb.children:
        if child.dep_ == "prep" and child.i > verb.i:
            # "said following a vote in 2001 that he had ...": the same, after a phrase of time
            # or occasion, when the cue reports nothing else.
            that_clause = _that_clause_on(child)
            if that_clause is not None:
                return that_clause
    for child in verb.rights:
        infinitive = any(a.dep_ == "aux" and a.tag_ == "TO" for a in child.children)
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        if (
            child.dep_ == "advcl"
            and infinitive
            and not own_subject
            and child.i > verb.i + 1
            and not attribution.of_saying(child)  # "tweeted to say ...": its own cue
        ):
            # "promised Sunday at a rally to end the program": the infinitive the parser took
            # for a purpose, when the cue has nothing else to report.
            return _with_reasons(verb, doc[child.left_edge.i : child.right_edge.i + 1])
    undergoers = [c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i]
    if undergoers and any(c.dep_ == "agent" for c in verb.children):
        # "Tinder's ban of Ms. Gedrich was first reported by BuzzFeed": what was reported.
        return trim(doc[undergoers[0].left_edge.i : undergoers[0].right_edge.i + 1])
    return None


def _sets_off(verb: Token) -> bool:
    """Whether a cue interrupts the clause it reports: as the parser's parenthetical, or set off
    by a comma and made that clause's complement ("If she wins, Ridley suggested in a tweet,
    women won't be punished")."""
    head = verb.head
    if head.pos_ not in ("VERB", "AUX"):
        return False
    if verb.dep_ == "parataxis":
        return True
    return (
        verb.dep_ == "ccomp"
        and verb.i < head.i
        and verb.right_edge.i + 1 < head.i
        and verb.doc[verb.right_edge.i + 1].text == ","
        and not any(c.dep_ in ("ccomp", "xcomp", "dobj", "auxpass") for c in verb.children)
        and not attribution.of_saying(head)  # "X called for Y, sources said": Y's cue
    )


# Whom a cue may address: the recogniser's people and organizations.
ADDRESSEES = {"PERSON", "ORG"}


def _reports(participle: Token) -> bool:
    """Whether a participle on a noun reports a clause of its own: "a letter arguing that ..."."""
    return (
        participle.dep_ == "acl"
        and participle.tag_ == "VBG"
        and attribution.of_saying(participle)
        and any(c.dep_ == "ccomp" for c in participle.children)
    )


def _addressee(word: Token) -> bool:
    """Whether an object names whom words were addressed to rather than the words: a name or
    a personal pronoun, not "the plan" or "his record"; nor one a quote follows, what it was
    called ('calls Horgos "a mistake"', where the parser hung the quote elsewhere)."""
    after = word.right_edge.i + 1
    called = after < len(word.doc) and word.doc[after].text in QUOTES
    named = word.pos_ == "PROPN" and word.ent_type_ in ADDRESSEES
    return (word.tag_ == "PRP" or named) and not called


# What opens a clause of reason or condition, which goes with the words said ('calls Horgos
# "a mistake" because so few people live there'), not one of time, which says when they were.
REASONS = {"because", "if", "unless", "although", "though"}


def _with_reasons(verb: Token, content: SpacySpan, shortest: int = 3) -> SpacySpan | None:
    """The content trimmed, with a clause of reason or condition the parser hung on the cue
    right after it; a content too short alone is not made long enough by one."""
    if trim(content, shortest) is None:
        return None
    return trim(content.doc[content.start : _reasons_after(verb, content.end)], shortest)


def _reasons_after(verb: Token, end: int) -> int:
    """`end`, or the end of a clause of reason or condition the parser hung on the cue right
    after the content ('calls Horgos "a mistake" because so few people live there')."""
    doc = verb.doc
    after = end
    while after < len(doc) and doc[after].text in QUOTES:
        after += 1  # the closing mark the parser hung on the cue
    for child in verb.rights:
        if child.left_edge.i != after or child.dep_ != "advcl":
            continue
        first = doc[child.left_edge.i]
        inverted = first.dep_ == "aux" and first.lower_ in ("should", "had", "were")
        if inverted or any(m.dep_ == "mark" and m.lower_ in REASONS for m in child.children):
            return child.right_edge.i + 1
    return end


def _joined_after(verb: Token, clause: Token) -> int:
    """The end of an infinitive the cue reports, with the infinitives the parser joined to the
    cue rather than to it ('pledged to enact reform, fix the system and protect rights')."""
    end = clause.right_edge.i + 1
    if clause.dep_ == "ccomp" and clause.pos_ in ("VERB", "AUX"):
        # "told Reuters that she was disheartened there haven't been more winners": one
        # clause, which the parser split in two, the second hung on the cue right after.
        for following in verb.rights:
            # Not a clause with a cue and a speaker of its own: "..., the source recalled",
            # "and the same number said ..." (but "had enough pledged delegates to ...").
            if (
                following.dep_ == "ccomp"
                and following.left_edge.i == end
                and not following.left_edge.is_punct  # not a clause set off: "..., we deal"
                and not any(
                    t.pos_ == "VERB"
                    and attribution.of_saying(t)
                    and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                    for t in following.subtree
                )
            ):
                end = following.right_edge.i + 1
        return end
    if verb.tag_ == "VB" or clause.dep_ != "xcomp":
        return end
    for conjunct in verb.rights:
        base = conjunct.dep_ == "conj" and conjunct.tag_ == "VB"
        if base and conjunct.i > clause.i and not any(c.dep_ == "nsubj" for c in conjunct.children):
            end = max(end, conjunct.right_edge.i + 1)
    return end


def _nominal_content(noun: Token) -> SpacySpan | None:
    """'his promise to build a wall', 'Ridley's claim that the budget was balanced': what a cue
    noun whose owner says it reports, the infinitive or that-clause hung on it."""
    for clause in noun.rights:
        infinitive = any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children)
        that = any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
        if clause.dep_ in ("acl", "ccomp", "relcl") and (infinitive or (that and _finite(clause))):
            return trim(noun.doc[clause.left_edge.i : clause.right_edge.i + 1])
        if clause.dep_ == "prep" and clause.lower_ == "for" and clause.i == noun.i + 1:
            # "his call for a total ban on ...": what was called for.
            return trim(noun.doc[clause.i + 1 : clause.right_edge.i + 1])
    return None


def _said_before(verb: Token, subjects: list[Token]) -> SpacySpan | None:
    """'The Internet made it possible for people ... to organize, she said.': a cue right after
    its subject, which a comma sets off from the sentence before it, reports that sentence,
    though the parser hung the cue inside it."""
    if verb.dep_ not in ("advcl", "conj") or verb.head.i > verb.i or not subjects:
        return None
    subject = subjects[-1]
    first = subject.left_edge.i
    doc = verb.doc
    start = docindex.sentence(verb).start
    if first <= start + 1 or doc[first - 1].text != "," or subject.right_edge.i + 1 != verb.i:
        return None
    return trim(doc[start : first - 1])


def _as_clause(word: Token) -> bool:
    """'described the dinner as Washington celebrating itself': what the object was called,
    a clause the parser hung on the verb; not a finite one, which says when ("tweeted his
    observations as he lined up")."""
    return (
        word.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ == "as" for m in word.children)
        and not _finite(word)
    )


def _finite(verb: Token) -> bool:
    """A verb with a tense of its own or through its auxiliary ("had risen", "will rise")."""
    tensed = ("VBD", "VBZ", "VBP", "MD")
    return verb.pos_ in ("VERB", "AUX") and (
        verb.tag_ in tensed or any(c.dep_ == "aux" and c.tag_ in tensed for c in verb.children)
    )


def attributes_as(verb: Token) -> bool:
    """Whether a verb heads an as-clause of attribution ("as the Times reported on Sunday"),
    which says by its form alone that the clause it hangs on was said."""
    head = verb.head
    # "As he noted, officials said ...": the clause is a statement of its own; but not "As the
    # Hill reported, Trump was accused of ...", whose cue has no one who says it.
    speaking = attribution.of_saying(head) and any(
        c.dep_ in ("nsubj", "agent") for c in head.children
    )
    return (
        verb.dep_ == "advcl"
        and head.pos_ in ("VERB", "AUX")
        and verb.lemma_ != "speak"  # "as he spoke at the rally": a time, not an attribution
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        # Who said it: the clause's subject, or the agent of "as reported by the Times".
        and any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in verb.children)
        and all(_bare(c) for c in verb.children)
        and not speaking
    )


def _that_clause_on(preposition: Token) -> SpacySpan | None:
    """A that-clause the parser hung on a noun in a prepositional phrase."""
    for noun in preposition.subtree:
        for clause in noun.children:
            if clause.dep_ in ("acl", "relcl") and any(
                m.dep_ == "mark" and m.lower_ == "that" and m.i == clause.left_edge.i
                for m in clause.children
            ):
                return trim(preposition.doc[clause.left_edge.i : clause.right_edge.i + 1])
    return None


# What an as-clause of attribution holds besides its cue: "as the Times reported on Sunday",
# not "as he spoke to reporters", a clause of time.
BARE = {
    *("mark", "nsubj", "nsubjpass", "agent", "aux", "auxpass"),
    *("advmod", "npadvmod", "neg", "punct"),
}


def _bare(child: Token) -> bool:
    if child.dep_ == "dobj":
        return _addressee(child)  # "as Clinton told the Daily News", "as he put it"
    if child.dep_ == "prep":
        # When, or where it was written or said: "as Hedrick Smith reported in his book".
        return child.lower_ in ("in", "on") or any(
            g.ent_type_ in ("DATE", "TIME") for g in child.children
        )
    return child.dep_ in BARE


LEADING = re.compile(r"^(that|:|,)\s+", re.IGNORECASE)


def _closed_inside(span: SpacySpan) -> bool:
    """Whether the quote a span opens with closes before its last word: '"difficult choices"
    ahead' keeps its opening mark, '"It was wrong.' loses it."""
    return any(t.text in ("”", '"') for t in span[1:-1])


def trim(span: SpacySpan, shortest: int = 3) -> SpacySpan | None:
    """The span without the marks and joining words at its edges, if `shortest` words are left."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (
        doc[start].lower_ in (":", ",")
        or (doc[start].lower_ == "that" and not _pronoun(doc[start]))
        or (doc[start].text in ("“", '"') and not _closed_inside(doc[start:end]))
        or doc[start].dep_ == "mark"
        and doc[start].lower_ == "that"
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space
        or (doc[end - 1].is_punct and doc[end - 1].text not in ('"', "”", ")", "%"))
        or doc[end - 1].dep_ == "cc"  # "he agrees ... and", the next conjunct a clause apart
    ):
        end -= 1
    while start < end and doc[start].is_space:
        start += 1
    words = doc[start:end].text
    unclosed = words.count("“") > words.count("”") or words.count('"') % 2 == 1
    if end < len(doc) and doc[end].text in ("”", '"') and unclosed:
        end += 1  # the parser hung the closing mark on the verb: 'called her “third-rate”'
    if end - start < shortest:
        return None
    return doc[start:end]


def _pronoun(word: Token) -> bool:
    """'called that "beyond preposterous"', 'said that was wrong', 'That attitude, many argue,
    could ...': "that" standing for something or saying which, not the word that opens a
    clause."""
    return word.dep_ in ("dobj", "nsubj", "nsubjpass", "det")
