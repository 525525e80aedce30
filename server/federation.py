"""The SERVICE allow-list: which remote endpoints a federated query may call.

Oxigraph runs SERVICE calls itself, over HTTP, so the only place to stop a call to an endpoint
that is not allowed is before the query reaches it. The check works on the query's tokens
(comments and string literals cannot hide or fake a SERVICE), resolves prefixed names through
the query's own PREFIX declarations (over the predeclared ones), and refuses what it cannot
pin down: `SERVICE ?variable` and relative IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsgraph.errors import BadRequest
from newsgraph.ontology import PREFIXES
from newsgraph.server.lexer import Token, iri_value, local_name, prologue, tokenize

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def service_endpoints(text: str) -> list[str]:
    """The endpoints the SERVICE clauses of a query or update call.

    Raises BadRequest for a SERVICE whose endpoint is a variable or cannot be resolved.
    """
    # Oxigraph reads the keyword only when it is spelt out, never through \\u escapes.
    if "service" not in text.lower():
        return []
    tokens = tokenize(text)
    declared, _base, _start = prologue(tokens)
    prefixes = {**PREFIXES, **declared}  # the endpoint predeclares our namespaces
    endpoints = []
    for index, token in enumerate(tokens):
        if not token.is_word("SERVICE"):
            continue
        target = _after_silent(tokens, index + 1)
        endpoints.append(_resolve(target, prefixes))
    return endpoints


def check_services(text: str, allowed: Iterable[str]) -> list[str]:
    """The endpoints the query calls; raises BadRequest unless every one is allowed."""
    allowed = tuple(allowed)
    endpoints = service_endpoints(text)
    for endpoint in endpoints:
        if endpoint not in allowed:
            raise BadRequest(
                f"SERVICE <{endpoint}> is not allowed; federated queries may call: "
                f"{', '.join(allowed) or 'no endpoint (the service_allow setting is empty)'}"
            )
    return endpoints


def _after_silent(tokens: list[Token], index: int) -> Token | None:
    if index < len(tokens) and tokens[index].is_word("SILENT"):
        index += 1
    return tokens[index] if index < len(tokens) else None


def _resolve(target: Token | None, prefixes: dict[str, str]) -> str:
    if target is None:
        raise BadRequest("SERVICE needs an endpoint IRI")
    if target.kind == "var":
        raise BadRequest(
            f"SERVICE {target.text} is refused: the endpoint must be an IRI written in the query"
        )
    if target.kind == "iri":
        iri = iri_value(target)
    elif target.kind == "pname":
        prefix, _, local = target.text.partition(":")
        if prefix not in prefixes:
            raise BadRequest(f"SERVICE {target.text}: prefix {prefix!r} is not declared")
        iri = prefixes[prefix] + local_name(local)
    else:
        raise BadRequest(f"SERVICE must be followed by an endpoint IRI, not {target.text!r}")
    if not _ABSOLUTE.match(iri):
        raise BadRequest(f"SERVICE <{iri}> is refused: the endpoint must be an absolute IRI")
    return iri
