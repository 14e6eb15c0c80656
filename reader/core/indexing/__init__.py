"""Building the index: loader processes that read, recognise and analyse articles."""
