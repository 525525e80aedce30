"""The learned part of attribution: which words cue reported speech, as a shipped linear model.

The model is trained on PolNeAR (`newsgraph train attribution`, newsgraph/training.py) and read
here once per process. It scores the words whose lemma ever headed a cue of saying in the
training corpus: a weight per feature of the word and its place in the parse, summed and
squashed. The parse then gives the content and the source (newsgraph.ingest.statements).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token

MODEL_FILE = "attribution-model.json.gz"
QUOTE_MARKS = {'"', "“", "”", "''", "``"}
# Verbs of courts and inquiries, which the training corpus (US campaign news) hardly holds:
# they report a finding when they govern a clause ("the court ruled that ...", "..., the
# inquiry found"), and nothing when they do not ("found the body", "decided to resign").
FINDINGS = frozenset({"rule", "find", "conclude", "decide", "judge"})
# Nouns of saying that the training corpus hardly ever has heading a cue: with an owner and a
# that-clause on them they report what their owner said ("his statement that Islam hates us").
STATEMENT_NOUNS = frozenset({"statement", "remark", "assertion", "contention", "insistence"})
# Dependents whose presence says what a cue governs: a clause, an object, a quote.
_ARGUMENT_DEPS = ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "agent", "advcl", "neg", "aux")


def lemma_of(token: Token) -> str:
    """The lemma a cue is known by: lower case, and in American spelling, since the corpus is
    American and British news writes "criticise" and "emphasise"."""
    lemma = token.lemma_.lower()
    return lemma[:-3] + "ize" if lemma.endswith("ise") and len(lemma) > 5 else lemma


def features(token: Token) -> list[str]:
    """The features of one candidate cue word; training and reading share this function."""
    lemma = lemma_of(token)
    head = token.head
    out = [
        "bias",
        "l=" + lemma,
        "t=" + token.tag_,
        "d=" + token.dep_,
        "ld=" + lemma + "|" + token.dep_,
        "lt=" + lemma + "|" + token.tag_,
        "hd=" + head.dep_ if head.i != token.i else "hd=ROOT",
        "hl=" + head.lemma_.lower(),
    ]
    children = token.children
    deps: set[str] = set()
    for child in children:
        dep = child.dep_
        if dep in _ARGUMENT_DEPS:
            deps.add(dep)
            if dep in ("nsubj", "nsubjpass"):
                out.append("s=" + child.pos_)
                out.append("ls=" + lemma + "|" + child.pos_)
                if child.ent_type_:
                    out.append("se=" + child.ent_type_)
                if child.pos_ == "PRON":
                    out.append("sp=" + child.lower_)
                out.append("sa=" + ("after" if child.i > token.i else "before"))
            elif dep == "aux":
                out.append("aux=" + child.lower_)
        elif dep == "prep":
            out.append("p=" + child.lower_)
            out.append("lp=" + lemma + "|" + child.lower_)
        elif dep == "prt":
            out.append("lprt=" + lemma + "|" + child.lower_)
        elif dep == "punct" and child.text == ":":
            out.append("colon")
    for dep in deps:
        out.append("c=" + dep)
        out.append("lc=" + lemma + "|" + dep)
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    out.append("w-1=" + (before.lower_ if before is not None else "<s>"))
    out.append("w+1=" + (after.lower_ if after is not None else "</s>"))
    near = doc[max(0, token.i - 3) : token.i + 4]
    if any(t.text in QUOTE_MARKS for t in near):
        out.append("quote-near")
    if token.is_sent_start:
        out.append("first")
    return out


@dataclass(frozen=True)
class CueModel:
    """Weights of a logistic model over `features`, and the lemmas it scores."""

    lemmas: frozenset[str]
    weights: dict[str, float]
    threshold: float = 0.4
    speakers: frozenset[str] = frozenset()  # nouns the corpus names speakers by
    roles: frozenset[str] = frozenset()  # "the <noun>" meaning a person named before
    first_names: dict[str, str] = field(default_factory=dict)  # "megyn" -> "f"

    def probability(self, token: Token) -> float:
        weights = self.weights
        total = sum(weights.get(name, 0.0) for name in features(token))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def is_cue(self, token: Token) -> bool:
        """Whether a word cues reported speech here (only lemmas seen as cues can)."""
        lemma = lemma_of(token)
        if lemma in self.lemmas:
            return self.probability(token) >= self.threshold
        if lemma in FINDINGS:
            deps = [child.dep_ for child in token.children]
            return "ccomp" in deps or deps.count("nsubj") + deps.count("nsubjpass") >= 2
        if lemma in STATEMENT_NOUNS and token.pos_ == "NOUN":
            owned = any(child.dep_ == "poss" for child in token.children)
            return owned and any(
                clause.dep_ in ("acl", "ccomp", "relcl")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
                for clause in token.rights
            )
        return False

    def candidates(self, doc: Doc) -> list[Token]:
        """The words of a Doc whose lemma the model scores, found without visiting each token
        in Python (that alone would cost a tenth of the parse)."""
        hashes = _hashes(doc, self.lemmas | FINDINGS | STATEMENT_NOUNS)
        found = numpy.flatnonzero(
            numpy.isin(doc.to_array(LEMMA), hashes) | numpy.isin(doc.to_array(LOWER), hashes)
        )
        known = self.lemmas | FINDINGS | STATEMENT_NOUNS
        return [doc[int(i)] for i in found if lemma_of(doc[int(i)]) in known]

    def to_json(self) -> dict[str, object]:
        return {
            "lemmas": sorted(self.lemmas),
            "speakers": sorted(self.speakers),
            "roles": sorted(self.roles),
            "first_names": dict(sorted(self.first_names.items())),
            "threshold": self.threshold,
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if v},
        }

    def save(self, path: Path) -> None:
        data = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        # No name and no time in the header: the same weights give the same bytes.
        with open(path, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as handle:
            handle.write(data.encode())

    @staticmethod
    def from_json(data: dict[str, object]) -> CueModel:
        lemmas, weights = data.get("lemmas"), data.get("weights")
        if not isinstance(lemmas, list) or not isinstance(weights, dict):
            raise ValueError("an attribution model needs a list of lemmas and a map of weights")
        speakers, roles = data.get("speakers", []), data.get("roles", [])
        if not isinstance(speakers, list) or not isinstance(roles, list):
            raise ValueError("an attribution model's speakers and roles are lists of nouns")
        first_names = data.get("first_names", {})
        if not isinstance(first_names, dict):
            raise ValueError("an attribution model's first names map names to 'm' or 'f'")
        threshold = float(str(data["threshold"]))
        return CueModel(
            frozenset(lemmas),
            dict(weights),
            threshold,
            frozenset(speakers),
            frozenset(roles),
            {str(k): str(v) for k, v in first_names.items()},
        )


def _hashes(doc: Doc, lemmas: frozenset[str]) -> numpy.ndarray:
    """The string hashes of the lemmas, in either spelling and case, to match against a Doc."""
    strings = doc.vocab.strings
    words = set(lemmas)
    words |= {w[:-3] + "ise" for w in lemmas if w.endswith("ize")}
    words |= {w.capitalize() for w in words}
    return numpy.array(sorted(strings.add(w) for w in words), dtype="uint64")


def shipped_path() -> Path:
    """Where the shipped model lives (in an editable install, the source tree)."""
    return Path(str(resources.files("newsgraph.ingest").joinpath(MODEL_FILE)))


@cache
def shipped() -> CueModel:
    """The model that ships in the package, read once per process."""
    data = resources.files("newsgraph.ingest").joinpath(MODEL_FILE).read_bytes()
    return CueModel.from_json(json.loads(gzip.decompress(data)))


def of_saying(token: Token) -> bool:
    """Whether a word's lemma is one the shipped model scores as a cue of saying."""
    return lemma_of(token) in shipped().lemmas
