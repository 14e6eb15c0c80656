"""Cross-language search: a query word's translations from the gazetteer, names across scripts,
the learned lexicon and installed dictionaries."""
