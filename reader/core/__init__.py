"""Domain logic of reader: corpus, index, entities, relatedness, sidecars. Imports no UI code."""
