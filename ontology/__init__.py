"""The contract every layer reads: namespaces, terms, and how IRIs are minted."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from importlib import resources
from pathlib import Path

from pyoxigraph import NamedNode

NG = "https://w3id.org/newsgraph/ontology#"
CAMEO = "https://w3id.org/newsgraph/cameo/"
KIND = "https://w3id.org/newsgraph/kind/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
# http, not https: Wikidata's own triples use http://schema.org/, so joins line up.
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
GAF = "http://groundedannotationframework.org/gaf#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "ng": NG,
    "cameo": CAMEO,
    "kind": KIND,
    "sem": SEM,
    "schema": SCHEMA,
    "prov": PROV,
    "nif": NIF,
    "gaf": GAF,
    "skos": SKOS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "wd": WD,
    "wdt": WDT,
}

ACTOR_TYPES = ("Person", "Organization", "Country", "Group")


def term(prefixed: str) -> NamedNode:
    """The NamedNode for a prefixed name such as 'ng:Actor'."""
    prefix, _, local = prefixed.partition(":")
    return NamedNode(PREFIXES[prefix] + local)


def ontology_file(name: str) -> Path:
    """Path of one of the shipped .ttl files (newsgraph.ttl, cameo.ttl, eventkinds.ttl,
    shapes.ttl)."""
    return Path(str(resources.files(__package__).joinpath(name)))


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for editors and ad-hoc queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def slug(text: str) -> str:
    """A stable, readable IRI segment: ASCII, lower case, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


class Minter:
    """Mints deterministic IRIs under one base, so two machines produce the same graph."""

    def __init__(self, base: str) -> None:
        if not re.match(r"^[a-z][a-z0-9+.-]*://", base) or not base.endswith(("/", "#")):
            raise ValueError(f"base IRI {base!r} must be absolute and end with '/' or '#'")
        self.base = base

    def article(self, url: str | None, content_hash: str) -> NamedNode:
        key = digest(url) if url else content_hash[:16]
        return NamedNode(f"{self.base}article/{key}")

    def actor(self, name: str, actor_type: str, wikidata: str | None = None) -> NamedNode:
        if wikidata:
            return NamedNode(f"{self.base}actor/{wikidata}")
        return NamedNode(f"{self.base}actor/{actor_type.lower()}/{slug(name)}")

    def place(self, name: str) -> NamedNode:
        return NamedNode(f"{self.base}place/{slug(name)}")

    def actors_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/actors")

    def stories_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/stories")

    def story(self, first_report: str) -> NamedNode:
        """A story, named from the IRI of its first report (an article event)."""
        return NamedNode(f"{self.base}story/{digest(first_report)}")

    @staticmethod
    def mention(article: NamedNode, begin: int, end: int) -> NamedNode:
        # RFC 5147 fragment, as NewsReader's GAF mentions do.
        return NamedNode(f"{article.value}#char={begin},{end}")

    @staticmethod
    def statement(article: NamedNode, begin: int, end: int) -> NamedNode:
        return NamedNode(f"{article.value}/statement/{begin}-{end}")

    @staticmethod
    def event(article: NamedNode, begin: int, end: int) -> NamedNode:
        return NamedNode(f"{article.value}/event/{begin}-{end}")


def cameo_concept(code: str) -> NamedNode:
    return NamedNode(CAMEO + code)


def event_kind(name: str) -> NamedNode:
    """The concept of the event kind scheme (eventkinds.ttl) named `name`, e.g. 'Election'."""
    return NamedNode(KIND + name)


def wikidata_entity(qid: str) -> NamedNode:
    return NamedNode(WD + qid)
