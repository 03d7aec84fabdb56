from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.robots import RobotForm, webhook_field

OFFICIAL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="


class WeComForm(RobotForm):
    official = OFFICIAL

    webhook = webhook_field(OFFICIAL + "…")
    format = forms.ChoiceField(
        label=_("Message format"), initial="markdown",
        choices=[("markdown", _("Markdown (bold title, link)")), ("text", _("Plain text"))],
        help_text=_("Markdown messages can be up to 4096 bytes, plain text 2048."))
