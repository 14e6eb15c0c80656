"""Plain controllers of the main screen (tags, workflow, entities, related, orphans); each owns its state and
sees the screen only through `port.ScreenPort`."""
