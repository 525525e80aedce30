"""What an article names that is no actor, read from the parse: places the recogniser took for
people or organizations, nicknames before a name, titles alone, people-names that are peoples,
and collectives that are only mentioned.

Each check is a small predicate over spaCy tokens and spans; newsgraph.ingest.actors applies
them to the recogniser's entities. None of them holds a list of names: the evidence is the
sentence ("the constituency of X", "X borough", "Bethnal Green, in London") and the other
mentions of the same article.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newsgraph.ingest import docindex
from newsgraph.ingest.wikidata_index import HONORIFICS, TITLES, name_words

# Nouns that name a kind of place: a name they govern or that modifies them is a place.
PLACE_NOUNS = frozenset(
    "borough ward constituency seat district county city town village suburb neighbourhood "
    "neighborhood airport street road square region province state area camp prison jail "
    "base island valley river port estate parish riding division capital".split()
)
# Roles held for a place: "MP for Hartlepool" ("candidate for" may be for a person's seat).
FOR_PLACE = frozenset("mp mps mep meps msp msps mla mlas".split())
# Where a collective takes part in what happens rather than being named in passing.
ACTING_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "dative"})
# Partners in an action, named by a verb or a noun ("violations against minorities", "along with
# activists"); "from", "to" and "for" only after a verb ("a poll for voters" is no action).
PARTNER_PREPOSITIONS = frozenset({"by", "with", "against", "between"})
VERB_PREPOSITIONS = frozenset({"from", "to", "for"})
# Verbs whose object is the audience of words, not a participant: "told journalists".
AUDIENCE_VERBS = frozenset({"tell", "brief", "inform", "address", "thank"})
# Offices a person is addressed by, after "Mr" or "Madam": "Mr. President", "Madam Speaker".
ADDRESSED_OFFICES = frozenset(
    {"president", "vice president", "prime minister", "speaker", "chairman", "chairwoman",
     "secretary", "minister", "mayor", "ambassador", "senator", "governor", "chancellor"}
)  # fmt: skip
# Tags of words that cannot start a person's name: "Crooked", "Injecting", "Sleepy".
NOT_NAME_TAGS = frozenset({"JJ", "JJR", "JJS", "VBN", "VBG", "VBD", "RB"})


def place_names(doc: Doc) -> set[str]:
    """Lower-cased names the article uses as places, and the parts of an "X and Y" place name."""
    names: set[str] = set()
    for span in _names(doc):
        if _used_as_place(span):
            text = span.text.lower()
            names.add(text)
            names.update(part.strip() for part in text.split(" and ") if part.strip())
    return names


def _names(doc: Doc) -> list[Span]:
    """Runs of capitalised proper nouns (with "and" / "of" inside), the entities' shape."""
    # Integer attributes read once: this runs on every article, and Token objects are costly.
    pos = doc.to_array("POS").tolist()
    lower = doc.to_array("LOWER").tolist()
    propn = doc.vocab.strings["PROPN"]
    inner_words = _ids(doc, ("and", "of", "'s"))
    spans: list[Span] = []
    start = None
    for i, tag in enumerate(pos):
        proper = tag == propn and doc[i].text[:1].isupper()
        inner = start is not None and lower[i] in inner_words
        if proper or (inner and i + 1 < len(doc) and pos[i + 1] == propn):
            start = i if start is None else start
            continue
        if start is not None:
            spans.append(doc[start:i])
            start = None
    if start is not None:
        spans.append(doc[start:])
    return spans


def _ids(doc: Doc, words: tuple[str, ...] | frozenset[str]) -> frozenset[int]:
    """The string-store ids of words, to compare with a token's integer attributes."""
    return frozenset(doc.vocab.strings[word] for word in words)


def _used_as_place(span: Span) -> bool:
    root = span.root
    head = root.head
    if root.dep_ == "compound" and head.lemma_.lower() in PLACE_NOUNS and head.i > span.end - 1:
        return True  # "Tower Hamlets borough", "the Guantanamo camp"
    if root.dep_ == "appos" and head.lemma_.lower() in PLACE_NOUNS:
        return True  # "the ward, Tower Hamlets"
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS:
        return True  # "the constituency of Bethnal Green and Bow"
    if root.dep_ == "pobj" and head.lower_ == "for" and head.head.lower_ in FOR_PLACE:
        return True  # "MP for Hartlepool"
    # "Bethnal Green, in London": a name placed in another place.
    return any(
        child.dep_ == "prep"
        and child.lower_ in ("in", "near")
        and child.i > 0
        and span.doc[child.i - 1].text == ","
        and any(grand.ent_type_ in ("GPE", "LOC") for grand in child.children)
        for child in root.children
    )


def without_nickname(span: Span, full_names: set[str]) -> Span:
    """A person's name without words before it that cannot start a name: "Crooked Hillary
    Clinton" is Hillary Clinton where the rest is a person the article has named in full before,
    or where the tagger reads the first word as an adjective or a participle."""
    for start in range(span.start + 1, span.end - 1):
        tail = span.doc[start : span.end]
        if tail.text in full_names and _named_before(tail, start):
            return tail
    start = span.start
    while start < span.end - 1 and span.doc[start].tag_ in NOT_NAME_TAGS:
        start += 1
    return span.doc[start : span.end]


