"""Country names, demonyms and capitals, read once from the shipped countries.tsv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Gazetteer:
    demonyms: dict[str, str]  # "chinese" -> "China"
    capitals: dict[str, str]  # "beijing" -> "China"
    countries: frozenset[str]  # "China", "United States", ...
    demonym_of: dict[str, str]  # "China" -> "Chinese"


@cache
def load() -> Gazetteer:
    text = resources.files(__package__).joinpath("countries.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if not line.startswith("#")), delimiter="\t"
    )
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    countries = set()
    demonym_of: dict[str, str] = {}
    for row in rows:
        country = row["country"]
        countries.add(country)
        for demonym in filter(None, row["demonyms"].split("|")):
            demonyms[demonym.lower()] = country
            demonym_of.setdefault(country, demonym)
        for capital in filter(None, row["capitals"].split("|")):
            capitals[capital.lower()] = country
    return Gazetteer(demonyms, capitals, frozenset(countries), demonym_of)


@cache
def country_names() -> dict[str, str]:
    """Lower-cased country names and aliases (from the Wikidata index) -> one canonical name.

    The canonical name is the short common one ("China", not "People's Republic of China"):
    the first of the gazetteer's names found among the entry's names, else the index label.
    """
    places = load()
    names: dict[str, str] = {}
    index = resources.files(__package__).joinpath("wikidata-index.tsv")
    if index.is_file():
        rows = csv.DictReader(index.read_text(encoding="utf-8").splitlines(), delimiter="\t")
        for row in rows:
            if row["type"] != "Country":
                continue
            forms = [row["label"], *filter(None, row["aliases"].split("|"))]
            canonical = next((form for form in forms if form in places.countries), row["label"])
            for form in forms:
                if form.lower() not in places.capitals:
                    names.setdefault(form.lower(), canonical)
    for country in places.countries:
        names.setdefault(country.lower(), country)
    return names
