"""Train the attribution model from an annotated corpus (PolNeAR's layout) and report on it.

`newsgraph train attribution --corpus DIR` reads DIR/articles/*.txt and DIR/gold/*.json (one
attribution a line: content span, cue words, source words, whether the cue is one of saying),
finds each cue of saying in the parse, and fits the logistic model of
newsgraph.ingest.attribution on every word whose lemma ever heads such a cue. Training is
deterministic given the seed: the corpus is read in sorted order and shuffled by it.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Token

from newsgraph.errors import InputError
from newsgraph.ingest import nlp
from newsgraph.ingest.attribution import CueModel, features, lemma_of

log = logging.getLogger(__name__)
# A lemma is scored at all only if it heads this many cues of saying in the corpus, and this
# share of its uses: "be" or "year" heading a cue is a slip of the alignment, not a cue.
MIN_LEMMA_COUNT = 3
MIN_LEMMA_SHARE = 0.02
# The probability above which a word is taken for a cue: below one half, since a missed
# statement costs an analyst more than a doubtful one (measured on a tenth of the corpus).
THRESHOLD = 0.3
# How far from its content a cue may stand, in characters.
CUE_WINDOW = 400
# How far apart, in characters, a source and its cue may stand and still be "beside" each other
# ("said a senior adviser", "she, a lawyer, said").
SOURCE_GAP = 30
# A first name gives a gender when the corpus's 'he' or 'she' sources name it in this many
# articles, and this share of them agree: its coreference chains are automatic, so some links
# are wrong.
MIN_NAME_COUNT = 4
MIN_NAME_AGREEMENT = 0.9
PRONOUN_GENDERS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}


@dataclass(frozen=True)
class Example:
    features: list[str]
    positive: bool


@dataclass(frozen=True)
class Report:
    articles: int
    examples: int
    positives: int
    lemmas: int
    held_out: dict[str, float]


def _gold(corpus: Path) -> Iterator[tuple[str, list[dict[str, object]]]]:
    for gold_file in sorted((corpus / "gold").glob("*.json")):
        data = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (corpus / "articles" / str(data["article"])).read_text(encoding="utf-8")
        yield text, list(data["attributions"])


def _words(phrase: str) -> str:
    """A pattern for the phrase as whole words: "he" is not in "the" or "she"."""
    return r"(?<!\w)" + re.escape(phrase) + r"(?!\w)"


def _cue_head(doc: Doc, text: str, attribution: dict[str, object]) -> Token | None:
    """The word that heads an attribution's cue: its occurrence nearest the content, and
    beside the source's words where one is.

    A cue word inside the content is not its cue, unless the source stands beside it: the
    corpus takes a quote its cue splits ('"A," she said, "B."') and a clause that holds its
    cue ("emails which she said were all of them") as one content, the cue inside.
    """
    cue = str(attribution["cue"]).strip().rstrip(":,")
    begin: int
    end: int
    begin, end = attribution["content"]  # type: ignore[misc]
    if not cue:
        return None
    low, high = max(0, int(begin) - CUE_WINDOW), min(len(text), int(end) + CUE_WINDOW)
    source = str(attribution.get("source", "")).strip()
    sources = (
        [(low + m.start(), low + m.end()) for m in re.finditer(_words(source), text[low:high])]
        if source
        else []
    )
    best: tuple[bool, int, int] | None = None
    for match in re.finditer(re.escape(cue), text[low:high]):
        at = low + match.start()
        beside = any(
            0 <= at - stop <= SOURCE_GAP or 0 <= start - at - len(cue) <= SOURCE_GAP
            for start, stop in sources
        )
        inside = int(begin) <= at < int(end)
        if inside and not beside:
            continue
        distance = 0 if inside else int(begin) - at if at < int(begin) else at - int(end)
        if best is None or (not beside, distance) < best[:2]:
            best = (not beside, distance, at)
    if best is None:
        return None
    span = doc.char_span(best[2], best[2] + len(cue), alignment_mode="expand")
    if span is None or not len(span):
        return None
    # A cue of several words ("issued a statement saying", "has twice complained") is headed
    # by its verb nearest the content, the one that reports it, not by its first verb.
    verbs = [t for t in span if t.pos_ == "VERB"]
    if not verbs:
        return span.root
    return min(verbs, key=lambda t: min(abs(t.idx - int(begin)), abs(t.idx - int(end))))


def _source_head(doc: Doc, text: str, attribution: dict[str, object], cue: Token) -> Token | None:
    """The head word of an attribution's source: its occurrence nearest the cue."""
    source = str(attribution["source"]).strip()
    if not source:
        return None
    low = max(0, cue.idx - CUE_WINDOW)
    found = [
        low + m.start() for m in re.finditer(re.escape(source), text[low : cue.idx + CUE_WINDOW])
    ]
    if not found:
        return None
    at = min(found, key=lambda begin: abs(begin - cue.idx))
    span = doc.char_span(at, at + len(source), alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def read_corpus(corpus: Path) -> list[tuple[str, list[dict[str, object]]]]:
    """Each article's text and its attributions, in file-name order."""
    if not (corpus / "gold").is_dir() or not (corpus / "articles").is_dir():
        raise InputError(str(corpus), "a corpus folder needs articles/ and gold/ inside it")
    return list(_gold(corpus))


@dataclass(frozen=True)
class Lexicon:
    cues: frozenset[str]  # lemmas that head cues of saying
    speakers: frozenset[str]  # nouns that head sources ("officials", "the campaign")
    roles: frozenset[str]  # nouns that, after "the", mean a person named before ("the nominee")
    first_names: dict[str, str]  # first names the corpus calls 'he' ("m") or 'she' ("f")


def examples(
    docs: list[Doc], articles: list[tuple[str, list[dict[str, object]]]]
) -> tuple[Lexicon, list[list[Example]]]:
    """What the corpus calls cues and speakers, and one example per word of a cue's lemma."""
    heads: list[set[int]] = []
    others: list[set[int]] = []
    # Counted by lemma and part of speech: "stated" is a cue though "state" is mostly a noun.
    lemma_counts: Counter[tuple[str, str]] = Counter()
    lemma_uses: Counter[tuple[str, str]] = Counter()
    source_nouns: Counter[str] = Counter()
    # Of sources named "the <noun>", how often the person the text names is meant.
    definite: Counter[str] = Counter()
    definite_person: Counter[str] = Counter()
    named: dict[str, Counter[str]] = {}  # first name -> in how many articles 'he', 'she' name it
    for doc, (text, attributions) in zip(docs, articles, strict=True):
        speech, belief = set(), set()
        # Counted once an article: one wrong chain repeats its error in every 'he' it links.
        genders: set[tuple[str, str]] = set()
        persons = {e.text for e in doc.ents if e.label_ == "PERSON" and " " in e.text}
        for attribution in attributions:
            head = _cue_head(doc, text, attribution)
            if head is None:
                continue
            gender = PRONOUN_GENDERS.get(str(attribution["source"]).strip().lower())
            if gender is not None:
                for first in _first_names(attribution["source_names"], persons):
                    genders.add((first, gender))
            if attribution["speech"]:
                speech.add(head.i)
                lemma_counts[lemma_of(head), head.pos_] += 1
                source = _source_head(doc, text, attribution, head)
                if source is not None and source.pos_ == "NOUN":
                    noun = source.lemma_.lower()
                    source_nouns[noun] += 1
                    if source.left_edge.lower_ == "the" and source.tag_ == "NN":
                        definite[noun] += 1
                        names = " ".join(str(n) for n in attribution["source_names"])  # type: ignore[attr-defined]
                        definite_person[noun] += any(p in names for p in persons)
            else:
                belief.add(head.i)
        for first, gender in genders:
            named.setdefault(first, Counter())[gender] += 1
        lemma_uses.update((lemma_of(token), token.pos_) for token in doc)
        heads.append(speech)
        others.append(belief - speech)
    lemmas = {
        lemma
        for (lemma, pos), count in lemma_counts.items()
        if count >= MIN_LEMMA_COUNT and count >= MIN_LEMMA_SHARE * lemma_uses[lemma, pos]
    }
    found = []
    for doc, speech, belief in zip(docs, heads, others, strict=True):
        found.append(
            [
                Example(features(token), token.i in speech)
                for token in doc
                if lemma_of(token) in lemmas and token.i not in belief
            ]
        )
    speakers = frozenset(n for n, count in source_nouns.items() if count >= MIN_LEMMA_COUNT)
    roles = frozenset(
        noun
        for noun, count in definite.items()
        if count >= MIN_LEMMA_COUNT and definite_person[noun] >= count / 2
    )
    first_names = {
        name: gender
        for name, counts in sorted(named.items())
        for gender, count in counts.most_common(1)
        if count >= MIN_NAME_COUNT and count >= MIN_NAME_AGREEMENT * sum(counts.values())
    }
    return Lexicon(frozenset(lemmas), speakers, roles, first_names), found


def _first_names(names: object, persons: set[str]) -> set[str]:
    """The first words of the full names in a source's coreference chain that the parser
    also takes for a person ("Donald Trump"), not of titles or descriptions ("The Florida
    senator", "Mr. Rubio", "House Speaker Paul Ryan")."""
    found = set()
    for name in names if isinstance(names, list) else []:
        words = str(name).split()
        if str(name) in persons and re.fullmatch(r"[A-Z][a-z]+", words[0]):
            found.add(words[0].lower())
    return found


def fit(
    data: list[Example], seed: int, epochs: int = 12, rate: float = 0.2, l2: float = 1e-5
) -> dict[str, float]:
    """Logistic regression by stochastic gradient descent with AdaGrad steps, seeded."""
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    order = list(range(len(data)))
    shuffle = random.Random(seed)
    for _ in range(epochs):
        shuffle.shuffle(order)
        for index in order:
            example = data[index]
            total = sum(weights.get(name, 0.0) for name in example.features)
            probability = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
            gradient = probability - (1.0 if example.positive else 0.0)
            for name in example.features:
                weight = weights.get(name, 0.0)
                step = gradient + l2 * weight
                squares[name] = squares.get(name, 0.0) + step * step
                weights[name] = weight - rate * step / math.sqrt(squares[name] + 1e-8)
    return weights


def _scores(model: CueModel, data: list[Example]) -> dict[str, float]:
    tp = fp = fn = 0
    for example in data:
        total = sum(model.weights.get(name, 0.0) for name in example.features)
        predicted = total >= math.log(model.threshold / (1 - model.threshold))
        tp += predicted and example.positive
        fp += predicted and not example.positive
        fn += example.positive and not predicted
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def train(corpus: Path, output: Path, model: str, seed: int = 13) -> Report:
    """Fit the cue model on a corpus and write it; a tenth of the articles is held out first
    to report how well it does on articles it was not fitted on."""
    articles = read_corpus(corpus)
    docs = list(nlp.load(model).pipe((text for text, _ in articles), batch_size=32))
    lexicon, per_article = examples(docs, articles)
    lemmas = lexicon.cues
    cut = len(per_article) - max(1, len(per_article) // 10)
    fitted = [e for article in per_article[:cut] for e in article]
    held = [e for article in per_article[cut:] for e in article]
    held_out = _scores(CueModel(lemmas, fit(fitted, seed), THRESHOLD), held)
    everything = fitted + held
    cue_model = CueModel(
        lemmas,
        fit(everything, seed),
        THRESHOLD,
        lexicon.speakers,
        lexicon.roles,
        lexicon.first_names,
    )
    cue_model.save(output)
    return Report(
        articles=len(per_article),
        examples=len(everything),
        positives=sum(e.positive for e in everything),
        lemmas=len(lemmas),
        held_out=held_out,
    )
