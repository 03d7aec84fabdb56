"""Cases (舆情处置): what is being handled, by whom, by when, and everything done about it.

Levels, the category taxonomy and the routing rules are tables, not code, because every office
defines its own grading and task division; the defaults (levels I–IV 特别重大/重大/较大/一般 and
a small taxonomy) are seeded by a migration from :mod:`yuqing.cases.defaults`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.models import Event
from yuqing.collect.models import Item
from yuqing.orgs.models import Unit

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_region_prefix = RegexValidator(r"^\d{2,6}$", _("Two to six digits of an administrative code."))
_region_code = RegexValidator(r"^\d{6}$", _("A six-digit administrative code."))


class CaseLevel(models.Model):
    """Level I (most serious) to IV, with the deadlines that follow from it."""

    rank = models.PositiveSmallIntegerField(_("level"), unique=True,
                                            choices=[(r, n) for r, n in ROMAN.items()])
    name = models.CharField(_("name"), max_length=40)
    definition = models.TextField(_("definition"), blank=True)
    respond_within = models.DurationField(
        _("first response within"),
        help_text=_("From opening to the first public response (statement or correction)."))
    resolve_within = models.DurationField(_("resolution within"),
                                          help_text=_("From opening to resolution."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("case level")
        verbose_name_plural = _("case levels")

    def __str__(self) -> str:
        return f"{ROMAN.get(self.rank, self.rank)} {self.name}"

    @property
    def roman(self) -> str:
        return ROMAN.get(self.rank, str(self.rank))

    def clean(self) -> None:
        if self.respond_within and self.respond_within <= timedelta(0):
            raise ValidationError({"respond_within": _("Must be positive.")})
        if self.resolve_within and self.respond_within and \
                self.resolve_within < self.respond_within:
            raise ValidationError({"resolve_within": _(
                "Resolution cannot be due before the first response.")})


def category_path(parent_path: str | None, pk: int) -> str:
    """Zero-padded ids, so that ordering by path lists siblings in the order they were made."""
    return f"{parent_path or '/'}{pk:06d}/"


class Category(models.Model):
    """A node of the case taxonomy (public safety → fire, …).

    ``path`` is the chain of ids (``/000003/000017/``) so that "this category and everything
    below it", which routing rules need, is one prefix comparison.
    """

    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent category"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"],
                                               name="category_name_per_parent")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """Keep ``path`` (and the paths below, on a move) in step with ``parent``."""
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            path = category_path(self.parent.path if self.parent else None, self.pk)
            if path != old_path:
                Category.objects.filter(pk=self.pk).update(path=path)
                self.path = path
                if old_path:
                    for child in self.children.all():
                        child.save()

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _(
                    "A category cannot be placed below itself.")})
            ancestor = ancestor.parent

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def label(self) -> str:
        """The full name, ``生态环境 / 水污染``: names repeat under different parents."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))
        return " / ".join(names.get(i, "?") for i in ids)


