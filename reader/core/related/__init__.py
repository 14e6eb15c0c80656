"""Related articles: language-neutral features, the relatedness store, alignment, stories."""
