"""Mentions: where an article names a person, an organization, a country or a group.

Read from the recogniser's entities and the parse: titles and possessives come off a name
("President Joe Biden's" is Joe Biden), a capital stands for its country only where it acts
("Beijing said"), a nationality with "government" is the country, with "ministry" an
institution, and common nouns for collectives ("activists") are groups. What is named but is
no actor (places, nicknames, titles) is left out with the checks of newsgraph.ingest.nonactors.
newsgraph.ingest.actors groups the mentions into actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from newsgraph.ingest import attribution, docindex, gazetteer, nonactors

HONORIFICS = {
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "sir",
    "sir.",
    "lady",
    "lord",
    "lords",
    "dame",
    "prof",
    "prof.",
    "miss",
    "madam",
    "mme",
    "justice",
}
FEMALE = {"mrs", "mrs.", "ms", "ms.", "lady", "dame", "miss", "madam", "mme"}
MALE = {"mr", "mr.", "sir", "sir.", "lord", "lords"}
# Offices that may stand before a name: "US President Joe Biden", "Foreign Minister Wang Yi".
OFFICES = {
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "general",
    "gen.",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "governor",
    "gov.",
    "mayor",
    "judge",
    "chief",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "foreign",
    "defence",
    "defense",
    "home",
    "deputy",
    "press",
    "leader",
    "chairman",
    "chairwoman",
    "director",
    "commander",
    "ayatollah",
    "sheikh",
    "crown",
    "state",
    "interior",
    "finance",
    "justice",
    "executive",
    "officer",
    "mp",
    "mep",
    "envoy",
    "counterpart",
    "opposition",
    "party",
    "labour",
    "conservative",
    "democratic",
    "republican",
}
GOVERNMENT_HEADS = {"government", "administration", "authorities", "leadership", "regime", "side"}
INSTITUTION_HEADS = {
    "media",
    "forces",
    "troops",
    "military",
    "army",
    "navy",
    "ministry",
    "embassy",
    "police",
    "parliament",
    "court",
    "officials",
    "diplomats",
    "intelligence",
    "newspaper",
    "press",
}
ENTITY_TYPES = {"PERSON": "Person", "ORG": "Organization", "GPE": "Country", "NORP": "Group"}
PLACE_NOUNS = {
    "borough",
    "ward",
    "constituency",
    "district",
    "county",
    "city",
    "town",
    "village",
    "airport",
    "street",
    "road",
    "square",
    "region",
    "province",
    "state",
    "area",
    "council",
}
TITLE_OFFICES = {"secretary", "minister", "undersecretary", "commissioner"}
ROLE_WORDS = {"mp", "mep", "mps", "meps", "minister", "president", "senator", "commons"}
_POSSESSIVE = re.compile(r"(['’]s|['’])$")


@dataclass
class Mention:
    begin: int  # character offsets in the article text
    end: int
    text: str
    type: str
    tokens: tuple[str, ...]  # the name's words, titles and possessives stripped
    start_token: int
    end_token: int
    gender: str | None = None
    country: str | None = None  # for countries: the canonical country name


def _clean(span: SpacySpan) -> SpacySpan | None:
    """The span without a leading article, a trailing possessive, or text past a line break."""
    start, end = span.start, span.end
    doc = span.doc
    text = docindex.text(doc)
    # Entities sometimes run across a paragraph break: keep the part holding the root. The
    # text up to the next token says whether there is one without making a Token of each word.
    stop = doc[end].idx if end < len(doc) else len(text)
    for token in span if "\n" in text[span.start_char : stop] else ():
        if "\n" in token.text or "\n" in token.whitespace_:
            if token.i < span.root.i:
                start = token.i + 1
            else:
                end = token.i + (0 if "\n" in token.text else 1)
                break
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if end - start > 3 and doc[start].lower_ in ("pro", "anti") and doc[start + 1].text == "-":
        # "pro-Iraq war Labour", "anti-EU Conservative": the stance is not part of the name.
        start += 3
        while start < end and doc[start].text[:1].islower():
            start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS" or doc[end - 1].text in ("'s", "’s", "'", "’")
    ):
        end -= 1
    while end > start and not doc[end - 1].text[0].isalnum():
        end -= 1
    while start < end and not doc[start].text[0].isalnum():
        start += 1
    if start >= end:
        return None
    cleaned = doc[start:end]
    words = text[cleaned.start_char : cleaned.end_char]
    if words.count("(") > words.count(")"):
        # "The World Health Organization (WHO": the name before its abbreviation, which the
        # acronym rule joins to it wherever it stands alone.
        end = next(t.i for t in cleaned if t.text == "(")
        while end > start and not doc[end - 1].text[0].isalnum():
            end -= 1
        cleaned = doc[start:end]
        words = cleaned.text
    if not words or words.count("(") != words.count(")"):
        return None
    return cleaned


def _acts(span: SpacySpan) -> bool:
    """Whether a place name stands for a party rather than a location."""
    root = span.root
    if root.dep_ in ("compound", "appos", "npadvmod"):
        return False
    if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE | {"from", "to"}:
        return False
    return True


LOCATIVE = {"in", "at", "near", "across", "into", "inside", "outside"}


def _of(span: SpacySpan) -> bool:
    """Whether a name completes a noun with "of": "the East End of London", "the mayor of Kyiv"
    name the city, not the country's government."""
    return span.root.dep_ == "pobj" and span.root.head.lower_ == "of"


