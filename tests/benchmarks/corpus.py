"""The benchmark corpus: copies of the sample articles, each with a line of its own.

Built from the texts in tests/articles/ and data/ (the same text found in both counts once).
Copy i is its source text unchanged, then a blank line and "(Benchmark copy i.)", so that every
copy has its own content hash and so its own article IRI, while the spans found in the source
text are the same in every copy.
"""

from __future__ import annotations

import os
from pathlib import Path

from measure import ROOT

SOURCE_FOLDERS = (ROOT / "tests" / "articles", ROOT / "data")
# Articles in the corpus that the ingest speed figures use; BENCH_ARTICLES overrides it.
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "300"))


def source_texts() -> list[tuple[str, str]]:
    """(name, text) of each distinct source article, in a fixed order."""
    texts: dict[str, str] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8").rstrip("\n")
            texts.setdefault(text, path.name)
    return sorted((name, text) for text, name in texts.items())


def copy_text(text: str, number: int) -> str:
    return f"{text}\n\n(Benchmark copy {number}.)\n"


def write(folder: Path, count: int) -> Path:
    """`count` articles as .txt files in `folder` (made if missing); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = source_texts()
    for number in range(count):
        name, text = sources[number % len(sources)]
        path = folder / f"{number:05d}-{name}"
        path.write_text(copy_text(text, number), encoding="utf-8")
    return folder
