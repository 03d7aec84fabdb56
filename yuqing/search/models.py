"""The indexing queue and users' saved searches.

The index itself is not a Django model: the embedded backend is a tantivy directory, and the
PostgreSQL backend's ``search_document`` table (migration ``0002``) exists only there.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PendingItem(models.Model):
    """An item whose index entry is out of date: analysed, re-analysed, relabelled, moved to
    another event or deleted since the index last saw it.

    Rows are written in the transaction that changed the item (the analysis batch, an
    analyst's action), so a crash never leaves an item unindexed. The indexing job removes a
    row only if its ``token`` is still the one it read, i.e. only once the index holds the
    version that row asked for: a re-queue meanwhile draws a new token and survives. No
    foreign key: a deleted item's row is what tells the index to drop it.
    """

    #: Bookkeeping, not a user's edit.
    audit_exempt = True

    item_id = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField()
    queued_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"item {self.item_id} to index"


class SavedSearch(models.Model):
    """A search a user keeps: the query and filters, as the search page's URL parameters."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="saved_searches", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    #: The search form's GET parameters (``{"q": "...", "platform": "weibo", ...}``).
    params = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["user", "name"],
                                               name="savedsearch_user_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        url = reverse("search:search")
        return f"{url}?{urlencode(self.params)}" if self.params else url
