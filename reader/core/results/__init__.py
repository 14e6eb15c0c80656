"""What a search gives back, in plain Python: snippets, facet counts, narrowing clauses, date histograms."""