class RoutingRule(models.Model):
    """One line of the office's task division: cases of this category (and its subcategories)
    in this region go to this unit. Rules are tried by ascending priority; the first that
    matches decides, and the case shows which rule it was."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.IntegerField(_("priority"), default=100,
                                   help_text=_("Lower numbers are tried first."))
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"),
                                 help_text=_("Matches this category and the ones below it; "
                                             "empty matches every case."))
    region_prefix = models.CharField(
        _("region code prefix"), max_length=6, blank=True, validators=[_region_prefix],
        help_text=_("e.g. 33 (a province), 3301 (a city), 330106 (a district); "
                    "empty matches every region."))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+",
                             verbose_name=_("responsible unit"))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", _("new")
    ASSESSING = "assessing", _("assessing")
    HANDLING = "handling", _("handling")
    RESPONDED = "responded", _("responded")
    RESOLVED = "resolved", _("resolved")
    ARCHIVED = "archived", _("archived")


class Case(models.Model):
    """One public-opinion case, from opening to archive."""

    title = models.CharField(_("title"), max_length=200)
    level = models.ForeignKey(CaseLevel, models.PROTECT, related_name="+",
                              verbose_name=_("level"))
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"))
    region_code = models.CharField(_("region code"), max_length=6, blank=True,
                                   validators=[_region_code])
    summary = models.TextField(_("summary"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    suggestion = models.TextField(_("suggested handling"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.NEW, db_index=True)
    #: The responsible unit: its subtree sees and handles the case.
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+",
                             verbose_name=_("responsible unit"))
    #: The rule that chose ``unit``; empty when the unit was chosen by hand or no rule matched.
    routed_by = models.ForeignKey(RoutingRule, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("routed by"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("assignee"))
    alert = models.ForeignKey("alerts.Alert", models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("opened from alert"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("opened by"))
    #: The opener's unit keeps following the case wherever it is routed.
    opened_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("opening unit"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    respond_due = models.DateTimeField(_("first response due"))
    resolve_due = models.DateTimeField(_("resolution due"))
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    #: Set by the deadline job when it escalated the missed deadline (once per deadline).
    respond_breached_at = models.DateTimeField(_("first response overdue since"), null=True,
                                               blank=True)
    resolve_breached_at = models.DateTimeField(_("resolution overdue since"), null=True,
                                               blank=True)
    items = models.ManyToManyField(Item, through="CaseItem", related_name="+",
                                   verbose_name=_("evidence items"))
    events = models.ManyToManyField(Event, through="CaseEvent", related_name="+",
                                    verbose_name=_("events"))

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "respond_due"], name="case_status_respond"),
                   models.Index(fields=["status", "resolve_due"], name="case_status_resolve")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The case number used on paper: opening year and id, ``2025-0042``."""
        return f"{timezone.localtime(self.opened_at):%Y}-{self.pk or 0:04d}"

    @property
    def respond_overdue(self) -> bool:
        """The first response is late (and still missing)."""
        return (self.responded_at is None and self.status != Status.ARCHIVED
                and self.respond_due < timezone.now())

    @property
    def resolve_overdue(self) -> bool:
        return (self.resolved_at is None and self.status != Status.ARCHIVED
                and self.resolve_due < timezone.now())


class CaseItem(models.Model):
    """An item kept as evidence of a case."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="evidence")
    item = models.ForeignKey(Item, models.CASCADE, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="case_item_once")]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")

    def __str__(self) -> str:
        return f"{self.case_id}: item {self.item_id}"


class CaseEvent(models.Model):
    """An analysed event a case is about."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="linked_events")
    event = models.ForeignKey(Event, models.CASCADE, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "event"],
                                               name="case_event_once")]
        verbose_name = _("linked event")
        verbose_name_plural = _("linked events")

    def __str__(self) -> str:
        return f"{self.case_id}: event {self.event_id}"


class ActionKind(models.TextChoices):
    OPENED = "opened", _("opened")
    INSTRUCTION = "instruction", _("instruction")
    NOTE = "note", _("note")
    FACT = "fact", _("fact verified")
    STATEMENT = "statement", _("statement or correction published")
    COMPLAINT = "complaint", _("underlying complaint resolved")
    STATUS = "status", _("status change")
    ROUTING = "routing", _("routing")
    ASSIGNMENT = "assignment", _("assignment")
    LEVEL = "level", _("level change")
    EVIDENCE = "evidence", _("evidence added")
    OVERDUE = "overdue", _("deadline missed")


#: What a person records on the timeline by hand; the other kinds are written by the actions.
RECORDED_KINDS = (ActionKind.INSTRUCTION, ActionKind.NOTE, ActionKind.FACT,
                  ActionKind.STATEMENT, ActionKind.COMPLAINT)


class CaseAction(models.Model):
    """One entry of a case's timeline: who did what, when. Never edited or deleted."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=12, choices=ActionKind.choices)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    #: The facts of a system entry: old and new status, unit, rule, deadline…
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
