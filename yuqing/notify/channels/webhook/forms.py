from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.base import SettingsForm

_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # an HTTP token (RFC 9110)


class WebhookForm(SettingsForm):
    secret_fields = ("header_value", "signing_secret")

    url = forms.URLField(label=_("Address"), max_length=1000, assume_scheme="https",
                         help_text=_("Where the JSON is POSTed."))
    header_name = forms.CharField(
        label=_("Extra header"), required=False, max_length=100,
        help_text=_("Sent with every request, e.g. Authorization (optional)."))
    header_value = forms.CharField(label=_("Extra header value"), required=False,
                                   max_length=1000)
    signing_secret = forms.CharField(
        label=_("Signing secret"), required=False, max_length=200,
        help_text=_("With a secret, each request carries X-Yuqing-Timestamp and "
                    "X-Yuqing-Signature: sha256= and the HMAC-SHA256 (hex) of "
                    "“timestamp.body” (optional)."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = (cleaned.get("header_name") or "").strip()
        if name and not _HEADER_NAME.match(name):
            self.add_error("header_name", _("Not a valid header name."))
        elif name and not self.secret("header_value"):
            self.add_error("header_value", _("Give the header a value."))
        elif not name and cleaned.get("header_value"):
            self.add_error("header_name", _("Name the header this value is for."))
        return cleaned