def _words(span: SpacySpan) -> tuple[str, ...]:
    """A name's words as written ("Lindqvist-Oyelaran" is one word), possessives dropped."""
    words = (_POSSESSIVE.sub("", word) for word in span.text.split())
    return tuple(word for word in words if word)


def _name_tokens(span: SpacySpan) -> tuple[tuple[str, ...], str | None, int]:
    """A person's name words without leading honorifics and offices, the gender they imply,
    and the index of the first name token."""
    gender = None
    start = span.start
    for token in span:
        lower = token.lower_
        if lower in HONORIFICS or (lower in OFFICES and token.i < span.end - 1):
            gender = gender or ("f" if lower in FEMALE else "m" if lower in MALE else None)
            start = token.i + 1
            continue
        break
    return _words(span.doc[start : span.end]), gender, start


def _in_title(span: SpacySpan) -> bool:
    """Whether a name is part of an office: the "of" part of "Secretary of State", or the one
    word before "Secretary" in "Home Secretary", which names no body of its own."""
    root = span.root
    before = (
        len(span) == 1
        and root.dep_ == "compound"
        and root.head.i == span.end
        and root.head.lemma_.lower() in TITLE_OFFICES
    )
    return before or (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in TITLE_OFFICES
        and root.head.head.i == root.head.i - 1
    )


def _honorific_before(doc: Doc, start: int) -> str | None:
    if start > 0 and doc[start - 1].lower_ in HONORIFICS:
        lower = doc[start - 1].lower_
        return "f" if lower in FEMALE else "m" if lower in MALE else "x"
    return None


