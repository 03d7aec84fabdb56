"""Run state of the scheduler's periodic jobs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """When one registered job last ran, how it went, and when it is due again.

    Kept in the database, not in memory, so that a restart neither repeats a job that has just
    run nor forgets one that fell due while the process was down, and so that every process
    running a scheduler agrees on who runs a job (see :func:`yuqing.server.scheduler.claim`).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_due = models.DateTimeField(_("next due"))
    #: Set while a run holds the job; the claim itself, compared again when the run ends.
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_duration = models.DurationField(_("last duration"), null=True, blank=True)
    #: Traceback of the last run, empty when it succeeded.
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
