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
    SITEMAP = "sitemap", _("Sitemap")
    FOLDER = "folder", _("Watched folder")
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
    #: When a fetching source runs: see :mod:`yuqing.collect.sources.schedule`.
    schedule = models.CharField(
        _("schedule"), max_length=100, blank=True,
        help_text=_("An interval such as 15m, 2h or 1d, or a cron line such as "
                    "\"*/20 7-22 * * *\"; empty means the default for the kind."))
    silent_after = models.DurationField(
        _("silent after"), null=True, blank=True,
        help_text=_("Warn when the source has produced nothing for this long; empty means "
                    "twice the longest gap of the schedule, at least a day."))
    obey_robots = models.BooleanField(
        _("respect robots.txt"), default=True,
        help_text=_("Turn off only for sites that allow yuqing explicitly."))
    #: Connector settings (list URLs, selectors, field paths…), checked by the connector.
    config = models.JSONField(_("connector settings"), default=dict, blank=True)

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


class HostPolicy(models.Model):
    """Politeness for one host, instead of the defaults: an office's own site, or a partner
    that allows faster collection. Shared by every source on that host."""

    host = models.CharField(_("host"), max_length=255, unique=True,
                            help_text=_("Host name, with :port when it is not the default."))
    delay_ms = models.PositiveIntegerField(_("pause between requests (ms)"))
    concurrency = models.PositiveSmallIntegerField(_("requests at once"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["host"]
        verbose_name = _("host policy")
        verbose_name_plural = _("host policies")

    def __str__(self) -> str:
        return self.host


class RunOutcome(models.TextChoices):
    OK = "ok", _("succeeded")
    PARTIAL = "partial", _("succeeded with errors")
    FAILED = "failed", _("failed")


class SourceState(models.Model):
    """Where collection of one source stands: its claim, due time, last outcome, cursor.

    Written only by the collector, with queryset updates (never ``save()``), and kept apart
    from :class:`Source` so that run bookkeeping never shows up as a user's edit.
    """

    #: Runtime bookkeeping, not a user's edit: not for the audit log.
    audit_exempt = True

    source = models.OneToOneField(Source, models.CASCADE, primary_key=True,
                                  related_name="state")
    created_at = models.DateTimeField(auto_now_add=True)
    #: ``None``: due at once.
    next_due = models.DateTimeField(null=True, blank=True)
    #: Set while a run holds the source; the claim, compared again when the run ends.
    running_since = models.DateTimeField(null=True, blank=True)
    #: Touched while a run makes progress; a claim whose heartbeat stopped may be re-taken.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=8, choices=RunOutcome.choices, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    #: Failed runs in a row.
    failures = models.PositiveIntegerField(default=0)
    #: The connector's own memory between runs (folder offsets, paging state).
    cursor = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("source state")
        verbose_name_plural = _("source states")

    def __str__(self) -> str:
        return f"state of source #{self.source_id}"


class FetchRun(models.Model):
    """One collection run of one source: what it fetched, stored and ran into."""

    audit_exempt = True

    source = models.ForeignKey(Source, models.CASCADE, related_name="runs",
                               verbose_name=_("source"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=RunOutcome.choices)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    not_modified = models.PositiveIntegerField(_("not modified"), default=0)
    #: Links left alone because an earlier run had already fetched them.
    skipped = models.PositiveIntegerField(_("already seen"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    inserted = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    repeats = models.PositiveIntegerField(_("repeats"), default=0)
    #: Why the run failed, in words; empty unless it did.
    error = models.TextField(_("error"), blank=True)
    #: ``[{"url", "message", "level"}]``: pages that failed, warnings (capped).
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchrun_source_time")]
        verbose_name = _("collection run")
        verbose_name_plural = _("collection runs")

    def __str__(self) -> str:
        return f"run #{self.pk} of source #{self.source_id}"


class UrlKind(models.TextChoices):
    #: A feed, list page or sitemap: fetched every run, conditionally.
    PAGE = "page", _("page")
    #: An article: fetched once.
    ARTICLE = "article", _("article")


class UrlStatus(models.TextChoices):
    OK = "ok", _("collected")
    EMPTY = "empty", _("no article found")
    FAILED = "failed", _("failed")


class UrlState(models.Model):
    """What one source knows about one URL: validators for conditional GET, and whether an
    article was already fetched (so it is never fetched again)."""

    audit_exempt = True

    source = models.ForeignKey(Source, models.CASCADE, related_name="+")
    #: SHA-1 of the normalised URL: a short, fixed-size unique key.
    key = models.CharField(max_length=40)
    url = models.CharField(max_length=2000)
    kind = models.CharField(max_length=8, choices=UrlKind.choices)
    status = models.CharField(max_length=8, choices=UrlStatus.choices, default=UrlStatus.OK)
    #: Failed fetches of an article; it is given up after a few.
    attempts = models.PositiveSmallIntegerField(default=0)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    first_seen = models.DateTimeField()
    #: Last time the URL was linked or fetched; memory unused for long is pruned.
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="urlstate_key")]
        verbose_name = _("URL state")
        verbose_name_plural = _("URL states")

    def __str__(self) -> str:
        return self.url


class SourceDay(models.Model):
    """Per source and (local) day: new items and runs — "items per day" and "last new item"
    for every source, pushed and imported ones included, without counting the item table.

    Items are counted inside each item write's transaction (an ingest after-write hook), so
    the figures cannot drift from what was stored.
    """

    audit_exempt = True

    source = models.ForeignKey(Source, models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    last_item_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failed_runs = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "day"], name="sourceday_day")]
        verbose_name = _("source day")
        verbose_name_plural = _("source days")

    def __str__(self) -> str:
        return f"source #{self.source_id} on {self.day}"
