"""Teams sharing a corpus through git: the merge driver for tags, notes and the gazetteer, and its setup."""
