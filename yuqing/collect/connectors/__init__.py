"""Connectors: how each kind of source is collected (one package per kind).

A connector turns a :class:`~yuqing.collect.models.Source` and its settings into item records
handed to a :class:`~.base.Run`; it never writes to the database itself. The run (see
:mod:`yuqing.collect.sources.run`) owns fetching politeness, the memory of seen URLs, the
cursor and the writes through the ingest pipeline, so a connector is only the part that knows
a format: RSS/Atom (``rss``), web list pages (``web``), sitemaps (``sitemap``), JSON APIs
(``jsonapi``), a watched folder (``folder``) and the push API (``push``, which is not fetched
but counts for health). :mod:`.registry` loads them lazily by source kind.
"""
