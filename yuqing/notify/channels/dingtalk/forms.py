from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.robots import RobotForm, webhook_field

OFFICIAL = "https://oapi.dingtalk.com/robot/send?access_token="


class DingTalkForm(RobotForm):
    secret_fields = ("webhook", "signing_secret")
    official = OFFICIAL

    webhook = webhook_field(OFFICIAL + "…")
    signing_secret = forms.CharField(
        label=_("Signing secret"), required=False, max_length=200,
        help_text=_("The SEC… string of the robot's “sign” security setting (optional; "
                    "with the “keyword” setting instead, put the keyword in the titles)."))
    format = forms.ChoiceField(
        label=_("Message format"), initial="markdown",
        choices=[("markdown", _("Markdown (bold title, link)")), ("text", _("Plain text"))])
