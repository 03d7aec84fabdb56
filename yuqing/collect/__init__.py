"""Collection: sources, items, file import and the push API."""
