"""What a kind of channel is: a settings form, and a transport that sends one message.

Each kind lives in its own package (``channels/<kind>/``: ``forms.py`` and ``transport.py``)
and is imported only when a channel of that kind is edited or sent to. A transport never
raises for a failed send: it returns an :class:`Outcome` saying what went wrong and whether
trying again later could help, and the worker records it, retries or gives up.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.models import Channel


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    #: HTTP status (or the service's own error code when it answers 200 with an error).
    code: int | None = None
    #: Whether a later attempt could succeed (a timeout, a 5xx, a rate limit) — not for a
    #: refused address or a malformed setting.
    retry: bool = True


def sent(code: int | None = None) -> Outcome:
    return Outcome(True, code=code)


def failed(error: str, *, code: int | None = None, retry: bool = True) -> Outcome:
    return Outcome(False, error=error[:2000], code=code, retry=retry)


@dataclass(frozen=True)
class Attempt:
    """What a transport knows of the delivery besides the message."""

    delivery_id: int
    #: Seconds the attempt may take in all.
    timeout: float
    test: bool
    #: The unit the message is about.
    unit_id: int | None
    unit_code: str
    unit_name: str


class SettingsForm(forms.Form):
    """A kind's settings. Fields named in ``secret_fields`` are write-only: they are shown
    empty with a masked hint of the stored value, left empty they keep it, and an optional
    one gets a box to forget it. The rest is plain ``config``."""

    secret_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: Any = None, *, config: dict[str, Any] | None = None,
                 secrets: dict[str, str] | None = None) -> None:
        super().__init__(data, initial=self.initial_from(config or {}), prefix="settings")
        self.stored = {k: v for k, v in (secrets or {}).items() if v}
        fields: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            fields[name] = field
            if name not in self.secret_fields:
                continue
            stored = self.stored.get(name, "")
            field.widget = forms.PasswordInput(
                render_value=False,
                attrs={"autocomplete": "new-password", "placeholder": mask(stored)})
            if stored:
                optional = not field.required
                field.required = False
                field.help_text = _("Stored; leave empty to keep it.")
                if optional:
                    fields[f"forget_{name}"] = forms.BooleanField(
                        label=_("Forget the stored value"), required=False)
        self.fields = fields

    @staticmethod
    def initial_from(config: dict[str, Any]) -> dict[str, Any]:
        """Stored config as the form's initial values (override for list fields)."""
        return dict(config)

    def secret(self, name: str) -> str:
        """The value a secret will have after saving: typed now, else the stored one."""
        typed = (self.cleaned_data.get(name) or "").strip()
        if typed:
            return str(typed)
        if self.cleaned_data.get(f"forget_{name}"):
            return ""
        return self.stored.get(name, "")

    def settings(self) -> tuple[dict[str, Any], dict[str, str]]:
        """``(config, secrets)`` to store, after validation."""
        config: dict[str, Any] = {}
        secrets: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("forget_"):
                continue
            if name in self.secret_fields:
                if kept := self.secret(name):
                    secrets[name] = kept
            else:
                config[name] = value
        return config, secrets


class Transport(ABC):
    kind: ClassVar[str]
    form: ClassVar[type[SettingsForm]]
    help: ClassVar[str | Promise]
    #: Deliveries sent to one channel at once by one process. Chat robots take about 20
    #: messages a minute and should see them in order, so one by default.
    concurrency: ClassVar[int] = 1

    @abstractmethod
    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        """Deliver ``message``; never raises for a failed delivery."""

    def summary(self, channel: Channel) -> str:
        """A line saying where the channel delivers, with no secret in it."""
        return ""


def mask(value: str) -> str:
    """Enough of a secret to recognise it, never enough to use it."""
    if not value:
        return ""
    tail = value[-4:] if len(value) >= 16 else ""
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}/…{tail}"
    return "••••" + tail
