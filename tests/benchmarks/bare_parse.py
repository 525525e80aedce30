"""The baseline for ingest: bare spaCy over the same files, and nothing else.

Usage: python bare_parse.py FOLDER WORKERS BATCH_SIZE MODEL. Reads every .txt file in FOLDER in
the order `newsgraph ingest` does, loads the same pipeline (newsgraph.ingest.nlp.load: the same
components, the paragraph rule included, since it shapes the parse) but without the known-actors
entity ruler, which is newsgraph's own work and so counts on ingest's side of the ratio, and runs
nlp.pipe with the same batch size and process count, keeping no Doc.
"""

import sys
from pathlib import Path

from newsgraph.ingest import nlp

folder, workers, batch_size, model = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def texts():
    for path in sorted(Path(folder).rglob("*.txt")):
        yield path.read_text(encoding="utf-8").replace("\r\n", "\n")


if __name__ == "__main__":
    pipeline = nlp.load(model, known_actors=False)
    count = sum(1 for _ in pipeline.pipe(texts(), batch_size=batch_size, n_process=workers))
    print(count)
