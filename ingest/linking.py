"""Wikidata links for actors: from the local index, then a cache of live answers, then live.

A wrong link is worse than none: a name links only when one candidate of the actor's type
stands out, and a lone surname shared by two known people links only when the article's
other names or the titles near the mentions point to one of them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from http.client import HTTPException
from pathlib import Path
from typing import Any

from pyoxigraph import Literal
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from newsgraph import __version__
from newsgraph.ingest.wikidata_index import (
    HONORIFICS,
    OFFICES,
    Index,
    Name,
    load_index,
    name_words,
    parse_name,
)
from newsgraph.ontology import ACTOR_TYPES, WD

logger = logging.getLogger(__name__)

USER_AGENT = (
    f"newsgraph/{__version__} (+https://example.org/newsgraph; contact: newsgraph@example.org)"
)
CACHE_FORMAT = "newsgraph-wikidata-cache/1"
# When the shipped index was built from the verified seed list; an index link is as of then.
INDEX_DATE = "2026-11-25T00:00:00+00:00"
BATCH_SIZE = 25  # names per VALUES block
RETRY_CODES = (429, 502, 503, 504)  # besides 500, which SPARQLWrapper raises as its own error
LINKABLE = ("Person", "Organization", "Country")  # a Group is not an entity Wikidata names
_STOPWORDS = frozenset("a an and the of in on for to at by with from".split()) | HONORIFICS
_TYPE_PATTERNS = {
    "Person": "?item wdt:P31 wd:Q5 .",
    "Country": "VALUES ?class { wd:Q6256 wd:Q3624078 } ?item wdt:P31/wdt:P279* ?class .",
    "Organization": (
        "?item wdt:P31 ?class . FILTER NOT EXISTS { ?item wdt:P31 wd:Q5 } FILTER NOT EXISTS "
        "{ VALUES ?country { wd:Q6256 wd:Q3624078 } ?item wdt:P31/wdt:P279* ?country }"
    ),
}
_QUERY = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?text ?item ?label ?description ?matched WHERE {
  VALUES ?text { %(texts)s }
  { ?item rdfs:label ?text . BIND("label" AS ?matched) }
  UNION { ?item skos:altLabel ?text . BIND("alias" AS ?matched) }
  %(type)s
  FILTER NOT EXISTS { ?item wdt:P31 wd:Q4167410 }
  ?item rdfs:label ?label . FILTER(LANG(?label) = "en")
  OPTIONAL { ?item schema:description ?description . FILTER(LANG(?description) = "en") }
}"""


@dataclass(frozen=True)
class Link:
    qid: str  # "Q6279"
    label: str  # the Wikidata label from the index, cache or live answer
    score: float  # 0..1
    method: str  # "index" | "cache" | "live"
    at: str = field(
        default="", compare=False
    )  # when: the index's date, or when the cached or live answer was fetched


@dataclass(frozen=True)
class LinkRequest:
    name: str
    actor_type: str
    aliases: Sequence[str] = ()
    context: Sequence[str] = ()


@lru_cache(maxsize=65536)
def _read_evidence(text: str) -> tuple[str, str | None, tuple[str, ...], frozenset[str]]:
    """What one name says, parsed once: every actor of an article is context for the others."""
    name = parse_name(text, "Person")
    bare = " ".join(name_words(text))
    offices = tuple(o for o in (bare if bare in OFFICES else None, name.office) if o)
    titled = f"{name.title} {name.key}" if name.title else None
    words = frozenset(w for w in name_words(text) if w not in _STOPWORDS)
    return name.key, titled, offices, words


