from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.base import SettingsForm

#: Recipients of one channel; a longer list belongs in a mailing list.
MAX_RECIPIENTS = 50


class EmailForm(SettingsForm):
    secret_fields = ("password",)

    host = forms.CharField(label=_("SMTP server"), max_length=255)
    security = forms.ChoiceField(
        label=_("Connection security"), initial="starttls",
        choices=[("starttls", _("STARTTLS (usually port 587)")),
                 ("ssl", _("TLS from the start (usually port 465)")),
                 ("none", _("None (usually port 25; only inside a trusted network)"))])
    port = forms.IntegerField(label=_("Port"), required=False, min_value=1, max_value=65535,
                              help_text=_("Empty: the usual port for the security chosen."))
    verify_tls = forms.BooleanField(
        label=_("Check the server's certificate"), required=False, initial=True,
        help_text=_("Turn off only for a server with a self-signed certificate."))
    username = forms.CharField(label=_("User name"), required=False, max_length=255)
    password = forms.CharField(label=_("Password"), required=False, max_length=255)
    from_addr = forms.EmailField(label=_("From"), max_length=255)
    to = forms.CharField(
        label=_("To"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line (or separated by commas)."))

    @staticmethod
    def initial_from(config: dict[str, Any]) -> dict[str, Any]:
        initial = dict(config)
        initial["to"] = "\n".join(config.get("to", []))
        return initial

    def clean_to(self) -> list[str]:
        addresses = [a for a in re.split(r"[\s,;，；]+", self.cleaned_data.get("to", "")) if a]
        if not addresses:
            raise forms.ValidationError(_("Give at least one address."))
        if len(addresses) > MAX_RECIPIENTS:
            raise forms.ValidationError(_("At most %(n)d addresses."),
                                        params={"n": MAX_RECIPIENTS})
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(address)s” is not an email address."),
                                            params={"address": address}) from None
        return list(dict.fromkeys(addresses))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.secret("password") and not cleaned.get("username"):
            self.add_error("username", _("A password needs a user name."))
        return cleaned
