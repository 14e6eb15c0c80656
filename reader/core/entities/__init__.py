"""Named entities: automatic recognition and the analyst's gazetteer."""
