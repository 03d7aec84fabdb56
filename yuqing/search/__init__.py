"""Search over collected items, and the query language it shares with monitoring schemes.

:mod:`yuqing.search.query` is a pure library (parser, matcher) that the alerts app builds on
too; the rest is the search app: one interface (:mod:`.engine`) over an embedded tantivy
index or PostgreSQL (:mod:`.backends`), kept in step with the database by :mod:`.indexing`.
"""
