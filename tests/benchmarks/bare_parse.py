"""The baseline for ingest: bare spaCy over the same files, and nothing else.

Usage: python bare_parse.py FOLDER WORKERS BATCH_SIZE MODEL [IDLE_THREADS]. Reads every .txt file
in FOLDER in the order `newsgraph ingest` does, loads the same pipeline (newsgraph.ingest.nlp.load:
the same components, the paragraph rule included, since it shapes the parse) but without the
known-actors entity ruler, which is newsgraph's own work and so counts on ingest's side of the
ratio, and runs nlp.pipe with the same batch size and process count, keeping no Doc.

IDLE_THREADS threads (none unless given) start first and wait, doing nothing, until the parse is
over, as a Dask worker's threads wait beside the one that runs its tasks.
"""

import sys
import threading
from pathlib import Path

from newsgraph.ingest import nlp

folder, workers, batch_size, model = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
idle_threads = int(sys.argv[5]) if len(sys.argv) > 5 else 0


def texts():
    for path in sorted(Path(folder).rglob("*.txt")):
        yield path.read_text(encoding="utf-8").replace("\r\n", "\n")


if __name__ == "__main__":
    parsed = threading.Event()
    for _ in range(idle_threads):
        threading.Thread(target=parsed.wait, daemon=True).start()
    pipeline = nlp.load(model, known_actors=False)
    count = sum(1 for _ in pipeline.pipe(texts(), batch_size=batch_size, n_process=workers))
    parsed.set()
    print(count)
