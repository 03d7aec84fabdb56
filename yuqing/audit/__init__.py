"""Audit log: every write and every export, grouped by the request (or command) that made it."""
