"""Reading inputs into Articles: .txt, .html, .json, .jsonl files, folders, and stdin."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dateutil import parser as dateparser

from newsgraph.errors import InputError

log = logging.getLogger(__name__)
SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
# A first line longer than this, or ending in a full stop, is body text rather than a title.
TITLE_MAX_CHARS = 200


@dataclass(frozen=True)
class Article:
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    # Where the body starts in `text`: a title line stays in the text, so offsets are file offsets.
    body_start: int = 0

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def parse_date(value: Any, source: str) -> dt.date | None:
    """A publication date from ISO dates, datetimes or common written forms; raises InputError."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(source, f"'published' must be a string date, not {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        parsed: dt.datetime = dateparser.parse(value)
        return parsed.date()
    except (ValueError, OverflowError):
        raise InputError(source, f"'published' value {value!r} is not a date") from None


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise InputError(source, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(source, "file is binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(source, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    if not text.strip():  # Unicode spaces, or a byte-order mark and spaces
        raise InputError(source, "file is empty (only whitespace)")
    return text


def from_text(text: str, source: str, published: dt.date | None = None) -> Article:
    """An article from plain text: a short first line without a closing full stop is its title."""
    text = text.replace("\r\n", "\n")
    first, newline, rest = text.partition("\n")
    title = first.strip()
    # A sentence may end inside its closing quote: 'He said: "We will win."'
    ending = title.rstrip("\"'’”)]")
    is_title = (
        newline
        and rest.strip()
        and 0 < len(title) <= TITLE_MAX_CHARS
        and not ending.endswith((".", "!", "?", ":", ";", ","))
    )
    if is_title:
        return Article(text, source, title=title, published=published, body_start=len(first) + 1)
    return Article(text, source, published=published)


def from_record(record: Any, source: str, published: dt.date | None = None) -> Article:
    """An article from a JSON object with `text` and optional title, url, published, source."""
    if not isinstance(record, dict):
        raise InputError(source, f"expected a JSON object, found {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(source, "record has no non-empty 'text' field")
    for name in ("title", "url", "source"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise InputError(source, f"field {name!r} must be a string")
    url = record.get("url") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise InputError(source, f"'url' {url!r} is not an http(s) URL")
    return Article(
        text=text.replace("\r\n", "\n"),
        source=record.get("source") or url or source,
        title=(record.get("title") or "").strip() or None,
        url=url,
        published=parse_date(record.get("published"), source) or published,
    )


def from_html(html: str, source: str, published: dt.date | None = None) -> Article:
    """An article from an HTML page, main text and metadata pulled by trafilatura."""
    import trafilatura  # only for HTML: a tenth of a second that text and JSON never need

    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None:
        raise InputError(source, "no article text found in the HTML")
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = data.get("text") or ""
    if not text.strip():
        raise InputError(source, "no article text found in the HTML")
    url = (
        data.get("url") if str(data.get("url") or "").startswith(("http://", "https://")) else None
    )
    title = (data.get("title") or "").strip() or None
    return Article(
        text=text,
        source=url or source,
        title=title,
        url=url,
        published=parse_date(data.get("date"), source) or published,
        # Extractors often repeat the headline as the first line: it is not body text.
        body_start=body_start(text, title),
    )


def body_start(text: str, title: str | None) -> int:
    """Where the body starts in a text that may open with its title line."""
    return len(title) + 1 if title and text.startswith(title + "\n") else 0


def read_file(path: Path, max_bytes: int, published: dt.date | None = None) -> list[Article]:
    """Every article in one file; raises InputError for the whole file."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(source, f"cannot read ({error.strerror})") from None
    if size > max_bytes:
        raise InputError(source, f"file is {size} bytes, over the limit of {max_bytes}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(source, f"unsupported file type {suffix or '(none)'}; expected {SUFFIXES}")
    text = _decode(path.read_bytes(), source)
    if suffix == ".txt":
        return [from_text(text, source, published)]
    if suffix in (".html", ".htm"):
        return [from_html(text, source, published)]
    if suffix == ".json":
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                source, f"malformed JSON ({error.msg} at line {error.lineno})"
            ) from None
        return [from_record(record, source, published)]
    raise AssertionError("jsonl files are read line by line")


def read_lines(
    stream: IO[str], source: str, published: dt.date | None
) -> Iterator[Article | InputError]:
    """Articles from JSON Lines, one error per bad line so the other lines go on."""
    empty = True
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        empty = False
        where = f"{source}:{number}"
        try:
            yield from_record(json.loads(line), where, published)
        except json.JSONDecodeError as error:
            yield InputError(where, f"malformed JSON ({error.msg})")
        except InputError as error:
            yield error
        except Exception as error:  # noqa: BLE001 - one bad line must not stop the others
            log.warning("reading %s failed", where, exc_info=True)
            yield InputError(where, f"cannot read: {error!r}")
    if empty:
        yield InputError(source, "file is empty")


def expand(paths: Iterable[str]) -> Iterator[Path | str]:
    """Files under the given paths, folders walked in sorted order; '-' passes through."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES:
                    yield child
        else:
            yield path


def read(
    paths: Iterable[str], max_bytes: int, published: dt.date | None = None
) -> Iterator[Article | InputError]:
    """Every article named by the paths, and an InputError in its place for each bad input.

    No input stops the others: an unexpected error reading one file (a reader's own bug, an
    OSError) is reported as that file's InputError too.
    """
    for path in expand(paths):
        try:
            yield from _read_one(path, max_bytes, published)
        except InputError as error:
            yield error
        except Exception as error:  # noqa: BLE001 - one input's failure must not stop the rest
            log.warning("reading %s failed", path, exc_info=True)
            yield InputError(str(path) if path != "-" else "<stdin>", f"cannot read: {error!r}")


def _read_one(
    path: Path | str, max_bytes: int, published: dt.date | None
) -> Iterator[Article | InputError]:
    if path == "-":
        yield from read_lines(sys.stdin, "<stdin>", published)
        return
    if not isinstance(path, Path):
        raise TypeError(f"expected a path or '-', not {path!r}")
    if not path.exists():
        yield InputError(str(path), "no such file or folder")
    elif path.suffix.lower() == ".jsonl":
        if path.stat().st_size > max_bytes * 100:
            raise InputError(str(path), f"file is over the limit of {max_bytes * 100} bytes")
        try:
            with path.open(encoding="utf-8") as stream:
                yield from read_lines(stream, str(path), published)
        except UnicodeDecodeError as error:
            yield InputError(str(path), f"not UTF-8 text ({error.reason})")
    else:
        yield from read_file(path, max_bytes, published)
