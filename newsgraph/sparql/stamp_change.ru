# Stamp a change of an external store: a newsgraph writer sends this with each write, in the
# same request, and `newsgraph serve --endpoint` keys its result cache on the stamp. Store
# metadata, not part of the ontology: hence URNs rather than ng: terms. A fresh stamp rather
# than a count: Virtuoso 7.2 does not delete literals through a DELETE template, so it cannot
# increment a count in place; DELETE WHERE it does.
DELETE WHERE { GRAPH <urn:newsgraph:changes> { <urn:newsgraph:changes> <urn:newsgraph:lastChange> ?stamp } } ;
INSERT DATA { GRAPH <urn:newsgraph:changes> { <urn:newsgraph:changes> <urn:newsgraph:lastChange> %%STAMP%% } }
