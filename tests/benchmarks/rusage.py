"""Run one command and write its wall time and its process tree's resource usage as JSON.

Usage: python rusage.py OUT.json COMMAND [ARG...]. Run as a fresh process per measurement, so
that RUSAGE_CHILDREN counts this command's processes and nothing else: CPU time summed over
every process of the tree, and ru_maxrss the peak of its largest process.
"""

import json
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
code = subprocess.call(command)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w", encoding="utf-8") as file:
    json.dump(
        {
            "returncode": code,
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "max_rss": usage.ru_maxrss * 1024,
        },
        file,
    )
sys.exit(code)
