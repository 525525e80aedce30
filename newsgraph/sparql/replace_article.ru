# Replace one article graph and its actors in one transaction.
# The ingest code fills the %%...%% slots with terms and N-Triples written by Oxigraph's own
# serializer (never with user text), because SPARQL Update takes no variable bindings.
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
DROP SILENT GRAPH %%ARTICLE%% ;
INSERT DATA {
  GRAPH %%ARTICLE%% {
%%ARTICLE_TRIPLES%%
  }
  GRAPH %%ACTORS%% {
%%ACTOR_TRIPLES%%
  }
} ;
DELETE { GRAPH %%ACTORS%% { ?actor ?p ?o } }
WHERE {
  VALUES ?actor { %%FORMER_ACTORS%% }
  GRAPH %%ACTORS%% { ?actor ?p ?o }
  FILTER NOT EXISTS { GRAPH ?any { ?actor gaf:denotedBy ?mention } }
}
