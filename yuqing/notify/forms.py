"""The channel form (what every kind has: name, unit, reach, severity) and list filters; a
kind's own settings come from its :class:`~yuqing.notify.channels.base.SettingsForm`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yuqing.notify.models import Channel, DeliveryStatus
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import visible_units


class ChannelForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(),
                                  to_field_name="code",
                                  help_text=_("Messages about this unit go to the channel."))

    class Meta:
        model = Channel
        fields = ["name", "unit", "include_subtree", "min_severity", "enabled"]
        help_texts = {"min_severity": _("Less severe messages are not sent here.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = visible_units(user)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.all() if units is None else units
        if self.instance.pk:
            self.initial["unit"] = self.instance.unit.code


class DeliveryFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *DeliveryStatus.choices])
    channel = forms.ModelChoiceField(label=_("Channel"), required=False,
                                     queryset=Channel.objects.none(),
                                     empty_label=_("All channels"))

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ModelChoiceField)
        channel_field.queryset = channels


class NotificationFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("unread", _("Unread")), ("all", _("All"))])