def find(doc: Doc, body_start: int, countries: dict[str, str]) -> list[Mention]:
    """The article's mentions of actors, in text order."""
    places = gazetteer.load()
    found: list[Mention] = []
    covered: set[int] = set()
    # The last words of the people the recogniser names in full somewhere in the article.
    entities = docindex.entities(doc)
    surnames = {ent[-1].lower_ for ent in entities if ent.label_ == "PERSON" and len(ent) > 1}
    full_names = {ent.text for ent in entities if ent.label_ == "PERSON" and len(ent) > 1}
    person_words = {word for name in full_names for word in name.split()}
    # A person's name is never a place here, even where "the Clinton camp" makes it look one.
    place_names = nonactors.place_names(doc) - surnames
    peoples = nonactors.peoples(doc) - person_words
    listed = nonactors.listed_after_title(doc)
    for ent in entities:
        kind = ENTITY_TYPES.get(ent.label_)
        if kind is None:
            continue
        span = _clean(ent)
        if span is None:
            continue
        text = span.text
        lower = text.lower()
        if (
            kind in ("Country", "Organization")
            and len(span) == 1
            and lower in surnames
            and (lower not in countries and lower not in places.capitals or _acts(span))
        ):
            # "Blinken later told reporters": the recogniser took him for a place. A surname that
            # is also a country's name ("Monaco" after "Lisa O. Monaco") is the person unless it
            # stands as a location ("in Monaco").
            kind = "Person"
        if ent.label_ == "PERSON" and (lower in countries or lower in places.capitals):
            kind = "Country"  # the recogniser took "Kyiv" for a person
        elif kind == "Person" and len(span) == 1 and span.root.dep_ == "amod":
            kind = "Group"  # "the Bangladeshi population": an adjective, not a name
        if kind in ("Country", "Organization") and len(span) == 1 and span.start in listed:
            kind = "Person"  # "Lords Bingham, Steyn and Carswell"
        if kind in ("Person", "Organization") and lower in place_names:
            covered.update(range(ent.start, ent.end))
            continue  # "Bethnal Green" where the article says "the constituency of Bethnal Green"
        if kind == "Person":
            # What is dropped here is no one's name: the "Mr X" rule below must not take it up.
            covered.update(range(ent.start, ent.end))
            span = nonactors.without_nickname(span, full_names)
            text, lower = span.text, span.text.lower()
            if (
                nonactors.only_titles(span, surnames)
                or nonactors.indefinite(span)
                or nonactors.credit(span)
            ):
                continue  # "President" alone, "a former Miss Universe", "(Reuters: J. Ernst)"
            if lower not in surnames and nonactors.names_a_people(span, peoples):
                kind = "Group"  # "Africans", "Roma": a people, not a person
        gender = None
        tokens: tuple[str, ...] = _words(span)
        country = None
        if kind == "Person":
            tokens, gender, _ = _name_tokens(span)
            gender = gender or ({"m": "m", "f": "f"}.get(_honorific_before(doc, span.start) or ""))
            if gender is None and len(tokens) >= 2:
                # "Megyn Kelly": a first name the training corpus calls 'she'.
                gender = attribution.shipped().first_names.get(tokens[0].lower())
            if not tokens:
                continue
        elif kind == "Country":
            country = countries.get(lower)
            if country is None and lower in places.capitals and _acts(span) and not _of(span):
                country = places.capitals[lower]  # "Beijing said", "talks with Moscow"
            if country is None:
                continue  # a city or region named as a place, not a party
        elif kind == "Group":
            head = span.root.head if span.root.dep_ in ("amod", "compound") else None
            if head is not None and span.root.pos_ in ("ADJ", "PROPN", "NOUN"):
                demonym_country = places.demonyms.get(lower)
                if any(child.dep_ == "appos" for child in head.children):
                    continue  # "the Russian newspaper, Moskovsky Komsomolets": the name acts
                if head.lemma_.lower() in GOVERNMENT_HEADS and demonym_country:
                    kind, country = "Country", demonym_country
                    span = doc[span.start : head.i + 1]
                elif head.lemma_.lower() in INSTITUTION_HEADS or head.lower_ in INSTITUTION_HEADS:
                    kind = "Organization"
                    span = doc[span.start : head.i + 1]
                    found.append(_institution(span, span.text.split()[0], None))
                    covered.update(range(span.start, span.end))
                    continue
                else:
                    continue  # "Chinese counterpart", "Russian oil": an adjective, not an actor
                text = span.text
                tokens = _words(span)
            elif lower in places.demonyms and span.root.tag_ not in ("NNS", "NNPS"):
                continue
        elif kind == "Organization" and _in_title(span):
            continue  # "Secretary of State", "Minister of Health": part of a person's title
        elif kind == "Organization":
            owner = next(
                (c for c in span.root.children if c.dep_ == "poss" and c.ent_type_ == "GPE"), None
            )
            if lower in countries:
                kind, country = "Country", countries[lower]
            elif (
                owner is not None
                and span.root.lemma_.lower() in INSTITUTION_HEADS
                and (places.demonym_of.get(countries.get(owner.text.lower(), "")))
            ):
                # "Russia's defence ministry": the Russian Defence Ministry.
                country = countries[owner.text.lower()]
                institution = _institution(
                    doc[owner.i : span.end], places.demonym_of[country], country
                )
                found.append(institution)
                covered.update(range(owner.i, span.end))
                continue
            elif span.root.lower_ in ROLE_WORDS or doc[span.end - 1].lower_ in ROLE_WORDS:
                # "Labour MP": the party is the organization, the MP a role. The role may end
                # a longer span whose root is another word ("pro-war Labour MP").
                role = span.root if span.root.lower_ in ROLE_WORDS else doc[span.end - 1]
                start = role.i
                while start > span.start and doc[start - 1].pos_ == "PROPN":
                    start -= 1
                if start == role.i:
                    continue
                span = doc[start : role.i]
                text, lower = span.text, span.text.lower()
                tokens = _words(span)
            elif (span.root.dep_ == "pobj" and span.root.head.lower_ in LOCATIVE) or (
                span.root.dep_ == "compound" and span.root.head.lemma_.lower() in PLACE_NOUNS
            ):
                continue  # "in Tower Hamlets", "an MEP": a place or a role, not an organization
        found.append(
            Mention(
                span.start_char,
                span.end_char,
                span.text if kind != "Person" else text,
                kind,
                tokens,
                span.start,
                span.end,
                gender,
                country,
            )
        )
        covered.update(range(span.start, span.end))
    found.extend(_possessive_institutions(doc, covered, countries))
    found.extend(_groups(doc, covered))
    for span in nonactors.demonym_plurals(doc, places.demonyms):
        if span.start not in covered:
            found.append(_plain(span, "Group"))
            covered.add(span.start)
    for index in sorted(set(listed) - covered):
        found.append(_plain(doc[index : index + 1], "Person"))
        covered.add(index)
    for mention in found:
        if mention.type == "Person" and mention.start_token in listed:
            mention.gender = mention.gender or nonactors.TITLE_GENDERS.get(
                listed[mention.start_token]
            )
    # Honorific + capitalised word the entity recogniser missed: "Mr Xi", "Ms King".
    for token in docindex.having(doc, LOWER, HONORIFICS):
        if token.i + 1 == len(doc):
            continue
        following = doc[token.i + 1]
        if following.text[:1].isupper() and following.i not in covered:
            end = following.i + 1
            while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                end += 1
            span = _clean(doc[following.i : end])
            if span is None or nonactors.only_titles(span, surnames):
                continue  # "Mr. President", "a Mr Smith"
            gender = "f" if token.lower_ in FEMALE else "m" if token.lower_ in MALE else None
            words = _words(span)
            found.append(
                Mention(
                    span.start_char,
                    span.end_char,
                    span.text,
                    "Person",
                    words,
                    span.start,
                    span.end,
                    gender,
                )
            )
            covered.update(range(span.start, span.end))
    found.sort(key=lambda mention: mention.begin)
    return found


