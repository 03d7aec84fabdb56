from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.notify.channels.base import SettingsForm
from yuqing.orgs.roles import Role


class InAppForm(SettingsForm):
    roles = forms.MultipleChoiceField(
        label=_("Members with these roles"), required=False, choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member of the channel's unit."))
