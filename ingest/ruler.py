"""Known actors: the shipped Wikidata index's names found in the text, whatever the tagger says.

A spaCy component after the recogniser. Each name the index gives an entity (its label and
aliases) is a phrase pattern, matched with its exact capitalisation and labelled with the
entity's type: PERSON for a Person, ORG for an Organization, GPE for a Country. A match adds an
entity where the recogniser found none, and replaces the recogniser's entities it covers ("the
Kremlin" it called a person, "Labour Party" it cut to "Labour"). It never cuts into a longer or
crossing entity of the recogniser: "Monaco" inside "Lisa O. Monaco" stays part of the person.

Types agree as the linker's do: a person pattern is a person's full name (a lone surname such as
"Johnson" names too many people, and coreference in newsgraph.ingest.actors finds it after the
full name), a name the index gives two types is left to the recogniser, and a lone word never
turns the recogniser's person into a country or an organization where the text treats it as a
person's name: after a title ("Ms Jordan said") or as a word of a person it names in full
("Monaco" after "Lisa O. Monaco").
"""

# No `from __future__ import annotations`: spaCy's registry reads the factory's annotations
# at run time, and with the lowest declared pydantic a string annotation is an unresolved
# ForwardRef ('field "nlp" not yet prepared').
from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsgraph.ingest import gazetteer
from newsgraph.ingest.wikidata_index import TITLES, Index, load_index, parse_name

LABELS = {"Person": "PERSON", "Organization": "ORG", "Country": "GPE"}
COMPONENT = "newsgraph_known_actors"


def patterns(index: Index) -> dict[str, list[str]]:
    """Entity label -> the index names to match, each with one type only."""
    capitals = gazetteer.load().capitals
    types: dict[str, set[str]] = defaultdict(set)
    for entry in index.entries.values():
        for text in (entry.label, *entry.aliases):
            text = " ".join(text.split())
            if text[:4].lower() == "the ":
                text = text[4:]  # "the Kremlin": the article is not part of the name
            if len(text) < 2 or not text[:1].isupper():
                continue
            if entry.type == "Person":
                name = parse_name(text, "Person")
                if name.title or len(name.tokens) < 2:
                    continue  # "President Biden", "Johnson": see the module docstring
            elif text.lower() in capitals:
                continue  # "Beijing" stands for China only where it acts: actors decides
            types[text].add(entry.type)
    found: dict[str, list[str]] = defaultdict(list)
    for text, kinds in sorted(types.items()):
        if len(kinds) == 1:
            found[LABELS[kinds.pop()]].append(text)
    return dict(found)


class KnownActors:
    """Adds the index's names as entities (see the module docstring)."""

    def __init__(self, nlp: Language, index: Index) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for label, texts in patterns(index).items():
            self.matcher.add(label, [nlp.make_doc(text) for text in texts])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        if not matches:
            return doc
        found = filter_spans([Span(doc, start, end, label=key) for key, start, end in matches])
        entities = list(doc.ents)
        # Words of the people the recogniser names in full: a lone one is that person.
        names = {t.text for e in entities if e.label_ == "PERSON" and len(e) > 1 for t in e}
        changed = False
        for span in found:
            if _shouted(span):
                continue
            overlapping = [e for e in entities if e.start < span.end and span.start < e.end]
            if any(e.start < span.start or e.end > span.end for e in overlapping):
                continue  # the recogniser's longer or crossing entity stands
            if any(e.label_ == "PERSON" for e in overlapping) and _persons_name(span, names):
                continue  # "Ms Jordan said", "Monaco" after "Lisa O. Monaco": the person stands
            if [(e.start, e.end, e.label) for e in overlapping] == [
                (span.start, span.end, span.label)
            ]:
                continue
            entities = [e for e in entities if e not in overlapping] + [span]
            changed = True
        if changed:
            doc.ents = sorted(entities, key=lambda e: e.start)
        return doc


def _shouted(span: Span) -> bool:
    """Whether a name in capitals stands among other words in capitals ("WHO IS TO BLAME"):
    there "WHO" or "US" is no acronym."""
    if not span.text.isupper():
        return False
    doc = span.doc
    near = [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    return any(t.is_alpha and t.is_upper and len(t) > 1 for t in near)


def _persons_name(span: Span, names: set[str]) -> bool:
    """Whether a lone word may be a person's name here: after a title or honorific, or a word of
    a person named in full in the same text."""
    if len(span) > 1 or span.label_ == "PERSON":
        return False
    before = span.doc[span.start - 1].lower_.rstrip(".") if span.start else ""
    return before in TITLES or span.text in names


@Language.factory(COMPONENT, requires=["doc.ents"], assigns=["doc.ents"])
def make_known_actors(nlp: Language, name: str) -> KnownActors:
    """The component, with the patterns of the shipped index."""
    return KnownActors(nlp, load_index())
