"""The configured search backend (``YUQING_SEARCH_BACKEND``), one instance per process."""

from __future__ import annotations

import threading

from yuqing.search import conf
from yuqing.search.engine import Backend

__all__ = ["get_backend"]

_lock = threading.Lock()
_backends: dict[tuple[str, str], Backend] = {}


def get_backend() -> Backend:
    """The backend the settings name, reused while they stay the same (an embedded index
    keeps its open reader between requests)."""
    name = conf.backend_name()
    key = (name, str(conf.index_dir()) if name == "embedded" else "")
    with _lock:
        backend = _backends.get(key)
        if backend is None:
            if name == "embedded":
                from yuqing.search.backends.embedded import EmbeddedBackend

                backend = EmbeddedBackend(conf.index_dir(), writer_mb=conf.writer_mb())
            else:
                from yuqing.search.backends.postgres import PostgresBackend

                backend = PostgresBackend()
            _backends[key] = backend
        return backend
