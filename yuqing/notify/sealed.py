"""Channel secrets sealed at rest: webhook addresses, signing keys and mail passwords are
stored encrypted, so a database dump or a copied SQLite file does not hand out the keys of an
office's chat robots and mailboxes (classified-protection reviews — 等保 2.0 — ask for
important data to be kept confidential in storage).

Sealing is Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under keys derived
from ``YUQING_SECRETS_KEY``: a comma-separated list, the first key seals, every key unseals,
so a key is rotated by putting a new one first (a row is sealed afresh when saved, and all at
once by ``yuqing reseal``). Unset, a random key is generated once into the data directory;
set it from the environment to keep it out of backups of that directory.

A value that no configured key opens is read as an :class:`Unreadable` empty mapping rather
than an error, so the channel pages still open and the delivery fails saying why.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

#: Marks a sealed value (and the scheme, should it ever change).
PREFIX = "yq-sealed-1:"


class Unreadable(dict[str, str]):
    """The secrets of a row sealed under a key that is no longer configured: empty."""


def _fernet_key(key: str) -> bytes:
    """A Fernet key from any configured string. Keys are passphrases, not base64, so they
    go through scrypt: a weak one typed by a person costs a guesser ~50 ms a try (once per
    key per process here)."""
    digest = hashlib.scrypt(key.encode(), salt=b"yuqing channel secrets", n=2**14, r=8, p=1,
                            dklen=32)
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("YUQING_SECRETS_KEY holds no key")
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.YUQING_SECRETS_KEYS))


def seal(secrets: dict[str, str]) -> str:
    return PREFIX + cipher().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def unseal(stored: str) -> dict[str, str]:
    """The secrets in a stored value; :class:`Unreadable` if no configured key opens it."""
    if not stored.startswith(PREFIX):
        raise ValueError("not a sealed value")
    try:
        plain = cipher().decrypt(stored.removeprefix(PREFIX).encode())
    except InvalidToken:
        return Unreadable()
    value: dict[str, str] = json.loads(plain)
    return value


class SealedSecretsField(models.TextField):
    """A ``dict`` of secrets in Python, one sealed string in the database and in dumps."""

    # What django-stubs' mypy plugin types the model attribute as (a TextField's is str).
    _pyi_private_set_type: dict[str, str]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, str]  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any
                      ) -> dict[str, str]:
        return self.to_python(value)

    def to_python(self, value: Any) -> dict[str, str]:
        if isinstance(value, str):
            return unseal(value) if value else {}
        return dict(value or {})

    def get_prep_value(self, value: Any) -> str:
        if isinstance(value, Unreadable):
            raise ValueError("secrets that could not be unsealed cannot be saved back; "
                             "enter them again")
        if isinstance(value, str) and value.startswith(PREFIX):
            return value  # already sealed (loaddata of a dump)
        return seal(dict(value or {}))

    def value_to_string(self, obj: models.Model) -> str:
        """Dumps keep the sealed form."""
        return self.get_prep_value(self.value_from_object(obj))


def reseal() -> tuple[int, int]:
    """Seal every channel's secrets afresh under the first key, after a rotation; returns
    (resealed, unreadable) — the latter were sealed under a key no longer configured."""
    from yuqing.notify.models import Channel

    done = lost = 0
    for pk, secrets in Channel.objects.values_list("pk", "secrets"):
        if isinstance(secrets, Unreadable):
            lost += 1
        else:
            done += Channel.objects.filter(pk=pk).update(secrets=secrets)
    return done, lost
