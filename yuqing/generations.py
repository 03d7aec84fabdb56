"""Starting values of the generation counters that tell in-memory caches they are stale.

A cache remembers the generation it was built at and rebuilds when the stored one differs. A
counter starting at 0 would let a cache built before the database was emptied or replaced (a
restore, a test flush) match the new row's 0 and serve another database's state; a random
start makes that coincidence practically impossible.
"""

from __future__ import annotations

import secrets


def random_start() -> int:
    """A random 48-bit starting generation (room for 2^63 bumps after it)."""
    return secrets.randbits(48)
