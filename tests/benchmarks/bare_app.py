"""The baseline for the HTTP figures: a bare ASGI app that runs the same queries on the same
snapshot in its own process and lets Oxigraph serialize the results, with nothing else.

Usage: python bare_app.py SNAPSHOT PORT. Answers GET /sparql?query=... and
GET /api/queries/NAME?param=... in SPARQL JSON; served by uvicorn with its default settings,
as newsgraph's server is.
"""

import sys
from urllib.parse import parse_qsl

import uvicorn
from pyoxigraph import QueryResultsFormat, Store

from newsgraph import queries
from newsgraph.ontology import PREFIXES

snapshot, port = sys.argv[1], int(sys.argv[2])
store = Store.read_only(snapshot)
canned = queries.load()
JSON = [(b"content-type", b"application/sparql-results+json")]


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    params = dict(parse_qsl(scope["query_string"].decode()))
    path = scope["path"]
    if path == "/sparql":
        results = store.query(params["query"], use_default_graph_as_union=True, prefixes=PREFIXES)
    else:
        query = canned[path.rsplit("/", 1)[1]]
        results = store.query(
            query.text, use_default_graph_as_union=True, substitutions=query.bind(params)
        )
    body = results.serialize(format=QueryResultsFormat.JSON)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*JSON, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
