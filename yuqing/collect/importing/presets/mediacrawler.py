"""MediaCrawler exports (notes/videos/answers and their comments) for seven platforms.

MediaCrawler names columns almost uniformly across platforms, so one converter reads them all;
each platform only adds its id column(s), directory names and a column signature for
auto-detection. Both the current schema (``creator_hash``, masked ``nickname``) and the older
one (``user_id``, ``avatar``, ``ip_location``…) are read; author columns become the author
pseudonym and are scrubbed from ``raw``. ``ip_location`` is never used as a region: a place
guessed from an IP address is not a fact about the post.

A row with ``comment_id`` is a comment: its parent is the comment named by a non-zero
``parent_comment_id``, else the note it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from yuqing.collect.importing.presets.base import (
    Converter,
    Options,
    Preset,
    Row,
    count,
    text,
    when,
)
from yuqing.collect.ingest import privacy
from yuqing.collect.ingest.pipeline import Rejected
from yuqing.collect.ingest.record import ItemRecord

#: ``{search|detail|creator}_{contents|comments|creators}_{date}.{ext}``
FILE_NAME = re.compile(r"(?:search|detail|creator)_(contents|comments|creators)_.*",
                       re.IGNORECASE)

_AUTHOR_ID = ("creator_hash", "user_id")
_AUTHOR_NAME = ("nickname", "user_nickname", "user_name")
_TITLE = ("title",)
_TEXT = ("content", "content_text", "desc", "text")
_URL = ("note_url", "aweme_url", "video_url", "content_url")
_NOTE_TIME = ("create_time", "time", "created_time", "publish_time", "pub_ts",
              "create_date_time")
_COMMENT_TIME = ("create_time", "publish_time", "create_date_time")
_LIKES = ("liked_count", "like_count", "comment_like_count", "voteup_count", "total_liked")
_COMMENTS = ("comments_count", "comment_count", "video_comment", "total_replay_num",
             "total_comments", "sub_comment_count")
_REPOSTS = ("shared_count", "share_count", "video_share_count", "total_forwards")
_VIEWS = ("video_play_count", "viewd_count")


@dataclass(frozen=True)
class Layout:
    """What differs between platforms."""

    key: str
    platform: str
    #: Directory names MediaCrawler (and its forks) use for the platform under ``data/``.
    dirs: frozenset[str]
    #: Columns holding the note's id, in order of preference.
    note_ids: tuple[str, ...]
    #: Whether a set of column names is this platform's export.
    signature: Callable[[frozenset[str]], bool]


def _weibo(c: frozenset[str]) -> bool:
    return "note_id" in c and "create_date_time" in c


def _xhs(c: frozenset[str]) -> bool:
    return ("note_id" in c and not _weibo(c) and not _tieba(c)
            and bool(c & {"xsec_token", "image_list", "tag_list", "time", "pictures",
                          "last_update_time"}))


def _tieba(c: frozenset[str]) -> bool:
    return bool(c & {"tieba_id", "tieba_name"})


def _bilibili(c: frozenset[str]) -> bool:
    if "dynamic_id" in c:
        return True
    return "video_id" in c and (
        bool(c & {"video_play_count", "video_danmaku", "video_coin_count"})
        or ("comment_id" in c and bool(c & {"like_count", "parent_comment_id"}))
    )


def _kuaishou(c: frozenset[str]) -> bool:
    return "video_id" in c and (
        bool(c & {"viewd_count", "video_play_url"})
        or ("comment_id" in c and not c & {"like_count", "parent_comment_id"})
    )


LAYOUTS = (
    Layout("weibo", "weibo", frozenset({"weibo", "wb"}), ("note_id",), _weibo),
    Layout("douyin", "douyin", frozenset({"douyin", "dy"}), ("aweme_id",),
           lambda c: "aweme_id" in c),
    Layout("xhs", "xiaohongshu", frozenset({"xhs", "xiaohongshu"}), ("note_id",), _xhs),
    Layout("bilibili", "bilibili", frozenset({"bilibili", "bili"}),
           ("video_id", "dynamic_id"), _bilibili),
    Layout("kuaishou", "kuaishou", frozenset({"kuaishou", "ks"}), ("video_id",), _kuaishou),
    Layout("tieba", "tieba", frozenset({"tieba"}), ("note_id",), _tieba),
    Layout("zhihu", "zhihu", frozenset({"zhihu"}), ("content_id",),
           lambda c: {"content_id", "content_type"} <= c),
)


def file_kind(path: Path) -> tuple[str, str] | None:
    """``(platform directory, "contents"|"comments"|"creators")`` from a MediaCrawler file
    path, or ``None`` when the name does not follow MediaCrawler's pattern."""
    match = FILE_NAME.fullmatch(path.stem)
    if not match:
        return None
    dirs = [part.lower() for part in path.parts[-4:-1]]
    known = {d for layout in LAYOUTS for d in layout.dirs}
    platform_dir = next((d for d in reversed(dirs) if d in known), "")
    return platform_dir, match.group(1).lower()


def _convert(layout: Layout, row: Row) -> ItemRecord:
    note_id = text(row, *layout.note_ids)
    comment_id = text(row, "comment_id")
    rec = ItemRecord(
        platform=layout.platform,
        author_id=text(row, *_AUTHOR_ID),
        author_name=text(row, *_AUTHOR_NAME),
        likes=count(row, *_LIKES),
        comments=count(row, *_COMMENTS),
        reposts=count(row, *_REPOSTS),
        views=count(row, *_VIEWS),
        raw=privacy.scrub(row),
    )
    if comment_id:
        parent = text(row, "parent_comment_id")
        rec.kind = "comment"
        rec.external_id = comment_id
        rec.text = text(row, "content")
        rec.published_at = when(row, *_COMMENT_TIME)
        if parent and parent != "0":
            rec.parent_external_id, rec.parent_kind = parent, "comment"
        else:
            rec.parent_external_id, rec.parent_kind = note_id, "post"
    else:
        if not note_id:
            raise Rejected(f"no note id ({' or '.join(layout.note_ids)}) and no comment_id")
        rec.external_id = note_id
        rec.title = text(row, *_TITLE)
        rec.text = text(row, *_TEXT)
        rec.url = text(row, *_URL)
        rec.published_at = when(row, *_NOTE_TIME)
    return rec


def _preset(layout: Layout) -> Preset:
    def bind(path: Path, columns: Sequence[str], options: Options) -> Converter:
        return lambda row: _convert(layout, row)

    def detect(path: Path, columns: Sequence[str]) -> bool:
        kind = file_kind(path)
        if kind and kind[0]:
            return kind[0] in layout.dirs and kind[1] != "creators"
        return layout.signature(frozenset(columns))

    return Preset(
        name=f"mediacrawler-{layout.key}",
        summary=f"MediaCrawler {layout.key} notes and comments (current and older schema)",
        platform=layout.platform,
        bind=bind,
        detect=detect,
    )


PRESETS = tuple(_preset(layout) for layout in LAYOUTS)