def _plain(span: SpacySpan, kind: str) -> Mention:
    """A mention named by its own words."""
    return Mention(
        span.start_char, span.end_char, span.text, kind, _words(span), span.start, span.end
    )


def _institution(span: SpacySpan, qualifier: str, country: str | None) -> Mention:
    """An institution named by a country or nationality and a common noun: "China's foreign
    ministry" and "the Chinese foreign ministry" are both the Chinese Foreign Ministry."""
    words = [qualifier] + [
        t.text if t.text[:1].isupper() else t.text.capitalize()
        for t in span
        if t.i > span.start and t.dep_ not in ("case", "det") and t.text not in ("'s", "’s")
    ]
    if country is not None:
        words = (
            words[:1] + words[2:]
            if len(words) > 1 and words[1].lower() == country.lower()
            else words
        )
    return Mention(
        span.start_char,
        span.end_char,
        span.text,
        "Organization",
        tuple(words),
        span.start,
        span.end,
    )


def _possessive_institutions(
    doc: Doc, covered: set[int], countries: dict[str, str]
) -> list[Mention]:
    """Institutions NER misses: "China's foreign ministry", "the Biden administration"."""
    places = gazetteer.load()
    found = []
    for token in docindex.having(doc, LEMMA, INSTITUTION_HEADS | {"administration"}):
        lemma = token.lemma_.lower()
        if token.i in covered or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if lemma == "administration":
            for child in token.children:
                if child.dep_ in ("compound", "poss") and child.ent_type_ == "PERSON":
                    span = doc[child.i : token.i + 1]
                    found.append(
                        Mention(
                            span.start_char,
                            span.end_char,
                            span.text,
                            "Organization",
                            (child.text, "administration"),
                            span.start,
                            span.end,
                        )
                    )
                    covered.update(range(span.start, span.end))
            continue
        if lemma not in INSTITUTION_HEADS or lemma in (
            "officials",
            "diplomats",
            "forces",
            "troops",
        ):
            continue
        for child in token.children:
            if child.dep_ != "poss" or child.ent_type_ != "GPE":
                continue
            country = countries.get(child.text.lower())
            demonym = places.demonym_of.get(country or "")
            if demonym is None:
                continue
            span = doc[child.i : token.i + 1]
            found.append(_institution(span, demonym, country))
            covered.update(range(span.start, span.end))
    return found


GROUP_NOUNS = {
    "civilians",
    "activists",
    "advocates",
    "minorities",
    "protesters",
    "demonstrators",
    "refugees",
    "migrants",
    "workers",
    "voters",
    "residents",
    "students",
    "allies",
    "population",
    "constituents",
    "citizens",
    "rebels",
    "militants",
    "soldiers",
    "journalists",
    "dissidents",
    "opponents",
    "supporters",
    "campaigners",
    "immigrants",
    "farmers",
    "settlers",
}
GROUP_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos"}


def _groups(doc: Doc, covered: set[int]) -> list[Mention]:
    """Collective actors that act or are acted upon: "ethnic minorities", "anti-war activists"."""
    found = []
    for token in docindex.having(doc, LOWER, GROUP_NOUNS):
        if token.i in covered or token.dep_ not in GROUP_ROLES:
            continue
        start = token.i
        while (
            start > 0
            and doc[start - 1].dep_ in ("amod", "compound", "punct", "npadvmod")
            and (
                doc[start - 1].head.i in range(start, token.i + 1) or doc[start - 1].text in ("-",)
            )
            and doc[start - 1].ent_type_ != "CARDINAL"
            # "Biden supporters" are not a group named after a person; an adjective the
            # recogniser took for a name ("Bangladeshi population") belongs to the group.
            and (doc[start - 1].ent_type_ != "PERSON" or doc[start - 1].dep_ == "amod")
        ):
            start -= 1
        while start < token.i and not doc[start].text[0].isalnum():
            start += 1
        span = doc[start : token.i + 1]
        found.append(
            Mention(
                span.start_char,
                span.end_char,
                span.text,
                "Group",
                _words(span),
                span.start,
                span.end,
            )
        )
        covered.update(range(span.start, span.end))
    return found
