"""Sending one email through Apprise (imported only when an email is sent: its plugin table
is the heaviest import of the delivery code).

The plugin is built from keyword arguments rather than a ``mailto://`` URL so a password
with any character in it needs no quoting. Apprise reports a failure only in its log; the
call's own log capture (Apprise ≥ 2) collects it, including the debug line that names the
socket or SMTP error, which is what an administrator needs to see in the delivery log.
"""

from __future__ import annotations

import logging
from typing import Any

import apprise
from apprise.logger import LOGGER_NAME
from apprise.plugins.email import NotifyEmail

_MODES = {"starttls": "starttls", "ssl": "ssl", "none": "insecure"}
#: Names the sender in the X-Application header (Apprise's own name otherwise).
_ASSET = apprise.AppriseAsset(app_id="yuqing")

# Apprise logs the cause of a failed send (refused connection, rejected login) only at debug
# level. Let its logger produce debug records so the call's capture can collect them, and
# keep them out of yuqing's own log output: the outcome goes to the delivery log instead.
_apprise_log = logging.getLogger(LOGGER_NAME)
_apprise_log.setLevel(logging.DEBUG)
_apprise_log.propagate = False


def plugin(config: dict[str, Any], password: str, timeout: float) -> NotifyEmail:
    mode = _MODES[config.get("security") or "starttls"]
    options: dict[str, Any] = {
        "host": config["host"], "smtp_host": config["host"], "secure_mode": mode,
        "secure": mode != "insecure", "verify": bool(config.get("verify_tls", True)),
        "from_addr": config["from_addr"], "targets": list(config.get("to", [])),
    }
    if config.get("port"):
        options["port"] = int(config["port"])
    if config.get("username"):
        options["user"] = config["username"]
        options["password"] = password or None
    email = NotifyEmail(asset=_ASSET, **options)
    # smtplib's timeout, for connecting and for every later read or write.
    email.socket_connect_timeout = max(1, round(timeout))
    return email


def send(config: dict[str, Any], password: str, *, subject: str, body: str,
         timeout: float) -> str:
    """Send; returns "" on success, else what went wrong."""
    try:
        email = plugin(config, password, timeout)
    except (apprise.exception.AppriseException, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"unusable settings: {exc}") from exc
    notifier = apprise.Apprise()
    notifier.add(email)
    result = notifier.notify(body=body, title=subject, body_format=apprise.NotifyFormat.TEXT,
                             log_level=logging.DEBUG)
    if result:
        return ""
    lines = [entry.message for entry in result.logs()
             if entry.level in ("WARNING", "ERROR") or "Exception" in entry.message]
    return "; ".join(dict.fromkeys(lines)) or "the SMTP server did not accept the message"
