"""The optional semantic tier of cross-language search: an article's meaning as a vector from a
multilingual embedding model (the `semantic` extra), searched by similarity and fused with the words."""

VECTORS_FILE = "semantic-vectors.bin"  # in the index folder; named here so checking for it needs no NumPy
