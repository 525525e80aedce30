"""Property tests of the readers: random bytes, JSON, JSON Lines and HTML each give articles or a
clear InputError naming the file, never a traceback.

`articles.read` turns an unexpected exception into an InputError "cannot read: ..." so that one
file never ends a batch; these tests treat that as a failure too, since it means a reader met an
input it does not know how to explain. `make test` runs a few cases of each; `make stress` many.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.errors import InputError
from newsgraph.ingest import articles

MAX_BYTES = 5_000_000
QUICK, LONG = 40, 1500
SUFFIXES = [".txt", ".html", ".json", ".jsonl"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Records that look like articles, with each field sometimes of the wrong type or odd.
fields = {
    "text": st.one_of(st.text(max_size=200), json_values),
    "title": st.one_of(st.text(max_size=40), json_values),
    "url": st.one_of(
        st.sampled_from(["https://x.example/a", "ftp://x", "", "http://"]), json_values
    ),
    "published": st.one_of(
        st.sampled_from(["2022-03-18", "18 March 2022", "yesterday", "2022-13-45", "0000-00-00"]),
        st.text(max_size=30),
        json_values,
    ),
    "source": st.one_of(st.text(max_size=20), json_values),
}
records = st.fixed_dictionaries({}, optional=fields) | json_values

tags = st.sampled_from(
    ["p", "div", "article", "main", "h1", "title", "script", "style", "a", "meta", "table", "td"]
)
html_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    def element(depth: int) -> str:
        tag = draw(tags)
        attributes = draw(st.sampled_from(["", ' class="x"', ' property="og:title" content="T"']))
        inner = "".join(
            element(depth + 1) if depth < 3 and draw(st.booleans()) else draw(html_text)
            for _ in range(draw(st.integers(0, 3)))
        )
        closing = draw(st.sampled_from([f"</{tag}>", "", "</p>"]))
        return f"<{tag}{attributes}>{inner}{closing}"

    head = draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<html>"]))
    return head + "".join(element(0) for _ in range(draw(st.integers(0, 4))))


def check(data: bytes, suffix: str) -> None:
    """Reading `data` as a file with this suffix gives articles or clear InputErrors."""
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        found = list(articles.read([str(path)], MAX_BYTES))
    assert found, "every input gives an article or an error"
    for item in found:
        if isinstance(item, InputError):
            assert item.source.startswith(str(path)), item
            assert not item.reason.startswith("cannot read"), item  # an unexplained exception
        else:
            assert isinstance(item, articles.Article) and item.text.strip()
            assert 0 <= item.body_start <= len(item.text)


def fuzz(strategy: st.SearchStrategy, examples: int) -> Callable[[Callable], Callable]:
    return lambda test: settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(given(strategy)(test))


def random_bytes(data: tuple[bytes, str]) -> None:
    check(*data)


def json_files(record: object) -> None:
    check(json.dumps(record).encode("utf-8"), ".json")


def jsonl_files(lines: list[object | str]) -> None:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    check(text.encode("utf-8"), ".jsonl")


def html_files(page: str) -> None:
    check(page.encode("utf-8", "surrogatepass"), ".html")


STRATEGIES = {
    random_bytes: st.tuples(st.binary(max_size=400), st.sampled_from(SUFFIXES)),
    json_files: records,
    jsonl_files: st.lists(records | st.text(max_size=40), max_size=5),
    html_files: html_pages(),
}


@pytest.mark.parametrize("prop", list(STRATEGIES), ids=lambda p: p.__name__)
def test_readers_give_an_article_or_a_clear_error_for_any_input(prop: Callable) -> None:
    fuzz(STRATEGIES[prop], QUICK)(prop)()


@pytest.mark.stress
@pytest.mark.parametrize("prop", list(STRATEGIES), ids=lambda p: p.__name__)
def test_readers_give_an_article_or_a_clear_error_for_many_inputs(prop: Callable) -> None:
    fuzz(STRATEGIES[prop], LONG)(prop)()
