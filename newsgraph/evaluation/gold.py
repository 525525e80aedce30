"""Gold annotations: what a careful analyst expects the graph to hold for one article.

The file format is described in docs/GOLD_FORMAT.md. This module reads and checks gold files
and says what a gold item accepts: which names denote an actor (`normalize_name`), which
statement texts hold a gold text's start (`holds_start`), which words a trigger is made of
(`content_words`), which CAMEO roots fit an event type and which type our event kinds
fall under (`gold_type`). newsgraph.evaluation.scores does the
one-to-one matching and the scoring.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.errors import InputError

ACTOR_TYPES = ("Person", "Organization", "Country", "Group")
EVENT_TYPES = (
    "Meeting", "Communication", "Attack", "Sanction", "Aid", "Agreement", "Accusation",
    "Demand", "Threat", "Election", "Legislation", "Protest", "Other",
)  # fmt: skip

# CAMEO root codes that fit each gold event type. Types with no CAMEO counterpart can only be
# matched by their trigger words.
CAMEO_ROOTS: dict[str, frozenset[str]] = {
    "Meeting": frozenset({"04"}),
    "Communication": frozenset({"04", "01"}),
    "Attack": frozenset({"18", "19", "20"}),
    "Sanction": frozenset({"16", "17"}),
    "Aid": frozenset({"07", "06"}),
    "Agreement": frozenset({"05"}),
    "Accusation": frozenset({"11"}),
    "Demand": frozenset({"10"}),
    "Threat": frozenset({"13"}),
    "Election": frozenset(),
    "Legislation": frozenset(),
    "Protest": frozenset({"14"}),
    "Other": frozenset(),
}
# The gold type our event kinds (ontology/eventkinds.ttl) fall under, for the figures per
# type; kinds the gold format has no type for are "Other". GOLD_FORMAT.md names votes beside
# elections among the events to track.
KIND_TYPES: dict[str, str] = {
    **{kind: kind for kind in EVENT_TYPES if kind != "Other"},
    "Speech": "Communication",
    "Coercion": "Sanction",
    "Vote": "Election",
}
# CAMEO files ceasefires under Yield (08, "declare truce, ceasefire"), not Agreement (05).
_CEASEFIRE_WORDS = frozenset({"ceasefire", "ceasefires", "cease", "truce", "truces", "armistice"})

# Titles, honorifics and roles that may stand before a name ("President Joe Biden",
# "Foreign Ministry spokesman Hua Chunying"). Everything up to the last of them is dropped,
# so that a role phrase and the bare name compare equal.
TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lady lord madam madame rev reverend
    president vice premier chancellor minister secretary ambassador envoy governor mayor
    senator sen congressman congresswoman congressperson rep representative mp mep deputy
    spokesman spokeswoman spokesperson chairman chairwoman chairperson chair ceo director
    leader head chief judge justice attorney general gen colonel col lieutenant lt major
    captain capt admiral commander sergeant sgt king queen prince princess emperor pope
    cardinal archbishop bishop imam rabbi sheikh emir sultan ayatollah
    """.split()
)
# A title followed by one of these is part of a longer role ("Secretary of State"), not a
# title before a name.
_ROLE_CONTINUATIONS = frozenset({"of", "for", "to", "and", "in", "at", "on", "general"})
_LEADING_ARTICLES = frozenset({"the", "a", "an"})

# How many opening words of a statement text must agree (see `holds_start`).
HEAD_WORDS = 5
# A system text may start this many words into the gold text and still hold its start.
START_WINDOW = 5
# The fewest words that count as agreement when a system text starts inside the gold text.
MIN_SHARED_WORDS = 3

STOP_WORDS = frozenset(
    """
    a an the and or but nor of in on at to for from by with without about against between
    into through during before after above below up down out off over under again then once
    here there when where why how all any both each few more most other some such no not only
    own same so than too very can will just should now is are was were be been being have has
    had having do does did doing would could might must shall may also as if while because
    until i me my we our us you your he him his she her it its they them their what which who
    whom this that these those
    """.split()
)

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
     "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"'}
)  # fmt: skip
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")


# ---------------------------------------------------------------- comparing surface forms


