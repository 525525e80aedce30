"""Dies in the middle of a bulk load, as a killed ingest would.

Usage: python interrupted_load.py STORE GRAPHS.pickle. Writes the pickled article graphs (all
new to the store) through the store's bulk path, but the bulk load ingests only the first half
of the chunk before the process exits without cleaning up, leaving its journal behind.
"""

import os
import pickle
import sys

from pyoxigraph import NamedNode, RdfFormat

from newsgraph import store as store_module
from newsgraph.ontology import Minter
from newsgraph.settings import Settings


def crash_halfway(chunk: store_module.BulkChunk, store: object) -> None:
    chunk._file.flush()
    os.fsync(chunk._file.fileno())
    chunk._file.close()
    lines = chunk.path.read_bytes().splitlines(keepends=True)
    half = b"".join(lines[: len(lines) // 2])
    store.bulk_load(half, format=RdfFormat.N_QUADS, lenient=True)
    store.flush()
    os._exit(3)


if __name__ == "__main__":
    folder, graphs_file = sys.argv[1], sys.argv[2]
    with open(graphs_file, "rb") as file:
        graphs = pickle.load(file)
    store_module.BulkChunk.load = crash_halfway
    actors = Minter(Settings().base).actors_graph()
    with store_module.StoreFolder(folder).writer() as writer:
        for graph in graphs:
            writer.write_article(
                NamedNode(graph.article), graph.triples, actors, graph.actor_triples, graph.derived
            )
        writer.flush_bulk()
