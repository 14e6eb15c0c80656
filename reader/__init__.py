"""reader: a terminal exploratory reader for multilingual news corpora."""

__version__ = "0.1.0"
