"""Settings of the search capability (docs/settings.md), read from the environment when used.

Read at call time rather than in ``settings.py`` so that this app owns its settings and a
test can point the index somewhere else with an environment variable.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from yuqing.env import env_choice, env_int, env_path

#: The backends: ``embedded`` (a tantivy index in a directory) and ``postgres`` (a table with a
#: character-bigram ``tsvector`` in the database itself); ``auto`` picks by the database.
BACKENDS = ("auto", "embedded", "postgres")


def backend_name() -> str:
    """``embedded`` or ``postgres``: ``auto`` means PostgreSQL's own index when the database
    is PostgreSQL (every web server then sees the same index), the embedded one otherwise."""
    chosen = env_choice("YUQING_SEARCH_BACKEND", "auto", BACKENDS)
    postgres = connection.vendor == "postgresql"
    if chosen == "auto":
        return "postgres" if postgres else "embedded"
    if chosen == "postgres" and not postgres:
        raise ImproperlyConfigured("YUQING_SEARCH_BACKEND=postgres needs a PostgreSQL "
                                   "database (DATABASE_URL)")
    return chosen


def index_dir() -> Path:
    """Where the embedded index lives; one sub-directory per schema version."""
    return env_path("YUQING_SEARCH_DIR", Path(settings.DATA_DIR) / "search")


def index_every() -> int:
    """Seconds between two runs of the job that indexes newly analysed items."""
    return env_int("YUQING_SEARCH_INDEX_EVERY", 2, minimum=1, maximum=3600)


def index_batch() -> int:
    """Items written per index commit: larger batches index faster, smaller ones show up
    sooner and hold less memory."""
    return env_int("YUQING_SEARCH_INDEX_BATCH", 5000, minimum=100, maximum=200_000)


def writer_mb() -> int:
    """Memory (MB) of the embedded index's writer before it flushes a segment to disk."""
    return env_int("YUQING_SEARCH_WRITER_MB", 128, minimum=16, maximum=4096)


def verify_max() -> int:
    """Most candidates a query the index cannot answer exactly (``NEAR``) checks one by one;
    beyond it the total is shown as an estimate."""
    return env_int("YUQING_SEARCH_VERIFY_MAX", 20_000, minimum=100, maximum=10_000_000)
