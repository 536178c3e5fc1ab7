"""`parse` and `stats` commands."""
