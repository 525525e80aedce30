"""A small HTTP/1.1 load generator, run as its own process: keep-alive connections, each
sending one request after another, until a number of requests or a time is reached.

Usage: python load.py PORT CONCURRENCY REQUESTS SECONDS ACCEPT PATH [PATH...]. Paths are taken
in turn, each at most once when there are as many as requests; @FILE stands for the paths in
FILE, one per line. Prints JSON: requests, errors, seconds, requests per second and latency
percentiles in milliseconds. Written on asyncio streams rather than an HTTP library, so that
the generator spends little of the CPU it shares with the server.
"""

import asyncio
import json
import sys
import time


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    status = int((await reader.readline()).split(b" ", 2)[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        await reader.readexactly(length)
    return status


async def client(port: int, requests: list[bytes], state: dict, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while state["left"] > 0 and time.perf_counter() < state["deadline"]:
            state["left"] -= 1
            request = requests[state["left"] % len(requests)]
            started = time.perf_counter()
            status = await exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                state["errors"] += 1
    finally:
        writer.close()


async def main() -> None:
    port, concurrency, total, seconds = (
        int(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        float(sys.argv[4]),
    )
    accept, paths = sys.argv[5], []
    for argument in sys.argv[6:]:
        if argument.startswith("@"):
            with open(argument[1:], encoding="utf-8") as lines:
                paths += lines.read().split()
        else:
            paths.append(argument)
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode()
        for path in paths
    ]
    state = {"left": total, "errors": 0, "deadline": time.perf_counter() + seconds}
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(client(port, requests, state, latencies) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": state["errors"],
                "seconds": round(elapsed, 3),
                "rps": round(len(latencies) / elapsed, 1),
                "p50_ms": percentile(0.50),
                "p90_ms": percentile(0.90),
                "p99_ms": percentile(0.99),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
