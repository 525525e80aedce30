"""Imported by the server that ingest's workers are forked from (newsgraph.ingest.workers): the
spaCy pipeline and the extraction modules, loaded once, before the first fork, so that every
worker starts with them.

Importing this module is its effect, since multiprocessing's forkserver can only preload
modules. The model comes from the server's environment.
"""

import gc
import os

from newsgraph.ingest.workers import PRELOAD_MODEL, SINGLE_THREADED

# Before spaCy imports numpy, which reads them once: every worker keeps to one thread.
for _name in SINGLE_THREADED:
    os.environ.setdefault(_name, "1")

if _model := os.environ.get(PRELOAD_MODEL):
    try:
        from newsgraph.ingest import encoding, nlp, parsing  # noqa: F401 - imported to be shared

        nlp.load(_model)
        # What is loaded stays for every worker's life: the collector need not scan it, nor
        # write to it (the writes would copy each page a worker shares with this process).
        gc.freeze()
    except Exception:  # noqa: BLE001 - a worker loads the model again, and reports the failure
        pass