def normalize_quotes(text: str) -> str:
    """Curly and typographic quote marks as plain ' and "."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def name_tokens(text: str) -> list[str]:
    """Lower-case words of a name: accents, possessive 's, dots and apostrophes removed.

    Dots and apostrophes join ("U.S." -> "us", "O'Neill" -> "oneill"); every other
    punctuation mark separates words ("pro-democracy" -> "pro democracy").
    """
    text = unicodedata.normalize("NFKD", normalize_quotes(text))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"[.']", "", text)
    return re.sub(r"[^\w]+|_", " ", text).split()


def normalize_name(text: str) -> str:
    """The form under which two names of one actor compare equal.

    Ignores case, accents, punctuation (U.S. = US), possessive 's, a leading article
    ("the Kremlin" = "Kremlin"), and titles or roles before a name: everything up to the last
    title word that is followed by more words is dropped ("US President Joe Biden" and
    "Mr Biden" become "joe biden" and "biden"). A name that is only a title stays as it is.
    """
    tokens = name_tokens(text)
    while len(tokens) > 1 and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    cut = 0
    for index, token in enumerate(tokens[:-1]):
        if token in TITLES and tokens[index + 1] not in _ROLE_CONTINUATIONS:
            cut = index + 1
    return " ".join(tokens[cut:])


def statement_words(text: str) -> list[str]:
    """Lower-case words of a text, quote marks unified and punctuation dropped."""
    return re.findall(r"\w+(?:'\w+)*", normalize_quotes(text).casefold())


def holds_start(gold_text: str, system_text: str) -> bool:
    """Whether a system statement's text holds the start of a gold statement's text.

    Both texts are compared as word sequences (statement_words: case, quote style, whitespace
    and punctuation ignored). With g the gold words and s the system words, it holds when
    either
    - the first min(HEAD_WORDS, len(g)) words of g appear consecutively anywhere in s
      (the system text may begin earlier, with "that" or a cue, and run on longer); or
    - s begins up to START_WINDOW words into g and its first m words are the words of g
      there, with m = min(HEAD_WORDS, len(s), words of g left) and m >= MIN_SHARED_WORDS
      (the system dropped an opening "[But]" or kept only the quoted part).
    A text that starts later in the gold text, or shares only a word or two, does not hold it:
    the second half of a quote split in two is a false positive.
    """
    g, s = statement_words(gold_text), statement_words(system_text)
    if not g or not s:
        return False
    head = g[:HEAD_WORDS]
    if any(s[i : i + len(head)] == head for i in range(len(s) - len(head) + 1)):
        return True
    for start in range(1, min(START_WINDOW, len(g) - 1) + 1):
        shared = min(HEAD_WORDS, len(s), len(g) - start)
        if shared >= MIN_SHARED_WORDS and s[:shared] == g[start : start + shared]:
            return True
    return False


def stem(word: str) -> str:
    """A crude lemma: plural s, -ed, -ing and a final e cut ("attacked", "attacks" -> "attack")."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"  # cities -> city, allied -> ally
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "is", "us")):
                break
            word = word[: -len(suffix)]
            if suffix != "s" and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopped -> stop
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def gold_type(kind: str | None) -> str:
    """The gold event type a system event of this kind counts under."""
    return KIND_TYPES.get(kind or "", "Other")


def content_words(text: str) -> set[str]:
    """Stemmed words of a phrase, stop words left out."""
    return {stem(word) for word in name_tokens(text) if word not in STOP_WORDS}


def qid(wikidata: str) -> str:
    """The QID of a Wikidata entity IRI (or of a QID)."""
    return wikidata.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------- gold items


@dataclass(frozen=True)
class GoldActor:
    name: str
    type: str = "Person"
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        """The normalized forms of the name and every alias."""
        return frozenset(normalize_name(name) for name in (self.name, *self.aliases)) - {""}

    def matches(self, name: str | None, wikidata: str | None = None) -> bool:
        """Whether a system name or a Wikidata entity (IRI or QID) denotes this actor."""
        if wikidata and self.wikidata and qid(wikidata) == self.wikidata:
            return True
        if not name:
            return False
        return normalize_name(name) in self.names


@dataclass(frozen=True)
class GoldStatement:
    speaker: GoldActor
    text: str
    cue: str = ""
    direct: bool = False
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldEvent:
    type: str
    trigger: str
    participants: tuple[GoldActor, ...]
    time: str | None = None
    place: str | None = None

    @property
    def cameo_roots(self) -> frozenset[str]:
        """The CAMEO root codes (two digits) an event of this type may carry."""
        roots = CAMEO_ROOTS[self.type]
        if self.type == "Agreement" and _CEASEFIRE_WORDS & set(name_tokens(self.trigger)):
            roots |= {"08"}
        return roots


