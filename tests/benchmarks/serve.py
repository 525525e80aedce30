"""Runs newsgraph's server for the benchmarks. Usage: python serve.py STORE PORT MAX_ROWS."""

import sys

from newsgraph.server import serve
from newsgraph.settings import Settings

if __name__ == "__main__":
    store, port, max_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # No access log, as the bare app it is measured against has none (docs/benchmarks.md).
    settings = Settings(store=store, host="127.0.0.1", port=port, max_rows=max_rows)
    serve(settings.replace(query_timeout=120.0, access_log=False))
