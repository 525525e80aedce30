"""Reading inputs into Articles: the .txt title rule, JSON, JSON Lines, HTML, stdin, bad inputs."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from newsgraph.errors import InputError
from newsgraph.ingest import articles
from newsgraph.ingest.articles import Article

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "data"
INPUTS = Path(__file__).resolve().parent / "inputs"
MAX_BYTES = 5_000_000


def read_all(
    *paths: Path | str, max_bytes: int = MAX_BYTES, published: dt.date | None = None
) -> list[Article | InputError]:
    return list(articles.read([str(p) for p in paths], max_bytes, published))


def only_article(path: Path, **kwargs: object) -> Article:
    items = read_all(path, **kwargs)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---------------------------------------------------------------- .txt and the title rule


def test_txt_short_first_line_without_full_stop_is_the_title_and_stays_in_the_text(
    tmp_path: Path,
) -> None:
    text = "Biden presses Xi on Russia\nUS President Joe Biden spoke to Xi Jinping on Friday.\n"
    article = only_article(write(tmp_path, "a.txt", text))
    assert article.title == "Biden presses Xi on Russia"
    assert article.text == text  # the title line is kept, so offsets are file offsets
    assert article.body_start == len("Biden presses Xi on Russia\n")
    assert article.text[article.body_start :].startswith("US President Joe Biden")


@pytest.mark.parametrize("ending", [".", "!", "?", ":", ";", ","])
def test_txt_first_line_ending_in_punctuation_is_body_not_title(
    tmp_path: Path, ending: str
) -> None:
    text = f"Joe Biden spoke to Xi Jinping on Friday{ending}\nThe call lasted two hours.\n"
    article = only_article(write(tmp_path, "a.txt", text))
    assert article.title is None
    assert article.body_start == 0
    assert article.text == text


def test_txt_first_line_longer_than_the_limit_is_not_a_title(tmp_path: Path) -> None:
    first = "word " * (articles.TITLE_MAX_CHARS // 5 + 1)
    article = only_article(write(tmp_path, "a.txt", first.strip() + "\nSecond line.\n"))
    assert len(first.strip()) > articles.TITLE_MAX_CHARS
    assert article.title is None and article.body_start == 0


def test_txt_single_line_is_body_not_title(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "a.txt", "Joe Biden spoke to Xi Jinping on Friday"))
    assert article.title is None and article.body_start == 0


def test_sample_article_with_headline_line_has_a_title_and_the_other_has_none() -> None:
    with_title = only_article(SAMPLE_DATA / "000_ee27ff7c3978a191.txt")
    assert (
        with_title.title
        == "US President Joe Biden is pressuring his Chinese counterpart, Xi Jinping, "
        "on Russia’s support"
    )
    assert with_title.text[: with_title.body_start] == with_title.title + "\n"
    without_title = only_article(SAMPLE_DATA / "004_c73451ecdcd84528.txt")
    assert without_title.title is None
    assert without_title.body_start == 0
    assert without_title.text.startswith("President Joe Biden’s two-hour video call")


def test_txt_source_is_the_path_and_published_comes_from_the_caller(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Headline\nBody text here.\n")
    article = only_article(path, published=dt.date(2022, 3, 19))
    assert article.source == str(path)
    assert article.published == dt.date(2022, 3, 19)
    assert article.url is None


def test_txt_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "a.txt", "\ufeffHeadline\nBody text.\n".encode("utf-8")))
    assert article.title == "Headline"
    assert not article.text.startswith("\ufeff")


def test_curly_and_straight_quotes_are_preserved_in_txt_and_json(tmp_path: Path) -> None:
    body = '“We will respond,” he said. "Straight quotes" and Russia’s ‘single’ and it\'s fine.'
    txt = only_article(write(tmp_path, "a.txt", "Quotes\n" + body + "\n"))
    assert txt.text[txt.body_start :].rstrip("\n") == body
    record = only_article(write(tmp_path, "b.json", json.dumps({"text": body}, ensure_ascii=True)))
    assert record.text == body


# ---------------------------------------------------------------- JSON and JSON Lines


def test_json_record_gives_text_title_url_published_and_source() -> None:
    article = only_article(INPUTS / "article.json")
    assert article.title == "Biden and Xi hold a video call"
    assert article.url == "https://news.example.org/world/2022/03/18/biden-xi-call"
    assert article.published == dt.date(2022, 3, 18)  # from a datetime string
    assert article.source == "Example News"
    assert article.text.startswith("US President Joe Biden and China’s President Xi Jinping")
    assert "“The president underlined" in article.text
    assert article.body_start == 0


def test_json_source_falls_back_to_url_then_to_the_path(tmp_path: Path) -> None:
    with_url = only_article(
        write(tmp_path, "a.json", json.dumps({"text": "Some text.", "url": "https://x.example/a"}))
    )
    assert with_url.source == "https://x.example/a"
    bare = write(tmp_path, "b.json", json.dumps({"text": "Some text."}))
    assert only_article(bare).source == str(bare)


def test_json_published_overrides_the_default_date_and_the_default_fills_a_gap(
    tmp_path: Path,
) -> None:
    dated = write(
        tmp_path, "a.json", json.dumps({"text": "Some text.", "published": "18 March 2022"})
    )
    undated = write(tmp_path, "b.json", json.dumps({"text": "Some text."}))
    default = dt.date(2020, 1, 1)
    assert only_article(dated, published=default).published == dt.date(2022, 3, 18)
    assert only_article(undated, published=default).published == default


def test_jsonl_reads_every_record_and_reports_the_bad_line_by_number() -> None:
    path = INPUTS / "records.jsonl"
    items = read_all(path)
    good = [item for item in items if isinstance(item, Article)]
    bad = [item for item in items if isinstance(item, InputError)]
    assert [a.title for a in good] == ["First record", "Second record", "Fourth record"]
    assert [a.published for a in good] == [dt.date(2022, 3, 17), dt.date(2022, 3, 18), None]
    assert len(bad) == 1
    assert bad[0].source == f"{path}:3"
    assert "malformed JSON" in bad[0].reason
    assert str(path) in str(bad[0])


def test_jsonl_record_without_text_is_reported_by_line_and_the_rest_go_on(tmp_path: Path) -> None:
    lines = [{"text": "One."}, {"title": "no text"}, {"text": "   "}, {"text": "Four."}]
    path = write(tmp_path, "r.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    items = read_all(path)
    assert [i.text for i in items if isinstance(i, Article)] == ["One.", "Four."]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.source for e in errors] == [f"{path}:2", f"{path}:3"]
    assert all("'text'" in e.reason for e in errors)


def test_stdin_dash_reads_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        json.dumps({"text": "Russia accused Ukraine of shelling.", "title": "From stdin"}),
        "{not json",
        "",
        json.dumps({"text": "Canada sent aid.", "published": "2022-03-18"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    items = read_all("-", published=dt.date(2022, 3, 19))
    assert isinstance(items[0], Article) and items[0].title == "From stdin"
    assert items[0].source == "<stdin>:1"
    assert items[0].published == dt.date(2022, 3, 19)
    assert isinstance(items[1], InputError) and items[1].source == "<stdin>:2"
    assert "malformed JSON" in items[1].reason
    assert isinstance(items[2], Article) and items[2].published == dt.date(2022, 3, 18)
    assert len(items) == 3


# ---------------------------------------------------------------- HTML


def test_html_text_holds_the_article_paragraphs_not_the_nav_or_footer() -> None:
    article = only_article(INPUTS / "page.html")
    assert "spoke for nearly two hours on Friday in a video call" in article.text
    assert "the White House said in a statement after the call ended" in article.text
    assert "warning against sanctions that harm ordinary people" in article.text
    for boilerplate in (
        "Subscribe to our newsletter",
        "World section",
        "Copyright 2022",
        "Contact our newsroom",
    ):
        assert boilerplate not in article.text
    assert article.title == "Leaders hold video call over Ukraine"
    assert article.url == "https://news.example.org/world/leaders-video-call"
    assert article.published == dt.date(2022, 3, 18)


def test_html_headline_at_the_start_of_the_text_is_not_body() -> None:
    """As for .txt: a headline kept in the text sits before body_start, else it is read as body."""
    article = only_article(INPUTS / "page.html")
    assert article.text[article.body_start :].lstrip().startswith("US President Joe Biden")


def test_html_without_article_text_is_an_input_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "empty.html",
        "<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
    )
    [error] = read_all(path)
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert "no article text" in error.reason


# ---------------------------------------------------------------- folders


def test_folder_is_walked_recursively_in_sorted_order_skipping_other_files(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "B headline\nB body.\n")
    write(tmp_path, "a/c.json", json.dumps({"text": "C body."}))
    write(tmp_path, "notes.pdf", b"%PDF-1.4")
    items = read_all(tmp_path)
    assert [Path(i.source).name for i in items] == ["c.json", "b.txt"]
    assert all(isinstance(i, Article) for i in items)


# ---------------------------------------------------------------- bad inputs

LATIN1 = "Café au lait à Genève, dit le ministre.".encode("latin-1")

BAD_INPUTS = [
    ("empty.txt", b"", "file is empty"),
    ("blank.txt", b"  \n\n \t\n", "file is empty"),
    ("empty.json", b"", "file is empty"),
    ("empty.html", b"", "file is empty"),
    ("empty.jsonl", b"", "file is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ("binary.json", b'{"text": "a\x00b"}', "binary"),
    ("latin1.txt", LATIN1, "not UTF-8"),
    ("latin1.json", b'{"text": "' + LATIN1 + b'"}', "not UTF-8"),
    ("latin1.jsonl", b'{"text": "' + LATIN1 + b'"}\n', "not UTF-8"),
    ("malformed.json", b'{"text": "Biden spoke",}', "malformed JSON"),
    ("notext.json", b'{"title": "A title", "url": "https://x.example/a"}', "no non-empty 'text'"),
    ("emptytext.json", b'{"text": "   "}', "no non-empty 'text'"),
    ("array.json", b'[{"text": "Biden spoke"}]', "expected a JSON object"),
    ("badurl.json", b'{"text": "Biden spoke", "url": "ftp://x.example/a"}', "not an http(s) URL"),
    ("baddate.json", b'{"text": "Biden spoke", "published": "not a date"}', "is not a date"),
    ("numberdate.json", b'{"text": "Biden spoke", "published": 20220318}', "must be a string date"),
    ("numbertitle.json", b'{"text": "Biden spoke", "title": 7}', "'title' must be a string"),
    ("report.pdf", b"%PDF-1.4 Biden spoke", "unsupported file type .pdf"),
    ("README", b"Biden spoke", "unsupported file type (none)"),
]


@pytest.mark.parametrize(
    ("name", "content", "reason"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_is_an_input_error_naming_the_file_and_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = write(tmp_path, name, content)
    items = read_all(path)
    assert len(items) == 1, items
    [error] = items
    assert isinstance(error, InputError), error
    assert error.source == str(path)
    assert reason in error.reason
    assert str(error).startswith(f"{path}: ")


def test_oversized_file_is_an_input_error_naming_size_and_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "Headline\n" + "Biden spoke. " * 100)
    [error] = read_all(path, max_bytes=200)
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert f"{path.stat().st_size} bytes" in error.reason and "limit of 200" in error.reason


def test_oversized_json_lines_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "big.jsonl", json.dumps({"text": "Biden spoke. " * 100}) + "\n")
    [error] = read_all(path, max_bytes=10)
    assert isinstance(error, InputError)
    assert error.source == str(path) and "over the limit" in error.reason


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "missing.txt"
    [error] = read_all(path)
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert "no such file" in error.reason


def test_read_file_on_a_missing_path_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(InputError) as raised:
        articles.read_file(path, MAX_BYTES)
    assert raised.value.source == str(path) and "cannot read" in raised.value.reason


def test_bad_input_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "A headline\nA body.\n")
    write(tmp_path, "b.txt", b"\x00\x01\x02")
    write(tmp_path, "c.txt", "C headline\nC body.\n")
    items = read_all(tmp_path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]


def test_published_option_parses_iso_dates_and_rejects_others() -> None:
    assert articles.parse_date("2022-03-19", "--published") == dt.date(2022, 3, 19)
    assert articles.parse_date("2022-03-19T10:00:00Z", "--published") == dt.date(2022, 3, 19)
    with pytest.raises(InputError) as raised:
        articles.parse_date("someday", "--published")
    assert raised.value.source == "--published" and "'someday'" in raised.value.reason
