"""Run one command and write its wall time and its process tree's resource usage as JSON.

Usage: python rusage.py OUT.json COMMAND [ARG...]. Run as a fresh process per measurement, so
that RUSAGE_CHILDREN counts this command's processes and nothing else: CPU time summed over
every process of the tree, and ru_maxrss the peak of its largest process.

A process counts there once its parent waits for it, so this one is the tree's subreaper
(prctl PR_SET_CHILD_SUBREAPER): what the command leaves to end after it, such as the forkserver
of ingest's workers, which waits for them, is handed to this process and waited for here.
Without that, the workers' CPU and memory went uncounted.
"""

import ctypes
import json
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36  # prctl(2)

out, command = sys.argv[1], sys.argv[2:]
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)
started = time.perf_counter()
code = subprocess.call(command)
wall = time.perf_counter() - started
while True:
    try:
        os.wait()  # the command's orphans, once they end
    except ChildProcessError:
        break
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