def _named_before(tail: Span, before: int) -> bool:
    """Whether the article names this person in full earlier than token `before`: "Crooked
    Hillary Clinton" after "Hillary Clinton", not "Ildefonso Guajardo Villarreal" on first
    mention, whose later "Guajardo Villarreal" is the same person."""
    return any(
        entity.label_ == "PERSON" and entity.end <= before and entity.text == tail.text
        for entity in docindex.entities(tail.doc)
    )


def credit(span: Span) -> bool:
    """A name in a picture credit, "(Reuters: Jonathan Ernst)": who took the photograph, not an
    actor of the story."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc) or doc[span.end].text != ")":
        return False
    if doc[span.start - 1].text != ":":
        return False
    opening = doc[max(span.start - 3, 0) : span.start - 1]
    return any("(" in token.text for token in opening)


def indefinite(span: Span) -> bool:
    """ "a former Miss Universe": a title after an indefinite article names a rank, not
    someone."""
    index = span.start - 1
    titled = False
    while index >= 0 and (
        span.doc[index].pos_ == "ADJ" or span.doc[index].lower_.rstrip(".") in TITLES
    ):
        titled = titled or span.doc[index].lower_.rstrip(".") in TITLES
        index -= 1
    # "a Mitt Romney" may still be read as the man himself; a title in between may not.
    return titled and index >= 0 and span.doc[index].lower_ in ("a", "an")


def only_titles(span: Span, surnames: set[str]) -> bool:
    """A "name" made of titles alone ("President", "Mr. President") names no one by itself;
    "Ms King" does where "King" is a word the article uses as a surname or is no office one is
    addressed by."""
    words = name_words(span.text)
    if not words or not all(word in TITLES for word in words) or words[-1] in surnames:
        return False
    honorific = words[0] in HONORIFICS
    return not honorific or " ".join(words[1:]) in ADDRESSED_OFFICES


def names_a_people(span: Span, peoples: set[str]) -> bool:
    """Whether a span the recogniser calls a person names a people: a plural ("Africans") or a
    word the article uses for a people ("Roma" in "Roma Czechs", "Roma people")."""
    return len(span) == 1 and (span.root.tag_ in ("NNPS", "NNS") or span.text in peoples)


def peoples(doc: Doc) -> set[str]:
    """Proper nouns that modify a plural people-noun ("Roma Czechs", "Roma people", "Kurdish
    fighters" has an adjective instead): names of peoples in this article."""
    found = set()
    modifiers, proper = _ids(doc, ("compound", "amod")), doc.vocab.strings["NNP"]
    tags, deps = doc.to_array("TAG").tolist(), doc.to_array("DEP").tolist()
    for i, (tag, dep) in enumerate(zip(tags, deps, strict=True)):
        if tag != proper or dep not in modifiers:
            continue
        token = doc[i]
        head = token.head
        if (
            token.dep_ in ("compound", "amod")
            and token.tag_ == "NNP"
            and head.i > token.i
            and head.tag_ in ("NNS", "NNPS")
            and (head.lemma_.lower() in ("people", "passenger", "refugee") or head.tag_ == "NNPS")
        ):
            found.add(token.text)
    return found


def acts(token: Token) -> bool:
    """Whether a collective takes part (subject, object, agent or partner of an action) rather
    than being named in passing ("a poll of Americans", "told journalists")."""
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    dep, head = token.dep_, token.head
    if dep in ("nsubj", "nsubjpass"):
        return True
    if dep in ACTING_DEPS:
        return head.lemma_.lower() not in AUDIENCE_VERBS
    if dep == "pobj" and head.lower_ in PARTNER_PREPOSITIONS:
        return True
    if dep == "pobj" and head.lower_ in VERB_PREPOSITIONS:
        return head.head.pos_ in ("VERB", "AUX")
    return False


# Plural titles that introduce a list of people: "Lords Bingham, Steyn and Hope".
PLURAL_TITLES = frozenset(
    "lords ladies messrs mmes presidents senators sens judges justices ministers generals".split()
)
# The gender a plural title gives each person it lists.
TITLE_GENDERS = {"lords": "m", "messrs": "m", "ladies": "f", "mmes": "f"}


def listed_after_title(doc: Doc) -> dict[int, str]:
    """Token indices of the names a plural title introduces, with the title: each conjunct of
    "Lords Bingham, Steyn, Hope and Carswell" is a person, whatever the recogniser made of it."""
    listed: dict[int, str] = {}
    titles = _ids(doc, PLURAL_TITLES)
    for i, word in enumerate(doc.to_array("LOWER").tolist()):
        if word not in titles or i + 1 >= len(doc):
            continue
        token = doc[i]
        first = doc[token.i + 1]
        if first.pos_ != "PROPN":
            continue
        # The title modifies the first name; the other names hang from it as conjuncts.
        name = first if first.dep_ != "compound" else first.head
        stack = [name]
        while stack:
            current = stack.pop()
            if current.pos_ == "PROPN" and current.text[:1].isupper():
                listed[current.i] = token.lower_
                stack.extend(c for c in current.children if c.dep_ == "conj")
    return listed


def demonym_plurals(doc: Doc, demonyms: dict[str, str]) -> list[Span]:
    """Plural nationality nouns the recogniser missed: "Czechs", "Americans"."""
    plural = _ids(doc, ("NNPS", "NNS"))
    return [
        doc[i : i + 1]
        for i, tag in enumerate(doc.to_array("TAG").tolist())
        if tag in plural
        and doc[i].text[:1].isupper()
        and not doc[i].ent_type_
        and doc[i].text.lower().removesuffix("s") in demonyms
    ]
