"""The local Wikidata index: the seed gazetteer's entities, keyed by normalized name.

The shipped `wikidata-index.tsv` is the seed file itself (qid, label, type, aliases, evidence),
so every identifier the linker can produce offline is one the seed's evidence backs.
Names are compared after `parse_name`: case-folded, accents stripped, possessive 's dropped,
dots removed ("U.S." -> "us") and, for people, titles and honorifics split off.
"""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

INDEX_FILE = "wikidata-index.tsv"
COLUMNS = ("qid", "label", "type", "aliases", "evidence")
INDEX_TYPES = ("Person", "Organization", "Country")

# Forms of address: they tell that a name is a name, never which of two people it is.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame lord lady baron baroness".split()
)
# Offices and titles that may stand before a person's name, normalized; longest first wins.
OFFICES = frozenset(
    {
        "president", "vice president", "president elect", "prime minister", "pm",
        "deputy prime minister", "first minister", "chief minister", "foreign minister",
        "foreign secretary", "home secretary", "defence secretary", "defense secretary",
        "chancellor", "premier", "secretary", "secretary of state", "secretary general",
        "general secretary", "attorney general", "minister", "king", "queen", "prince",
        "princess", "crown prince", "pope", "ayatollah", "supreme leader", "general", "gen",
        "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "judge", "justice",
        "spokesman", "spokeswoman", "spokesperson", "press secretary", "mp", "mep", "leader",
        "chairman", "chairwoman", "ambassador", "envoy", "commissioner", "emir", "rev", "reverend",
    }
)  # fmt: skip
TITLES = HONORIFICS | OFFICES
_LONGEST_TITLE = max(len(title.split()) for title in TITLES)
# Name endings that are not a name by themselves: a title followed only by these is a name part.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Entry:
    qid: str
    label: str
    type: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Name:
    """A name as compared: `key` without titles, `title` the titles that stood before it."""

    key: str
    title: str = ""  # e.g. "prime minister", "mr"; "" when none
    acronym: bool = False  # written as a short all-capitals acronym ("US", "WHO")

    @property
    def tokens(self) -> list[str]:
        return self.key.split()

    @property
    def office(self) -> str:
        """The title when it is an office rather than a mere form of address."""
        return "" if self.title in HONORIFICS or not self.title else self.title


@dataclass(frozen=True)
class Surface:
    """One way an index entry is written: its label or one of its aliases, parsed."""

    qid: str
    name: Name
    kind: str  # "label" or "alias"


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_words(text: str) -> list[str]:
    """Folded words: dots deleted ("u.s." -> "us"), possessive 's dropped, other marks split."""
    text = _fold(text).replace(".", "").replace("&", " and ")
    text = re.sub(r"(\w)'s\b", r"\1", text)
    text = text.replace("'", "")
    return re.findall(r"\w+", text)


def _is_acronym(text: str) -> bool:
    bare = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE).replace(".", "")
    return bare.isalpha() and bare.isupper() and len(bare) <= 3


def _title_at(tokens: list[str], start: int) -> int:
    """Length of the longest title starting at `start`, 0 if none."""
    for size in range(min(_LONGEST_TITLE, len(tokens) - start), 0, -1):
        if " ".join(tokens[start : start + size]) in TITLES:
            return size
    return 0


