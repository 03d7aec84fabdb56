"""Search over collected items and the query language it shares with monitoring schemes.

A plain package, not a Django app: :mod:`yuqing.search.query` is a pure library (parser,
matcher) that the alerts and search apps build on.
"""
