from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.robots import RobotForm, webhook_field

OFFICIAL = "https://open.feishu.cn/open-apis/bot/v2/hook/"


class FeishuForm(RobotForm):
    secret_fields = ("webhook", "signing_secret")
    official = OFFICIAL

    webhook = webhook_field(OFFICIAL + "…; Lark: https://open.larksuite.com/open-apis/bot/v2/"
                            "hook/…")
    signing_secret = forms.CharField(
        label=_("Signing secret"), required=False, max_length=200,
        help_text=_("The secret of the bot's “signature verification” setting (optional)."))