class _Evidence:
    """What an article's other names and the titles near the mentions say about a name."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.keys: set[str] = set()  # names without titles: "boris johnson"
        self.titled: set[str] = set()  # names with their titles: "prime minister johnson"
        self.offices: set[str] = set()  # "prime minister"
        self.words: list[set[str]] = []  # content words of each text, for live descriptions
        for text in texts:
            key, titled, offices, words = _read_evidence(text)
            self.keys.add(key)
            self.offices.update(offices)
            if titled:
                self.titled.add(titled)
            if words:
                self.words.append(set(words))

    def supports(self, index: Index, qid: str, key: str) -> bool:
        """An other name is one of the entry's full names, or a title near it is the entry's."""
        keys = index.keys_of(qid)
        full = {k for k in keys if len(k.split()) >= 2}
        names = self.keys | self.titled
        return bool(full & names) or any(f"{office} {key}" in keys for office in self.offices)

    def contradicts(self, index: Index, qid: str, word: str) -> bool:
        """Another full name ends in the same word with another first name ("Hunter Biden")."""
        keys = index.keys_of(qid)
        firsts = {k.split()[0] for k in keys if len(k.split()) >= 2}
        return any(
            len(k.split()) >= 2 and k.split()[-1] == word and k.split()[0] not in firsts
            for k in self.keys
        )


class LiveError(Exception):
    """A live Wikidata query that failed after its retries."""


class AnswerCache:
    """Earlier live answers, one per (type, text), "no candidates" included, in a JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.answers: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") != CACHE_FORMAT:
                    raise ValueError(f"format {data.get('format')!r} is not {CACHE_FORMAT!r}")
                self.answers = data["answers"]
            except (ValueError, KeyError, AttributeError) as error:
                logger.warning("Wikidata cache %s is unreadable (%s); starting empty", path, error)

    @staticmethod
    def key(actor_type: str, text: str) -> str:
        return f"{actor_type}|{text}"

    def get(self, actor_type: str, text: str) -> list[dict[str, Any]] | None:
        answer = self.answers.get(self.key(actor_type, text))
        return None if answer is None else answer["candidates"]

    def fetched(self, actor_type: str, texts: Sequence[str]) -> str:
        """The latest time any of these texts was fetched, or '' when none is cached."""
        times = [
            self.answers[k]["fetched"]
            for t in texts
            if (k := self.key(actor_type, t)) in self.answers
        ]
        return max(times, default="")

    def put(
        self, actor_type: str, text: str, candidates: list[dict[str, Any]], endpoint: str
    ) -> None:
        fetched = datetime.now(UTC).isoformat(timespec="seconds")
        self.answers[self.key(actor_type, text)] = {
            "candidates": candidates, "endpoint": endpoint, "fetched": fetched,
        }  # fmt: skip
        self.dirty = True

    def save(self) -> None:
        """Write atomically, so an interrupted run never leaves half a file."""
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": CACHE_FORMAT, "answers": self.answers}
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        self.dirty = False


def live_query(actor_type: str, texts: Sequence[str]) -> str:
    """The SPARQL query for exact English labels and aliases of one type.

    The names are serialized as RDF literals (escaped by pyoxigraph), never pasted as text.
    """
    values = " ".join(str(Literal(text, language="en")) for text in texts)
    return _QUERY % {"texts": values, "type": _TYPE_PATTERNS[actor_type]}


