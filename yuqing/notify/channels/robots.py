"""What the chat-robot kinds (WeCom, DingTalk, Feishu) share: a webhook address that may be
typed as the bare key the robot's page shows, signatures, and answers that say 200 with an
error code inside."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, ClassVar

from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.base import Outcome, SettingsForm, failed, sent
from yuqing.notify.channels.http import Answer


def webhook_field(example: str) -> forms.CharField:
    return forms.CharField(
        label=_("Webhook address or key"), max_length=1000, strip=True,
        help_text=format_lazy(_("The address the robot's settings page shows ({example}), "
                                "or only its key or token."), example=example))


def address(value: str, official: str) -> str:
    """A full webhook address from what was typed: an address as it is, a bare key or token
    appended to the service's official address."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        URLValidator(schemes=["http", "https"])(value)
        return value
    if not value.replace("-", "").replace("_", "").isalnum():
        raise forms.ValidationError(_("Enter the robot's webhook address or its key."))
    return official + value


class RobotForm(SettingsForm):
    """A robot's webhook (a secret: whoever has it can post to the group)."""

    secret_fields: ClassVar[tuple[str, ...]] = ("webhook",)
    #: The service's address that a bare key or token is appended to.
    official: str = ""

    def clean_webhook(self) -> str:
        value = self.cleaned_data.get("webhook") or ""
        return address(value, self.official) if value else ""


def hmac_sha256_base64(key: str, message: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def judge_errcode(service: str, answer: Answer, *, code_keys: tuple[str, ...]) -> Outcome:
    """A 200 answer is only a success when its error code (the first of ``code_keys``
    present) is 0; rate limits and refusals come back as 200 with a code."""
    data: Any = answer.json()
    if not isinstance(data, dict):
        return failed(f"{service} answered {answer.status} with no JSON: {answer.snippet()}",
                      code=answer.status)
    code = next((data[k] for k in code_keys if k in data), None)
    if code == 0:
        return sent(answer.status)
    text = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
    return failed(f"{service} error {code}: {text}",
                  code=code if isinstance(code, int) else answer.status)
