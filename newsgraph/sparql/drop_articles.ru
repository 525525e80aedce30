# Take back the articles of an interrupted bulk load in one transaction: drop their graphs, then
# the actors no remaining article mentions. The store code fills the %%...%% slots with IRIs
# written by Oxigraph (never with user text), because SPARQL Update takes no variable bindings.
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
%%DROP_GRAPHS%%
DELETE { GRAPH %%ACTORS%% { ?actor ?p ?o } }
WHERE {
  VALUES ?actor { %%FORMER_ACTORS%% }
  GRAPH %%ACTORS%% { ?actor ?p ?o }
  FILTER NOT EXISTS { GRAPH ?any { ?actor gaf:denotedBy ?mention } }
}
