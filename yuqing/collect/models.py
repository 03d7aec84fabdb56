"""Sources, items and the records of imports and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.orgs.models import Unit


class Platform(models.TextChoices):
    WEIBO = "weibo", _("Weibo")
    WECHAT = "wechat", _("WeChat")
    DOUYIN = "douyin", _("Douyin")
    KUAISHOU = "kuaishou", _("Kuaishou")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    BILIBILI = "bilibili", _("Bilibili")
    TIEBA = "tieba", _("Tieba")
    ZHIHU = "zhihu", _("Zhihu")
    NEWS = "news", _("News site")
    FORUM = "forum", _("Forum")
    OTHER = "other", _("Other")


class SourceKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    RSS = "rss", _("RSS / Atom feed")
    WEB = "web", _("Web pages")
    API = "api", _("JSON API")
    PUSH = "push", _("Push API")
    IMPORT = "import", _("File import")
    OTHER = "other", _("Other")


class ItemKind(models.TextChoices):
    POST = "post", _("Post / article")
    COMMENT = "comment", _("Comment")


class CredibilityTier(models.Model):
    """How authoritative a source is; ``rank`` 1 is the most (central media by default).

    A table, not a fixed list, because offices grade sources differently.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = most authoritative"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("credibility tier")
        verbose_name_plural = _("credibility tiers")

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices,
                            default=SourceKind.OTHER)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    tier = models.ForeignKey(CredibilityTier, models.SET_NULL, null=True, blank=True,
                             verbose_name=_("credibility tier"))
    region = models.CharField(_("region"), max_length=64, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="sources",
                             verbose_name=_("owning unit"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "name"], name="source_platform_name"),
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Item(models.Model):
    """One collected post, article or comment.

    ``natural_key`` makes every write an upsert: platform + external id, else the normalised
    URL, else a hash of the content. Authors exist only as a keyed hash and a masked name.
    """

    natural_key = models.CharField(max_length=255, unique=True)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices,
                            default=ItemKind.POST)
    source = models.ForeignKey(Source, models.PROTECT, related_name="items",
                               verbose_name=_("source"))
    #: Copied from the source at write time so that scoping is one indexed filter. The
    #: (unit, time) index below serves it; a second index on the column alone would only
    #: slow every insert.
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"),
                             db_index=False)
    external_id = models.CharField(_("external id"), max_length=128, blank=True)
    url = models.CharField(_("URL"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    likes = models.PositiveBigIntegerField(_("likes"), null=True, blank=True)
    reposts = models.PositiveBigIntegerField(_("reposts"), null=True, blank=True)
    comments = models.PositiveBigIntegerField(_("comments"), null=True, blank=True)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)
    parent = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                               related_name="children", verbose_name=_("parent item"))
    #: Natural key of the parent; resolved into ``parent`` whenever the parent arrives.
    parent_key = models.CharField(max_length=255, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=16, default="zh")
    #: Not indexed on purpose: nothing looks items up by author (analytics are about
    #: stories and events, not people).
    author_hash = models.CharField(_("author (pseudonym)"), max_length=32, blank=True)
    author_display = models.CharField(_("author (masked)"), max_length=64, blank=True)
    #: The source record minus author-identifying fields.
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)
    #: Hash of the stored fields, to tell "unchanged" from "updated" without comparing each.
    fingerprint = models.CharField(max_length=40)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-published_at"], name="item_unit_time"),
            models.Index(fields=["platform", "-published_at"], name="item_platform_time"),
            models.Index(fields=["-published_at"], name="item_time"),
        ]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return (self.title or self.text)[:60]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret that lets one source push items. Only its hash is stored."""

    source = models.ForeignKey(Source, models.CASCADE, related_name="tokens",
                               verbose_name=_("source"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, source: Source, name: str) -> tuple[ApiToken, str]:
        """Create a token; the plain secret is returned once and never stored."""
        secret = "yq_" + secrets.token_urlsafe(32)
        token = cls.objects.create(source=source, name=name, prefix=secret[:10],
                                   key_hash=_hash_token(secret))
        return token, secret

    @classmethod
    def lookup(cls, secret: str) -> ApiToken | None:
        return (
            cls.objects.select_related("source", "source__unit")
            .filter(key_hash=_hash_token(secret), revoked=False, source__enabled=True)
            .first()
        )


class ImportRun(models.Model):
    """One ``yuqing import`` invocation: what it read and what became of each row."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+")
    preset = models.CharField(_("preset"), max_length=40)
    paths = models.JSONField(_("files"), default=list)
    source = models.ForeignKey(Source, models.PROTECT, related_name="imports",
                               verbose_name=_("source"))
    read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    #: Rows for an item this run had already written (duplicates within the input), so that
    #: read = inserted + updated + unchanged + rejected + repeats holds exactly.
    repeats = models.PositiveIntegerField(default=0)
    #: Undecodable bytes replaced by U+FFFD while reading (the rows were kept).
    replacements = models.PositiveIntegerField(default=0)
    quarantine_path = models.CharField(max_length=1000, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"import #{self.pk} {self.preset}"
