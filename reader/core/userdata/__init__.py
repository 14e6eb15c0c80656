"""Files the analyst owns: sidecars, saved searches, history, keymaps, batch state."""
