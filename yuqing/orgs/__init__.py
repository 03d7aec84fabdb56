"""Organisation: units as a tree, users in units, roles and data scoping."""
