"""The push API: ``POST /api/v1/items`` with a per-source token."""
