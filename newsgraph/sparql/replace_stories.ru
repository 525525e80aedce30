# Rewrite the stories that changed, in one transaction: the triples of the stories that are gone
# or changed out, those of the new or changed ones in. The stories code fills the %%...%% slots
# with an IRI and N-Triples written by Oxigraph's serializer (never with user text).
DELETE DATA {
  GRAPH %%STORIES%% {
%%OLD_TRIPLES%%
  }
} ;
INSERT DATA {
  GRAPH %%STORIES%% {
%%NEW_TRIPLES%%
  }
}
