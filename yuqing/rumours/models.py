"""The debunk base (辟谣库), the matches of collected items against it, and what analysts'
reviews teach the matcher.

The base is shared by every unit: a debunk published by a platform is true for everyone, and
an office imports what the national and provincial platforms publish. Matches are scoped like
the items they belong to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuqing.collect.models import Item
from yuqing.generations import random_start


class Verdict(models.TextChoices):
    FALSE = "false", _("false")
    MISLEADING = "misleading", _("misleading")
    UNPROVEN = "unproven", _("unproven")
    TRUE = "true", _("true")


#: Verdicts whose matches are rumours (shown in the review queue, given to alert rules); a
#: match with a true or unproven claim is kept as context only.
RUMOUR_VERDICTS = frozenset({Verdict.FALSE, Verdict.MISLEADING})


class Debunk(models.Model):
    """One entry: a claim that circulated, what is known about it, and who said so."""

    claim = models.CharField(_("claim"), max_length=500,
                             help_text=_("The claim as people repeat it, in one sentence."))
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    explanation = models.TextField(_("explanation"), blank=True)
    source_name = models.CharField(_("source"), max_length=200, blank=True,
                                   help_text=_("Who published the verdict."))
    link = models.URLField(_("link"), max_length=1000, blank=True,
                           help_text=_("The authoritative page with the verdict."))
    date = models.DateField(_("date"), null=True, blank=True,
                            help_text=_("When the verdict was published."))
    topic = models.CharField(_("topic"), max_length=100, blank=True, db_index=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    #: Where an imported entry came from (``dxy``, ``jiaozhen``, ``piyao``, or a name given to
    #: a generic file) and its id there: re-importing updates the entry instead of adding one.
    origin = models.CharField(_("origin"), max_length=40, blank=True)
    external_id = models.CharField(_("external id"), max_length=128, blank=True)
    #: Matched against incoming items; a retired entry keeps its matches but finds no more.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: When the items collected before the entry existed were checked against it; empty until
    #: the background job has done so (see :mod:`yuqing.rumours.backfill`).
    backfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("debunk entry")
        verbose_name_plural = _("debunk entries")
        constraints = [
            models.UniqueConstraint(fields=["origin", "external_id"], name="debunk_origin_id",
                                    condition=~Q(external_id="")),
        ]

    def __str__(self) -> str:
        return self.claim[:80]

    @property
    def is_rumour(self) -> bool:
        return self.verdict in RUMOUR_VERDICTS


class Variant(models.Model):
    """Another wording of an entry's claim, taken from a post an analyst confirmed: the matcher
    then recognises later posts worded like it ("confirmations improve the matcher")."""

    debunk = models.ForeignKey(Debunk, models.CASCADE, related_name="variants",
                               verbose_name=_("debunk entry"))
    text = models.CharField(_("wording"), max_length=500)
    match = models.ForeignKey("RumourMatch", models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("confirmed match"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("wording")
        verbose_name_plural = _("wordings")
        constraints = [models.UniqueConstraint(fields=["debunk", "text"],
                                               name="variant_once")]

    def __str__(self) -> str:
        return self.text[:80]


class RumourMatch(models.Model):
    """An item that says what an entry's claim says, as found by the matcher.

    ``passages`` are ``[item_start, item_end, claim_start, claim_end]`` offsets of the shared
    passages, into the item's content (title and text, see :func:`.passages.item_content`) and
    into ``wording`` (the claim, or the confirmed wording that matched), for side-by-side
    highlighting.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("to review")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    item = models.ForeignKey(Item, models.CASCADE, related_name="rumour_matches",
                             verbose_name=_("item"))
    debunk = models.ForeignKey(Debunk, models.CASCADE, related_name="matches",
                               verbose_name=_("debunk entry"))
    score = models.FloatField(_("similarity"))
    wording = models.CharField(_("matched wording"), max_length=500)
    passages = models.JSONField(_("matched passages"), default=list)
    #: The item refutes the claim (it carries words such as 辟谣, 谣言, 不实) rather than
    #: repeating it: still the rumour being talked about, but not someone spreading it.
    refutes = models.BooleanField(_("refutes the claim"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rumour match")
        verbose_name_plural = _("rumour matches")
        constraints = [models.UniqueConstraint(fields=["item", "debunk"],
                                               name="rumour_match_once")]
        indexes = [models.Index(fields=["status", "-created_at"], name="rumour_match_queue")]

    def __str__(self) -> str:
        return f"item #{self.item_id} ~ debunk #{self.debunk_id}"


class Rejection(models.Model):
    """A story (a post with its copies and reposts) an analyst ruled not to be about an entry:
    no item of that story is matched with the entry again."""

    debunk = models.ForeignKey(Debunk, models.CASCADE, related_name="+")
    story_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rejected story")
        verbose_name_plural = _("rejected stories")
        constraints = [models.UniqueConstraint(fields=["story_id", "debunk"],
                                               name="rejection_once")]

    def __str__(self) -> str:
        return f"story {self.story_id} is not debunk #{self.debunk_id}"


class BaseState(models.Model):
    """One row: a generation counter, moved by every change to what the matcher uses
    (entries, wordings), so each process knows when its cached index is stale."""

    audit_exempt = True

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.PositiveBigIntegerField(default=random_start)

    def __str__(self) -> str:
        return f"debunk base generation {self.generation}"