@dataclass(frozen=True)
class GoldArticle:
    path: Path
    article: str
    published: dt.date | None
    actors: tuple[GoldActor, ...]
    statements: tuple[GoldStatement, ...]
    events: tuple[GoldEvent, ...]
    source: str = ""


# ---------------------------------------------------------------- reading gold files


def read_gold(path: Path) -> GoldArticle:
    """One gold file; raises InputError naming the file and the bad field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"not a readable JSON file ({error})") from error
    return parse_gold(data, path)


def read_gold_folder(folder: Path) -> list[GoldArticle]:
    """Every *.json gold file in a folder, by file name; raises InputError when there is none."""
    paths = sorted(Path(folder).glob("*.json"))
    if not paths:
        raise InputError(str(folder), "no gold files (*.json) in this folder")
    golds = [read_gold(path) for path in paths]
    seen: dict[str, Path] = {}
    for gold in golds:
        if gold.article in seen:
            raise InputError(
                str(gold.path),
                f"article {gold.article!r} is also annotated in {seen[gold.article]}",
            )
        seen[gold.article] = gold.path
    return golds


def parse_gold(data: Any, path: Path) -> GoldArticle:
    """A gold article from the decoded JSON of its file; raises InputError on a bad field."""
    where = str(path)
    if not isinstance(data, dict):
        raise InputError(where, "the top level must be a JSON object")
    article = data.get("article") or path.with_suffix(".txt").name
    if not isinstance(article, str):
        raise InputError(where, f"'article' must be a file name, not {article!r}")
    published = _date(data.get("published"), where)
    actors = tuple(
        _actor(item, f"{where}: actors[{i}]") for i, item in enumerate(_list(data, "actors", where))
    )
    by_name = {actor.name: actor for actor in actors}

    def resolve(name: Any, field: str) -> GoldActor:
        if name not in by_name:
            raise InputError(
                where, f"{field} {name!r} is not the name of an actor; actors: {', '.join(by_name)}"
            )
        return by_name[name]

    statements = []
    for i, item in enumerate(_list(data, "statements", where)):
        field = f"statements[{i}]"
        text = _string(item, "text", f"{where}: {field}")
        statements.append(
            GoldStatement(
                speaker=resolve(item.get("speaker"), f"{field}.speaker"),
                text=text,
                cue=str(item.get("cue") or ""),
                direct=bool(item.get("direct", False)),
                about=tuple(str(name) for name in item.get("about") or ()),
            )
        )
    events = []
    for i, item in enumerate(_list(data, "events", where)):
        field = f"events[{i}]"
        kind = item.get("type")
        if kind not in EVENT_TYPES:
            raise InputError(where, f"{field}.type {kind!r} is not one of {', '.join(EVENT_TYPES)}")
        events.append(
            GoldEvent(
                type=kind,
                trigger=_string(item, "trigger", f"{where}: {field}"),
                participants=tuple(
                    resolve(name, f"{field}.participants")
                    for name in item.get("participants") or ()
                ),
                time=item.get("time"),
                place=item.get("place"),
            )
        )
    return GoldArticle(
        path=path,
        article=article,
        published=published,
        actors=actors,
        statements=tuple(statements),
        events=tuple(events),
        source=str(data.get("source") or ""),
    )


def _list(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError(where, f"{key!r} must be a list of objects")
    return items


def _string(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, f"{key!r} must be a non-empty string, not {value!r}")
    return value


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(where, f"'published' {value!r} is not YYYY-MM-DD or null") from None


def _actor(item: dict[str, Any], where: str) -> GoldActor:
    kind = item.get("type")
    if kind not in ACTOR_TYPES:
        raise InputError(where, f"type {kind!r} is not one of {', '.join(ACTOR_TYPES)}")
    wikidata = item.get("wikidata")
    if wikidata is not None and not (isinstance(wikidata, str) and re.fullmatch(r"Q\d+", wikidata)):
        raise InputError(where, f"wikidata {wikidata!r} is not a QID such as 'Q30', nor null")
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list):
        raise InputError(where, f"aliases must be a list of strings, not {aliases!r}")
    return GoldActor(
        name=_string(item, "name", where),
        type=kind,
        wikidata=wikidata,
        aliases=tuple(str(alias) for alias in aliases),
    )
