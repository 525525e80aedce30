# One rdfs:label per actor in the union graph, whatever the articles that name it write.
# Each article graph states its own name for an actor (ng:articleLabel); articles may spell one
# actor differently, and the actors graph would otherwise hold every spelling as a label, so a
# query joining rdfs:label would return a row per spelling. The preferred label is the name the
# most articles give the actor; ties go to the name with the fewest capital letters ("Hillary
# Clinton" over "HIllary Clinton"), then to the first in code point order, so the choice never
# depends on the order of ingest. The other names become skos:altLabels.
# The key packs the three criteria into one string that MIN orders: 1e9 - articles (9 digits),
# 1000 + capitals (4 digits), then the name from character 14 on.
# The store code fills the %%...%% slots with IRIs written by Oxigraph (never with user text),
# because SPARQL Update takes no variable bindings. An actor no article graph names any more
# is left alone: the orphan collection that runs before this removes it.
# IRIs are written in full (rdfs:label, skos:altLabel, ng:articleLabel): this update is appended
# after others (replace_article.ru, drop_articles.ru), and Oxigraph takes no PREFIX declaration
# after the first operation.
DELETE { GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2000/01/rdf-schema#label> ?old } }
INSERT { GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2000/01/rdf-schema#label> ?best } }
WHERE {
  {
    SELECT ?actor (MIN(?key) AS ?first) WHERE {
      {
        SELECT ?actor ?name (COUNT(DISTINCT ?article) AS ?articles) WHERE {
          VALUES ?actor { %%TOUCHED_ACTORS%% }
          GRAPH ?article { ?actor <https://w3id.org/newsgraph/ontology#articleLabel> ?name }
        }
        GROUP BY ?actor ?name
      }
      BIND (CONCAT(STR(1000000000 - ?articles),
                   STR(1000 + STRLEN(REPLACE(?name, "[^\\p{Lu}]", ""))), STR(?name)) AS ?key)
    }
    GROUP BY ?actor
  }
  BIND (SUBSTR(?first, 14) AS ?best)
  OPTIONAL { GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2000/01/rdf-schema#label> ?old } }
} ;
INSERT { GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2004/02/skos/core#altLabel> ?name } }
WHERE {
  VALUES ?actor { %%TOUCHED_ACTORS%% }
  GRAPH ?article { ?actor <https://w3id.org/newsgraph/ontology#articleLabel> ?name }
  GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  FILTER (?name != ?label)
} ;
DELETE { GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2004/02/skos/core#altLabel> ?label } }
WHERE {
  VALUES ?actor { %%TOUCHED_ACTORS%% }
  GRAPH %%ACTORS%% { ?actor <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <http://www.w3.org/2004/02/skos/core#altLabel> ?label }
}
