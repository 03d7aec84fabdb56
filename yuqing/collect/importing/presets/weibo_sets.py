"""Two published COVID-19 Weibo data sets used for evaluation and benchmarks.

* ``datafountain-weibo``: the DataFountain 2020 contest CSV (微博id, 微博发布时间 as
  ``MM月DD日 HH:MM`` without a year, 发布人账号, 微博中文内容, 微博图片, 微博视频).
* ``weibo-hashtag-days``: one file per day named ``M.DD.csv`` with ``userid,text``; the day
  comes from the file name. Rows carry no post id, so the natural key is a content hash and
  exact repeats (same account, same text, same day) collapse into one item — the import
  summary reports them as repeats.

Both lack the year in the data; ``--year`` supplies it rather than assuming one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from yuqing.collect.importing.presets.base import (
    Converter,
    Options,
    Preset,
    PresetError,
    Row,
    text,
    when,
)
from yuqing.collect.ingest import privacy
from yuqing.collect.ingest.record import ItemRecord

_DATAFOUNTAIN_COLUMNS = frozenset({"微博id", "微博发布时间", "微博中文内容"})
_DAY_FILE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})")


def _need_year(preset: str, options: Options) -> int:
    if options.year is None:
        raise PresetError(f"{preset}: the dates in these files have no year; "
                          f"give it with --year (e.g. --year 2020)")
    return options.year


def _bind_datafountain(path: Path, columns: Sequence[str], options: Options) -> Converter:
    year = _need_year("datafountain-weibo", options)

    def convert(row: Row) -> ItemRecord:
        account = text(row, "发布人账号")
        return ItemRecord(
            platform="weibo",
            external_id=text(row, "微博id"),
            text=text(row, "微博中文内容"),
            published_at=when(row, "微博发布时间", year=year),
            author_id=account,
            author_name=account,
            raw=privacy.scrub(row),
        )

    return convert


DATAFOUNTAIN = Preset(
    name="datafountain-weibo",
    summary="DataFountain 2020 nCoV Weibo CSV (needs --year)",
    platform="weibo",
    bind=_bind_datafountain,
    detect=lambda path, columns: set(columns) >= _DATAFOUNTAIN_COLUMNS,
)


def _bind_hashtag_days(path: Path, columns: Sequence[str], options: Options) -> Converter:
    year = _need_year("weibo-hashtag-days", options)
    match = _DAY_FILE.fullmatch(path.stem)
    if not match:
        raise PresetError(f"weibo-hashtag-days: the file name {path.name!r} is not a day "
                          f"(expected M.DD.csv, e.g. 2.17.csv)")
    try:
        day = datetime(year, int(match[1]), int(match[2]), tzinfo=ZoneInfo(settings.TIME_ZONE))
    except ValueError:
        raise PresetError(f"weibo-hashtag-days: {path.name!r} is not a date in {year}") from None

    def convert(row: Row) -> ItemRecord:
        return ItemRecord(
            platform="weibo",
            text=text(row, "text"),
            published_at=day,
            author_id=text(row, "userid"),
            raw=privacy.scrub(row),
        )

    return convert


HASHTAG_DAYS = Preset(
    name="weibo-hashtag-days",
    summary="COVID-19 Weibo hashtag day files M.DD.csv with userid,text (needs --year)",
    platform="weibo",
    bind=_bind_hashtag_days,
    detect=lambda path, columns: (list(columns) == ["userid", "text"]
                                  and bool(_DAY_FILE.fullmatch(path.stem))),
)
