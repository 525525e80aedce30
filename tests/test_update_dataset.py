"""The protocol's using-graph-uri / using-named-graph-uri as USING clauses of the parsed update:
where they go, what they leave alone, and the conflict the protocol forbids."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Quad, Store

from newsgraph.errors import BadRequest
from newsgraph.server.update_dataset import operations, with_dataset

G1, G2 = NamedNode("http://example.org/g1"), NamedNode("http://example.org/g2")
OUT = "http://example.org/out"


def store() -> Store:
    data = Store()
    for graph in (G1, G2):
        data.add(Quad(graph, NamedNode("urn:p"), NamedNode("urn:o"), graph))
    return data


def test_each_delete_insert_gets_the_using_clauses_and_data_operations_are_left_alone() -> None:
    text = (
        "PREFIX ex: <http://example.org/>\n"
        "INSERT DATA { <urn:a> <urn:b> 'WHERE ; USING' } ; # WHERE in a comment\n"
        f"INSERT {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }} ;\n"
        f"DELETE WHERE {{ GRAPH <{OUT}> {{ ?s <urn:never> ?o }} }}"
    )
    rewritten = with_dataset(text, [G1], [G2])
    assert [op.kind for op in operations(rewritten)] == ["INSERT", "MODIFY", "MODIFY"]
    assert rewritten.count("USING <http://example.org/g1>") == 2
    assert rewritten.count("USING NAMED <http://example.org/g2>") == 2
    assert "'WHERE ; USING'" in rewritten and "# WHERE in a comment" in rewritten
    data = store()
    data.update(rewritten)
    out = {str(q.subject) for q in data.quads_for_pattern(None, None, None, NamedNode(OUT))}
    assert out == {str(G1)}  # the default graph of the WHERE was g1 alone


def test_named_graphs_alone_leave_the_default_graph_empty() -> None:
    data = store()
    data.update(
        with_dataset(f"INSERT {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}", [], [G2])
    )
    assert not list(data.quads_for_pattern(None, None, None, NamedNode(OUT)))


@pytest.mark.parametrize(
    "text",
    [
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }",
        "INSERT { ?s ?p ?o } USING NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_an_update_with_its_own_dataset_and_the_parameters_is_refused(text: str) -> None:
    with pytest.raises(BadRequest, match="USING"):
        with_dataset(text, [G1], [])
    assert with_dataset(text, [], []) == text  # without the parameters it is left as it is
