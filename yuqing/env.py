"""Typed readers for ``YUQING_*`` environment variables.

Every setting of the platform comes from the environment (optionally pre-filled from an env
file), through these helpers. Each one has a default and rejects a malformed value with an
error naming the variable, so that a typo in a deployment fails at start-up, not at 3 a.m.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

PREFIX = "YUQING_"
#: Names read from the environment that do not carry the prefix (standard conventions).
UNPREFIXED = frozenset({"DATABASE_URL"})

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingError(ValueError):
    """A ``YUQING_*`` variable holds a value its setting cannot accept."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r} is invalid: expected {expected}")
        self.name = name


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    if not name.startswith(PREFIX) and name not in UNPREFIXED:
        raise ValueError(f"setting {name} must be named {PREFIX}…")
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    bounds = f"an integer in [{minimum if minimum is not None else '-∞'}, "
    bounds += f"{maximum if maximum is not None else '∞'}]"
    try:
        number = int(value)
    except ValueError:
        raise SettingError(name, value, bounds) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise SettingError(name, value, bounds)
    return number


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; empty items are an error (usually a stray comma)."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [part.strip() for part in value.split(",")]
    if any(not item for item in items):
        raise SettingError(name, value, "a comma-separated list without empty items")
    return items


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise SettingError(name, value, "one of " + ", ".join(choices))
    return value


def env_url(name: str, default: str, schemes: tuple[str, ...],
            environ: Mapping[str, str] | None = None) -> str:
    """A URL with one of ``schemes`` and something after ``scheme://`` (the host)."""
    value = _raw(name, environ)
    if value is None:
        return default
    scheme, separator, rest = value.partition("://")
    if not separator or scheme.lower() not in schemes or not rest:
        raise SettingError(name, value, "a URL starting with "
                           + " or ".join(f"{s}://" for s in schemes))
    return value


def env_path(name: str, default: Path, environ: Mapping[str, str] | None = None) -> Path:
    value = _raw(name, environ)
    return (default if value is None else Path(value).expanduser()).resolve()


def load_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> None:
    """Fill ``environ`` from a ``KEY=VALUE`` file without overriding variables already set.

    Only ``YUQING_*`` and the few standard names are accepted, so a file copied from another
    program cannot silently change unrelated behaviour.
    """
    target = os.environ if environ is None else environ
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        key = key.strip().removeprefix("export ").strip()
        if not sep or not (key.startswith(PREFIX) or key in UNPREFIXED):
            raise ValueError(f"{path}:{number}: expected YUQING_NAME=value, got {stripped!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        target.setdefault(key, value)
