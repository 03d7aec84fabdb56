"""Channels (where a unit's messages go), deliveries (one message to one channel, with its
log) and in-app notifications (one message to one user)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuqing.notify.sealed import SealedSecretsField
from yuqing.orgs.models import Unit


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


#: Severities in increasing order, for "at least this severe".
SEVERITY_ORDER: tuple[str, ...] = (Severity.INFO, Severity.WARNING, Severity.CRITICAL)


def at_least(severity: str) -> list[str]:
    """Channel thresholds that let a message of ``severity`` through."""
    return list(SEVERITY_ORDER[: SEVERITY_ORDER.index(severity) + 1])


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email (SMTP)")
    WEBHOOK = "webhook", _("JSON webhook")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu / Lark bot")
    INAPP = "inapp", _("In-app notifications")


class Channel(models.Model):
    """A place a unit's messages are delivered to: a mailbox, a chat group's robot, a
    webhook, or the unit's members inside yuqing.

    ``config`` holds the kind's plain settings; ``secrets`` its passwords, keys and webhook
    addresses, sealed at rest (:mod:`yuqing.notify.sealed`), which the pages never show back
    in full.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="channels",
                             verbose_name=_("unit"))
    include_subtree = models.BooleanField(
        _("also for units below"), default=False,
        help_text=_("Also deliver messages about every unit below this one."))
    min_severity = models.CharField(_("lowest severity"), max_length=16,
                                    choices=Severity.choices, default=Severity.INFO)
    enabled = models.BooleanField(_("enabled"), default=True)
    config = models.JSONField(default=dict, blank=True)
    secrets = SealedSecretsField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("delivery channel")
        verbose_name_plural = _("delivery channels")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


#: Rows the worker may claim: queued ones when due, and sending ones whose sender's lease
#: ran out (its process died mid-send).
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


class Delivery(models.Model):
    """One message to one channel, and how sending it went.

    ``next_attempt_at`` is when the row is next due: for a queued row its next attempt, for a
    row being sent the end of its sender's lease.
    """

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="deliveries",
                                verbose_name=_("channel"))
    #: The unit the message is about (the channel's unit or one below it).
    unit = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices,
                                default=Severity.INFO)
    key = models.CharField(_("idempotency key"), max_length=200, blank=True)
    is_test = models.BooleanField(_("test message"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    #: The token of the sender holding the row; a stale sender's outcome is not recorded.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.IntegerField(_("response code"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], condition=~Q(key=""),
                                    name="notify_delivery_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=PENDING),
                         name="notify_delivery_due"),
            models.Index(fields=["channel", "-created_at"], name="notify_delivery_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel_id}"


class Notification(models.Model):
    """A message shown to one user inside yuqing (the bell in the page header)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    unit = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices,
                                default=Severity.INFO)
    key = models.CharField(_("idempotency key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""),
                                    name="notify_notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notify_notification_user"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True),
                         name="notify_notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title
