"""Finding and reading articles: files, formats, dates, languages."""
