"""Schema-driven fuzzing of the HTTP API (Schemathesis) from the server's own OpenAPI document,
against the real server on 127.0.0.1: no 5xx, and every 4xx answers a JSON body with `error`.

Both valid requests (as the document describes them) and invalid ones (values the document
excludes) are sent to every operation. /update refuses them all (no token is sent), so the
store is never changed. `make test` runs a few cases per operation; `make stress` many.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import schemathesis
from fixtures import Servers
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

QUICK, LONG = 8, 150


def check(response: object, label: str) -> None:
    status = response.status_code
    assert status < 500, f"{label}: {status} {response.text[:500]}"
    if 400 <= status < 500:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
        content_type = content_type[0] if isinstance(content_type, list) else content_type or ""
        assert content_type.startswith("application/json"), (
            f"{label}: {status} without a JSON body: {content_type}"
        )
        assert isinstance(response.json().get("error"), str), f"{label}: {response.text[:300]}"


def _sender(url: str, label: str, sent: dict[str, int]) -> Callable[[schemathesis.Case], None]:
    def send(case: schemathesis.Case) -> None:
        sent[label] += 1
        check(case.call(base_url=url, timeout=30), label)

    return send


def fuzz_every_operation(url: str, examples: int) -> dict[str, int]:
    """Cases sent per operation; raises on the first response that breaks the rules."""
    document = httpx.get(url + "/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    sent: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label = f"{operation.label} ({mode.value})"
            sent[label] = 0

            run: Callable[[], None] = settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(operation.as_strategy(generation_mode=mode))(_sender(url, label, sent)))
            try:
                run()
            except Unsatisfiable:
                # An operation with nothing to get wrong (no parameters, no body) has no
                # invalid requests to make.
                assert mode is GenerationMode.NEGATIVE, label
    return sent


def test_the_api_answers_every_generated_request_without_5xx_and_4xx_in_json(
    servers: Servers,
) -> None:
    sent = fuzz_every_operation(servers.main.url, QUICK)
    assert len(sent) >= 20 and sum(sent.values()) >= 100, sent


@pytest.mark.stress
def test_the_api_answers_many_generated_requests_without_5xx_and_4xx_in_json(
    servers: Servers,
) -> None:
    sent = fuzz_every_operation(servers.main.url, LONG)
    print(f"schemathesis: {sum(sent.values())} requests over {len(sent)} operation modes")


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/sparql"), ("GET", "/update"), ("DELETE", "/api/queries/articles"), ("GET", "/x")],
)
def test_unknown_paths_and_methods_answer_a_json_error_too(
    servers: Servers, method: str, path: str
) -> None:
    response = httpx.request(method, servers.main.url + path, timeout=30)
    assert response.status_code in (404, 405)
    assert isinstance(response.json()["error"], str)