class _Live:
    def __init__(self, endpoint: str, timeout: float, retries: int, backoff: float) -> None:
        self.endpoint, self.timeout = endpoint, timeout
        self.retries, self.backoff = retries, backoff

    def fetch(self, actor_type: str, texts: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Candidates for each text; raises LiveError saying why after the last retry."""
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setQuery(live_query(actor_type, texts))
        # setTimeout() would round it to whole seconds; urlopen takes a float all the same.
        wrapper.timeout = self.timeout  # type: ignore[assignment]
        for attempt in range(self.retries + 1):
            try:
                return self._answers(wrapper.query().convert(), texts)
            except (EndPointInternalError, OSError, HTTPException) as error:
                # 500, 429, 502-504, timeouts and refused connections may pass: try again.
                reason, retry_after = _reason(error), _retry_after(error)
                if isinstance(error, urllib.error.HTTPError) and error.code not in RETRY_CODES:
                    raise LiveError(reason) from error
            except (SPARQLWrapperException, ValueError, KeyError, TypeError) as error:
                raise LiveError(f"unusable answer: {_reason(error)}") from error
            if attempt < self.retries:
                time.sleep(retry_after if retry_after is not None else self.backoff * 2**attempt)
        raise LiveError(f"{reason}, after {self.retries + 1} attempts")

    @staticmethod
    def _answers(results: object, texts: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        if not isinstance(results, dict) or "results" not in results:
            raise ValueError("the answer is not SPARQL JSON results")
        answers: dict[str, dict[str, dict[str, Any]]] = {text: {} for text in texts}
        for row in results["results"]["bindings"]:
            text, item = row["text"]["value"], row["item"]["value"]
            qid = item.removeprefix(WD)
            if text not in answers or not re.fullmatch(r"Q[1-9][0-9]*", qid):
                continue
            found = answers[text].setdefault(qid, {
                "qid": qid, "label": row["label"]["value"], "matched": row["matched"]["value"],
                "description": row.get("description", {}).get("value", ""),
            })  # fmt: skip
            if row["matched"]["value"] == "label":
                found["matched"] = "label"
        return {text: sorted(found.values(), key=_by_qid) for text, found in answers.items()}


def _by_qid(candidate: dict[str, Any]) -> str:
    qid: str = candidate["qid"]
    return qid


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, EndPointInternalError):
        return "HTTP 500 internal server error"
    if isinstance(error, urllib.error.URLError):
        return f"cannot reach the endpoint ({error.reason})"
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"


def _retry_after(error: BaseException) -> float | None:
    if isinstance(error, urllib.error.HTTPError) and error.headers is not None:
        value = error.headers.get("Retry-After", "")
        if value.strip().isdigit():
            return min(float(value), 60.0)
    return None


def _live_texts(request: LinkRequest) -> list[str]:
    """The exact strings to look up live: the name, without a leading "the", without titles.

    A lone word naming a person is not looked up: too many people share a surname.
    """
    text = " ".join(request.name.split())
    texts = [text, re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)]
    if request.actor_type == "Person":
        name = parse_name(text, "Person")
        if len(name.tokens) < 2:
            return []
        words = text.split()
        for start in range(len(words)):  # the last words, once titles and owners are gone
            tail = re.sub(r"['’]s$", "", " ".join(words[start:]))
            if parse_name(tail, "Person") == Name(name.key):
                texts.append(tail)
                break
    return list(dict.fromkeys(t for t in texts if t))


class Linker:
    """Links actor names to Wikidata QIDs; see the module docstring for the order of sources."""

    def __init__(
        self,
        cache_path: Path | None = None,
        online: bool = False,
        endpoint: str = "https://query.wikidata.org/sparql",
        threshold: float = 0.75,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
        index: Index | None = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold {threshold} must be between 0 and 1")
        if retries < 0 or timeout <= 0:
            raise ValueError(f"retries {retries} must be >= 0 and timeout {timeout} above 0")
        self.index = index if index is not None else load_index()
        self.online = online
        self.endpoint = endpoint
        self.threshold = threshold
        self.cache = AnswerCache(cache_path)
        self.live = _Live(endpoint, timeout, retries, backoff)

    def link(
        self,
        name: str,
        actor_type: str,
        aliases: Sequence[str] = (),
        context: Sequence[str] = (),
    ) -> Link | None:
        """The Wikidata entity `name` stands for, or None when none is known well enough."""
        return self.link_many([LinkRequest(name, actor_type, tuple(aliases), tuple(context))])[0]

    def link_many(self, requests: Sequence[LinkRequest]) -> list[Link | None]:
        """Links for many actors; names the index and cache do not know go live in batches."""
        results: list[Link | None] = [None] * len(requests)
        waiting: dict[int, list[str]] = {}
        for i, request in enumerate(requests):
            if request.actor_type not in ACTOR_TYPES:
                raise ValueError(
                    f"actor type {request.actor_type!r} is not one of {list(ACTOR_TYPES)}"
                )
            if request.actor_type not in LINKABLE or not request.name.strip():
                continue
            link, known = self._from_index(request)
            if known:
                results[i] = self._accept(link)
                continue
            texts = _live_texts(request)
            answers = [self.cache.get(request.actor_type, t) for t in texts]
            if texts and (not self.online or all(a is not None for a in answers)):
                found = [c for answer in answers if answer for c in answer]
                results[i] = self._accept(
                    self._choose(
                        found, request, "cache", self.cache.fetched(request.actor_type, texts)
                    )
                )
            elif texts:
                waiting[i] = texts
        if waiting:
            wanted = {(requests[i].actor_type, t) for i, texts in waiting.items() for t in texts}
            failed = self._fetch(wanted)
            for i, texts in waiting.items():
                request = requests[i]
                if any((request.actor_type, t) in failed for t in texts):
                    continue
                found = [c for t in texts for c in self.cache.get(request.actor_type, t) or ()]
                results[i] = self._accept(
                    self._choose(
                        found, request, "live", self.cache.fetched(request.actor_type, texts)
                    )
                )
        self.cache.save()
        # Types agree: whatever the source, a person is never linked to an entity the index
        # knows as a country or an organization, nor the other way round.
        for i, (request, link) in enumerate(zip(requests, results, strict=True)):
            indexed = self.index.entries.get(link.qid) if link is not None else None
            if indexed is not None and indexed.type != request.actor_type:
                results[i] = None
        return results

    def _accept(self, link: Link | None) -> Link | None:
        return link if link is not None and link.score >= self.threshold else None

    # ------------------------------------------------------------ local index

    def _from_index(self, request: LinkRequest) -> tuple[Link | None, bool]:
        """(link, known): known is True when the index has the name, so the index decides."""
        kind = request.actor_type
        evidence = _Evidence([*request.aliases, *request.context])
        name = parse_name(request.name, kind)
        link, known = self._match(name, kind, evidence)
        if known or not name.key:
            return link, known
        # The name is not in the index; one of the article's other spellings of it may be.
        found: dict[str, Link] = {}
        for alias in request.aliases:
            other = parse_name(alias, kind)
            if not other.key or other.key == name.key:
                continue
            if kind == "Person" and len(other.tokens) < 2:
                continue  # a lone surname cannot vouch for a full name the index lacks
            alias_link, _ = self._match(other, kind, evidence)
            if alias_link is not None and alias_link.score >= self.threshold:
                best = found.get(alias_link.qid)
                if best is None or alias_link.score > best.score:
                    found[alias_link.qid] = alias_link
        if not found and kind == "Person" and len(name.key.split()) == 2:
            variant = self._spelling_variant(name)
            if variant is not None:
                return variant, True
        if len(found) != 1:
            return None, len(found) > 1
        (link,) = found.values()
        if kind == "Person" and len(name.tokens) >= 2:
            words = {w for key in self.index.keys_of(link.qid) for w in key.split()}
            if not words & set(name.tokens):
                return None, True  # "Jeb Bush" is not George W. Bush because he was "Bush" too
        return Link(link.qid, link.label, round(link.score * 0.9, 3), "index", INDEX_DATE), True

    def _spelling_variant(self, name: Name) -> Link | None:
        """ "Volodymyr Zelenskiy": the first name of one entry's full name and a surname the same
        entry lists as an alias; accepted only when exactly one entry fits both."""
        first, last = name.key.split()
        fits = set()
        for surface in self.index.lookup("Person", parse_name(last, "Person")):
            keys = self.index.keys_of(surface.qid)
            if last in keys and any(k.split()[0] == first for k in keys if " " in k):
                fits.add(surface.qid)
        if len(fits) != 1:
            return None
        (qid,) = fits
        return Link(qid, self.index.entries[qid].label, 0.85, "index", INDEX_DATE)

    def _match(self, name: Name, kind: str, evidence: _Evidence) -> tuple[Link | None, bool]:
        surfaces = self.index.lookup(kind, name)
        lone = kind == "Person" and len(name.tokens) == 1
        scores: dict[str, float] = {}
        exact_office: set[str] = set()
        for surface in surfaces:
            score = self._surface_score(surface.name, surface.kind, name, evidence)
            scores[surface.qid] = max(scores.get(surface.qid, 0.0), score)
            if name.office and surface.name.title == name.office:
                exact_office.add(surface.qid)
        if lone:
            for qid in self.index.person_words.get(name.key, ()):
                scores.setdefault(qid, 0.0)
        if not scores:
            return None, False
        supported = {q for q in scores if evidence.supports(self.index, q, name.key)}
        if lone:
            if len(exact_office) == 1:  # "Prime Minister Johnson"
                qid, score = next(iter(exact_office)), 0.9
            elif len(supported) == 1:  # "Johnson" in an article naming "Boris Johnson"
                qid, score = next(iter(supported)), 0.85
            elif len(scores) == 1:  # "Putin": the index knows one person by this word
                ((qid, score),) = scores.items()
                score = min(score, 0.8)
            else:
                return None, True  # a surname two known people share, and nothing to tell
            if evidence.contradicts(self.index, qid, name.key):
                return None, True
        else:
            positive = {q: s for q, s in scores.items() if s > 0}
            if len(positive) > 1:
                positive = {q: s for q, s in positive.items() if q in supported}
            if len(positive) != 1:
                return None, True
            ((qid, score),) = positive.items()
        if score <= 0:
            return None, True
        return Link(qid, self.index.entries[qid].label, round(score, 3), "index", INDEX_DATE), True

    @staticmethod
    def _surface_score(surface: Name, kind: str, name: Name, evidence: _Evidence) -> float:
        full = 1.0 if kind == "label" else 0.95
        if surface.title == name.title:
            return full
        if not surface.title:
            return full - 0.05  # "President Joe Biden" for "Joe Biden"
        if name.title:
            return 0.85  # "Ms May" for the listed "Mrs May"
        if surface.office and surface.office in evidence.offices:
            return 0.85  # "May" near "Prime Minister", for the listed "Prime Minister May"
        return 0.0  # the seed gives this word only with its title ("May", "Brown")

    # ------------------------------------------------------------ cache and live

    def _fetch(self, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Ask the endpoint for every (type, text) in batches; returns the pairs that failed."""
        failed: set[tuple[str, str]] = set()
        for kind in sorted({k for k, _ in wanted}):
            texts = sorted(t for k, t in wanted if k == kind and self.cache.get(k, t) is None)
            for start in range(0, len(texts), BATCH_SIZE):
                batch = texts[start : start + BATCH_SIZE]
                try:
                    answers = self.live.fetch(kind, batch)
                except LiveError as error:
                    shown = ", ".join(map(repr, batch[:5])) + (" ..." if len(batch) > 5 else "")
                    logger.warning(
                        "Wikidata endpoint %s failed for %d %s names (%s): %s; they stay unlinked",
                        self.endpoint,
                        len(batch),
                        kind,
                        shown,
                        error,
                    )
                    failed.update((kind, t) for t in batch)
                    continue
                for text, candidates in answers.items():
                    self.cache.put(kind, text, candidates, self.endpoint)
        return failed

    def _choose(
        self, candidates: list[dict[str, Any]], request: LinkRequest, method: str, at: str
    ) -> Link | None:
        """The one candidate of a cached or live answer the name stands for, if one stands out."""
        merged: dict[str, dict[str, Any]] = {}
        for candidate in candidates:
            best = merged.setdefault(candidate["qid"], dict(candidate))
            if candidate["matched"] == "label":
                best["matched"] = "label"
        if not merged:
            return None
        if len(merged) == 1:
            (only,) = merged.values()
            score = 0.9 if only["matched"] == "label" else 0.85
            return Link(only["qid"], only["label"], score, method, at)
        # Several entities carry the name: the one whose description fits more of the
        # article's other names and titles, if one fits strictly more than any other.
        evidence = _Evidence([*request.aliases, *request.context])
        fits = []
        for candidate in merged.values():
            known = set(name_words(f"{candidate['label']} {candidate['description']}"))
            fits.append((sum(words <= known for words in evidence.words), candidate["qid"]))
        fits.sort(reverse=True)
        if fits[0][0] == 0 or fits[0][0] == fits[1][0]:
            return None
        best = merged[fits[0][1]]
        return Link(best["qid"], best["label"], 0.8, method, at)


# ---------------------------------------------------------------- the pipeline and measurement


def evaluate_links(gold_dir: Path, linker: Linker) -> dict[str, Any]:
    """Precision and recall of `linker` on the gold actors of every *.json file in `gold_dir`.

    Each gold actor whose QID is in the local index should link to it (recall counts these);
    each actor whose name the index does not know and whose gold QID is null or outside the
    index should stay unlinked, unless the linker finds its gold QID (live). Precision is
    correct links over links made. Context is the article's other gold actor names.
    """
    index = linker.index
    expected = made = correct = recalled = negatives = 0
    wrong: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    for path in sorted(gold_dir.glob("*.json")):
        actors = json.loads(path.read_text(encoding="utf-8"))["actors"]
        for actor in actors:
            qid, name, kind = actor.get("wikidata"), actor["name"], actor["type"]
            if qid in index:
                expected += 1
            elif _named_in_index(index, name):
                continue  # a null the annotator left unverified for a name the index knows
            else:
                negatives += 1
            aliases = tuple(a for a in actor.get("aliases", ()) if a != name)
            context = tuple(other["name"] for other in actors if other is not actor)
            link = linker.link(name, kind, aliases, context)
            row = {"article": path.name, "name": name, "type": kind, "gold": qid}
            if link is not None:
                made += 1
                if link.qid == qid:
                    correct += 1
                    recalled += qid in index
                else:
                    wrong.append({**row, "linked": link.qid, "score": link.score})
            elif qid in index:
                missed.append(row)
    return {
        "precision": correct / made if made else 1.0,
        "recall": recalled / expected if expected else 1.0,
        "links_made": made,
        "correct": correct,
        "gold_in_index": expected,
        "negatives_checked": negatives,
        "wrong": wrong,
        "missed": missed,
    }


def _named_in_index(index: Index, name: str) -> bool:
    return any(
        index.lookup(kind, parse_name(name, kind)) for kind in ("Person", "Organization", "Country")
    )
