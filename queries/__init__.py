"""Canned queries: every .rq file in this folder is one, described by its header.

Header lines, before the query:
    # title: Statements by a speaker
    # description: What one actor said, newest first.
    # param: speaker iri -- the actor who spoke
    # param: since date = 2020-01-01 -- earliest publication date
    # materialize: yes

`materialize: yes` marks a corpus-wide query whose default answer a writer computes when it
publishes (newsgraph.materialized); such a query takes no required parameter and no SERVICE.

A parameter's type is one of iri, string, date, integer. A parameter with a default is optional;
one without a default is required unless declared `optional`, in which case leaving it out leaves
its variable free (no filter). Values are bound with pyoxigraph substitutions, never pasted into
the query text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store, Variable

from newsgraph.errors import InvalidParameter, NotFound
from newsgraph.ontology import XSD
from newsgraph.results import Substitutions, solutions

TYPES = ("iri", "string", "date", "integer")
_HEADER = re.compile(r"^#\s*(title|description|param|materialize):\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)"
    r"(?:\s+(?P<optional>optional))?(?:\s*=\s*(?P<default>\S+))?\s*(?:--\s*(?P<help>.*))?$"
)
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None = None
    optional: bool = False
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def term(self, raw: str) -> NamedNode | Literal:
        """The RDF term for a raw value; raises InvalidParameter naming the reason."""
        if self.type == "iri":
            if not _ABSOLUTE_IRI.match(raw):
                raise InvalidParameter(f"parameter {self.name!r}: {raw!r} is not an absolute IRI")
            return NamedNode(raw)
        if self.type == "date":
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                raise InvalidParameter(
                    f"parameter {self.name!r}: {raw!r} is not a date (YYYY-MM-DD)"
                ) from None
            return Literal(raw, datatype=NamedNode(XSD + "date"))
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise InvalidParameter(f"parameter {self.name!r}: {raw!r} is not an integer")
            return Literal(str(int(raw)), datatype=NamedNode(XSD + "integer"))
        return Literal(raw)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default=())
    materialized: bool = False

    def bind(self, values: dict[str, str]) -> Substitutions:
        """Substitutions for raw values; raises InvalidParameter for a bad or unknown one."""
        known = {parameter.name: parameter for parameter in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InvalidParameter(
                f"query {self.name!r} has no parameter {unknown[0]!r}; "
                f"parameters: {', '.join(known) or 'none'}"
            )
        bindings: Substitutions = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None or raw == "":
                if parameter.required:
                    raise InvalidParameter(
                        f"query {self.name!r} needs parameter {parameter.name!r} ({parameter.type})"
                    )
                continue
            bindings[Variable(parameter.name)] = parameter.term(raw)
        return bindings


def parse(name: str, text: str) -> CannedQuery:
    """A canned query from the text of its .rq file; raises ValueError on a bad header."""
    title = description = ""
    materialized = False
    parameters: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description = (description + " " + value.strip()).strip()
        elif key == "materialize":
            if value.strip() not in ("yes", "no"):
                raise ValueError(f"{name}.rq: materialize is yes or no, not {value.strip()!r}")
            materialized = value.strip() == "yes"
        else:
            param = _PARAM.match(value.strip())
            if not param or param["type"] not in TYPES:
                raise ValueError(f"{name}.rq: bad parameter line {value!r}; types: {TYPES}")
            parameters.append(
                Parameter(
                    name=param["name"],
                    type=param["type"],
                    default=param["default"],
                    optional=bool(param["optional"]),
                    description=(param["help"] or "").strip(),
                )
            )
    if not title or not description:
        raise ValueError(f"{name}.rq needs '# title:' and '# description:' header lines")
    if materialized and (
        any(p.required for p in parameters) or re.search(r"\bSERVICE\b", text, re.IGNORECASE)
    ):
        raise ValueError(f"{name}.rq: a materialized query takes no required parameter or SERVICE")
    return CannedQuery(name, title, description, text, tuple(parameters), materialized)


WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


def load(wikidata_endpoint: str = WIKIDATA_SPARQL) -> dict[str, CannedQuery]:
    """Every canned query shipped in this package, by name.

    The federated queries name Wikidata's public endpoint; a deployment (or a test) that uses
    another Wikidata endpoint configures it, and the SERVICE IRI is pointed there. This is
    configuration, validated as an IRI, never a request parameter.
    """
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", wikidata_endpoint):
        raise ValueError(f"Wikidata endpoint {wikidata_endpoint!r} is not an http(s) IRI")
    folder = resources.files(__package__)
    queries = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            text = entry.read_text(encoding="utf-8").replace(
                f"<{WIKIDATA_SPARQL}>", f"<{wikidata_endpoint}>"
            )
            queries[name] = parse(name, text)
    return queries


def get(name: str, queries: dict[str, CannedQuery] | None = None) -> CannedQuery:
    queries = load() if queries is None else queries
    if name not in queries:
        raise NotFound(f"no canned query {name!r}; available: {', '.join(sorted(queries))}")
    return queries[name]


def run(store: Store, query: CannedQuery, values: dict[str, str] | None = None) -> QuerySolutions:
    """Run a canned query over the union of all graphs, with its parameters bound."""
    return solutions(
        store.query(
            query.text, substitutions=query.bind(values or {}), use_default_graph_as_union=True
        )
    )
