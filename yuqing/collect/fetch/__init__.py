"""HTTP for the connectors: one polite, bounded client (:mod:`.client`).

Every request a connector makes goes through :class:`~.client.Fetcher`, so politeness
(robots.txt, per-host pacing and concurrency, a User-Agent naming yuqing) and the limits that
keep a bad server from stalling the collector (timeouts, size cap, redirect limit, retries with
backoff) hold everywhere, and every failure arrives as one :class:`~.errors.FetchError` with a
message a user can read.
"""
