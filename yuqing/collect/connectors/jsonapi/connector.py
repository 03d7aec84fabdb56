"""The JSON API connector: page through an HTTP API and map each object to an item.

Settings::

    items_path: data.list            # where the list of items is ("" = the response itself)
    fields:                          # item field: path inside one item
      external_id: id
      title: title
      text: content
      url: share_url
      published_at: publish_time     # Unix seconds/ms, ISO 8601 or Chinese formats
      likes: stats.like_count
    params: {channel: local}         # query parameters sent with every request
    headers: {X-Api-Key: "…"}        # request headers (kept in the source's settings)
    paging:
      mode: page                     # none | page | offset | cursor
      param: page                    # the parameter carrying the page, offset or cursor
      start: 1                       # first page number / offset
      size_param: size               # optional page-size parameter, and its value:
      size: 20
      cursor_path: data.next_cursor  # cursor mode: where the next cursor is
      max_pages: 5                   # pages per run

Each run starts from the first page (APIs list newest first) and stops at an empty page, the
end of the paging, ``max_pages``, or — when ``published_at`` is mapped — a page whose items are
all older than the newest item of the previous run. The first request is a conditional GET.
For news, forum and "other" platforms ids are only unique within one site, so they are
prefixed with the API's host to keep two sites' item 123 apart.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext_lazy as _
from pydantic import Field, field_validator

from yuqing.collect.connectors.base import (
    Connector,
    Run,
    Settings,
    SourceFailed,
    require_url,
)
from yuqing.collect.connectors.jsonapi.mapping import FIELDS, pluck, to_record
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.ingest.pipeline import Rejected
from yuqing.collect.models import Platform, Source, SourceKind

#: Platforms whose ids are a site's own numbering, not a platform-wide one.
SITE_LOCAL_IDS = frozenset({Platform.NEWS, Platform.FORUM, Platform.OTHER})
#: Slack for "older than the newest item of the last run": APIs sort by time only roughly.
_OVERLAP = timedelta(hours=1)


class Paging(Settings):
    mode: Literal["none", "page", "offset", "cursor"] = "none"
    param: str = "page"
    start: int = Field(default=1, ge=0)
    size_param: str = ""
    size: int = Field(default=20, ge=1, le=10_000)
    cursor_path: str = ""
    max_pages: int = Field(default=5, ge=1, le=1000)


class ApiSettings(Settings):
    items_path: str = ""
    fields: dict[str, str]
    params: dict[str, str | int | float | bool] = {}
    headers: dict[str, str] = {}
    paging: Paging = Paging()

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, fields: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(fields) - FIELDS)
        if unknown:
            raise ValueError(f"unknown item field(s) {', '.join(unknown)}; fields: "
                             f"{', '.join(sorted(FIELDS))}")
        if not {"text", "title"} & set(fields):
            raise ValueError("map at least text or title")
        return fields


def _with_params(url: str, params: dict[str, Any]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v).lower() if isinstance(v, bool) else str(v)
                  for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class ApiConnector(Connector[ApiSettings]):
    kind = SourceKind.API
    model = ApiSettings
    help = _("The URL is the API endpoint. Settings: items_path, fields (item field: JSON "
             "path, e.g. title: data.title), optional params, headers and paging (mode "
             "page/offset/cursor, param, start, size_param, size, cursor_path, max_pages).")

    def check(self, source: Source, settings: ApiSettings) -> None:
        require_url(source)

    def collect(self, run: Run, settings: ApiSettings) -> None:
        paging = settings.paging
        host = urlsplit(run.source.url).netloc
        prefix = f"{host}:" if run.source.platform in SITE_LOCAL_IDS else ""
        since = run.cursor.get("newest")
        previous_newest = datetime.fromisoformat(since) if since else None
        newest = previous_newest
        position: Any = paging.start
        for number in range(paging.max_pages):
            params = dict(settings.params)
            if paging.mode != "none" and (paging.mode != "cursor" or number > 0):
                params[paging.param] = position
            if paging.size_param:
                params[paging.size_param] = paging.size
            url = _with_params(run.source.url, params)
            data = self._get_json(run, url, settings, first=number == 0)
            if data is None:
                return
            items = pluck(data, settings.items_path)
            if not isinstance(items, list):
                message = (f"items_path {settings.items_path!r} does not lead to a list in "
                           "the response")
                if number == 0:
                    raise SourceFailed(message)
                run.problem(url, message)
                break
            times = []
            for index, item in enumerate(items):
                try:
                    record = to_record(item, settings.fields, platform=run.source.platform,
                                       id_prefix=prefix, now=run.now)
                except Rejected as exc:
                    run.problem(url, f"item {index + 1}: {exc.reason}")
                    continue
                record.origin = f"{url}#{index + 1}"
                if record.published_at is not None:
                    times.append(record.published_at)
                run.emit(record)
            if times:
                newest = max([*times, *([newest] if newest else [])])
            if not items or paging.mode == "none":
                break
            if previous_newest and times and max(times) < previous_newest - _OVERLAP:
                break
            if paging.mode == "cursor":
                position = pluck(data, paging.cursor_path)
                if position in (None, "", 0, False):
                    break
            elif paging.mode == "page":
                position += 1
            else:
                position += len(items)
        if newest is not None:
            run.cursor["newest"] = newest.isoformat()

    def _get_json(self, run: Run, url: str, settings: ApiSettings, *, first: bool) -> Any:
        try:
            page = run.page(url, conditional=first, headers=settings.headers)
        except FetchError as exc:
            if first:
                raise
            run.problem(url, str(exc))
            return None
        if page is None:
            return None
        try:
            return json.loads(page.decoded().text)
        except json.JSONDecodeError as exc:
            message = f"the API did not answer with JSON ({exc.msg} at character {exc.pos})"
            if first:
                raise SourceFailed(message) from None
            run.problem(url, message)
            return None


CONNECTOR = ApiConnector()
