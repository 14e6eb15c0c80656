"""Full-text search: the Whoosh index, its analysis, parsing and ranking (the only code that imports Whoosh)."""