def parse_name(text: str, actor_type: str) -> Name:
    """The comparable form of a name; for a person, the titles before the name split off.

    "US President Joe Biden" -> key "joe biden", title "president"; "China's Xi Jinping" ->
    "xi jinping"; "the U.S." (a country) -> "us". Titles are split only where a name follows
    them, so "Oona King" keeps "king".
    """
    tokens = name_words(text)
    raw = text.replace("’", "'").split()
    if actor_type != "Person":
        if tokens and tokens[0] == "the" and len(tokens) > 1:
            tokens = tokens[1:]
        return Name(" ".join(tokens), "", _is_acronym(text))
    # "China's Xi Jinping", "Amnesty International's Jan Shaw": the owner is not the name.
    owners = [i for i, word in enumerate(raw[:-1]) if re.search(r"\w's$|s'$", word)]
    if owners:
        tokens = name_words(" ".join(raw[owners[-1] + 1 :]))
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    titles: list[str] = []
    for start in range(len(tokens)):
        size = _title_at(tokens, start)
        rest = tokens[start + size :]
        if size and any(word not in _SUFFIXES for word in rest):
            titles.append(" ".join(tokens[start : start + size]))
            tokens = rest
            break
    while (size := _title_at(tokens, 0)) and any(w not in _SUFFIXES for w in tokens[size:]):
        titles.append(" ".join(tokens[:size]))
        tokens = tokens[size:]
    # The office, when there is one, is the title that tells people apart ("Mr Justice" -> justice).
    offices = [title for title in titles if title not in HONORIFICS]
    title = offices[-1] if offices else (titles[-1] if titles else "")
    return Name(" ".join(tokens), title, _is_acronym(text))


class Index:
    """Entries by QID, and their surfaces by (type, key) for lookup."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: dict[str, Entry] = {}
        self.surfaces: dict[tuple[str, str], list[Surface]] = defaultdict(list)
        # Person name words (first and last of each label) -> QIDs: who a lone word may mean.
        self.person_words: dict[str, set[str]] = defaultdict(set)
        self._keys: dict[str, frozenset[str]] = {}
        for entry in entries:
            self.entries[entry.qid] = entry
            forms = [(entry.label, "label")] + [(alias, "alias") for alias in entry.aliases]
            keys: set[str] = set()
            for text, kind in forms:
                name = parse_name(text, entry.type)
                if name.key:
                    self.surfaces[(entry.type, name.key)].append(Surface(entry.qid, name, kind))
                    keys.add(name.key)
                    if name.title:
                        keys.add(f"{name.title} {name.key}")
            self._keys[entry.qid] = frozenset(keys)
            if entry.type == "Person":
                words = [w for w in parse_name(entry.label, "Person").tokens if w not in _SUFFIXES]
                for word in {words[0], words[-1]} if words else ():
                    self.person_words[word].add(entry.qid)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, qid: object) -> bool:
        return qid in self.entries

    def lookup(self, actor_type: str, name: Name) -> list[Surface]:
        """Surfaces written like `name`; an acronym only matches a name in capitals ("US")."""
        found = self.surfaces.get((actor_type, name.key), [])
        return [s for s in found if name.acronym or not s.name.acronym]

    def keys_of(self, qid: str) -> frozenset[str]:
        """Every key of an entry's label and aliases, with and without their titles."""
        return self._keys[qid]


def read_entries(text: str, source: str = INDEX_FILE) -> list[Entry]:
    """Parse index rows; raises ValueError naming the row when one is malformed."""
    lines = text.splitlines()
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{source}: header {reader.fieldnames} is not {list(COLUMNS)}")
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        qid, kind = row["qid"], row["type"]
        if not _QID.match(qid or ""):
            raise ValueError(f"{source}:{number}: {qid!r} is not a Wikidata QID like 'Q42'")
        if kind not in INDEX_TYPES:
            raise ValueError(f"{source}:{number}: type {kind!r} is not one of {list(INDEX_TYPES)}")
        if qid in seen:
            raise ValueError(f"{source}:{number}: {qid} appears twice")
        seen.add(qid)
        aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
        entries.append(Entry(qid, row["label"].strip(), kind, aliases))
    return entries


@cache
def load_index() -> Index:
    """The index shipped with the package (newsgraph.ingest/wikidata-index.tsv)."""
    text = resources.files(__package__).joinpath(INDEX_FILE).read_text(encoding="utf-8")
    return Index(read_entries(text))


def build_index(seed: Path, destination: Path) -> int:
    """Check a seed gazetteer and copy it, unchanged, to `destination`; returns its row count.

    The copy is byte for byte, so the shipped index holds no identifier the seed does not.
    Raises ValueError when a row is malformed.
    """
    entries = read_entries(seed.read_text(encoding="utf-8"), str(seed))
    shutil.copyfile(seed, destination)
    return len(entries)
