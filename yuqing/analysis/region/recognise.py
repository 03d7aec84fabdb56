"""Which province, city and district a post is about, from the place names in its text.

The match keys of the division table (full and short names, see :mod:`.divisions`) and the
phrases of :data:`.aliases.NOT_PLACES` are found by one left-to-right scan that takes the
leftmost-longest key, so ``朝阳区`` wins over ``朝阳`` and ``北京时间`` swallows ``北京``;
``济南市中区`` is read as 济南 + 市中区, not 济南市 + 中区.

The scan is not an Aho-Corasick automaton: pyahocorasick was measured at ~18 µs per
70-character post on these ~6,000 keys (about 290 ns per character, Chinese or not: its trie
searches a node's children one by one, and the root has ~900), while one regex look-ahead
over a bitmap character class — "a character that starts a key followed by one that can be
second in it" — leaves ~6 candidate positions per post, each checked with two dict look-ups:
~5 µs.

A name found is dropped when its context says it is not the place (:mod:`.aliases` has the
word lists): a street or building named after it (``南京路``; ``北京路况`` is kept); a
two-character county name such as 和县 or 任县 that runs into a word starting with 县
(``和县长``) or starts inside a word (``担任县委``); a two-character name starting with a
function word (和政, 于洪, 从江) anywhere but right after another place name or a preposition
of place (``党和政府``, ``等于洪水``, ``从江苏回来`` are not places; ``新疆和田`` is).  A name
ruled out does not hide the names it overlaps: ``从江苏回来`` finds 江苏.

**Resolution.**  A name may name several divisions (朝阳: a city in Liaoning, districts of
Beijing and Changchun, a county).  A short name followed by a suffix keeps the candidates whose
full name has it (``海南州`` is Qinghai's prefecture, not the province).  Then the candidates
are narrowed, in order, by

1. a place named *right before it* (``辽宁朝阳``, ``长春朝阳区``): only candidates inside that
   place stay.  If none is inside it and every candidate is below it in level, the name is
   dropped — ``深圳市龙华区`` with a table that knew only Haikou's 龙华区 must not become
   Haikou;
2. the other places named in the text: the candidates that share the deepest ancestor with
   them (``武汉…江岸区`` is Wuhan's 江岸区);
3. the source's configured region (``hint``), the same way;
4. rank: a province beats a city, which beats a district — except that a municipality's
   district ranks as a city (its administrative rank, and how well known it is): ``西安`` is the
   city, not the 西安区 of Liaoyuan; ``通州`` is Beijing's; ``朝阳`` alone stays ambiguous
   between Liaoning's city and Beijing's district.

What is still ambiguous is replaced by the candidates' common ancestor when they have one
(``江苏…鼓楼区`` is at least Jiangsu), else dropped: no answer is better than a wrong one.

**Several places.**  When a text names places in different chains (``从武汉返回深圳市龙华区``),
the most specific division wins (the highest level number), then the one consistent with the
hint, then the one more names support (a name supports a division when it names the division
or one of its ancestors).  Places still tied are replaced by their common ancestor when they
have one (``深圳福田、罗湖两区`` is Shenzhen), else the one named first wins.  ``evidence`` lists
the names that support the answer, in text order.

**Hint.**  The source's configured region (``广东省深圳市`` or a 6-digit code) resolves
ambiguity and is the answer, marked ``from_hint``, when the text names no place.

**Never an IP location.**  Weibo's ``发布于 XX`` / ``IP属地：XX`` is where the poster's network
is, not what the post is about, and locating *people* is exactly what this project refuses to
do.  Callers pass only the post's text and its source's configured region; an ``IP属地`` label
that slipped into a text is cut out before matching.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yuqing.analysis.dedup.textnorm import strip_mentions
from yuqing.analysis.transport import by_fields

from . import aliases
from .divisions import CITY_LEVEL_PROVINCES, Division, DivisionTable

__all__ = ["RegionMatch", "RegionMatcher"]

_IP_LOCATION = re.compile(r"IP属地\s*[:：]?\s*\w{0,12}")
#: What may stand between a place and the name it qualifies: ``辽宁 朝阳``, ``辽宁·朝阳``.
_QUALIFIER_GAP = frozenset(" ·-/")
_STREET_FIRST = frozenset(s[0] for s in aliases.STREET_SUFFIXES)
_SUFFIX_CHARS = frozenset("省市州县区旗盟")
# Where a name may start (see _Key.before and RegionMatcher._fits).
_ANYWHERE, _WORD_START, _AFTER_PLACE = 0, 1, 2


@by_fields
@dataclass(frozen=True, slots=True)
class RegionMatch:
    """The region of one post: 6-digit codes and names for display.

    ``city`` is None for a province named alone; for a municipality (and Hong Kong, Macao) the
    city is the municipality itself, so grouping by city counts Beijing.  ``evidence`` is the
    names in the text that support the region (empty when ``from_hint``).
    """

    province: str
    province_name: str
    city: str | None
    city_name: str | None
    district: str | None
    district_name: str | None
    evidence: tuple[str, ...]
    from_hint: bool

    @property
    def code(self) -> str:
        """The most specific code."""
        return self.district or self.city or self.province

    @property
    def name(self) -> str:
        """``广东省深圳市龙华区``; a municipality is named once (``北京市朝阳区``)."""
        parts = [self.province_name]
        for part in (self.city_name, self.district_name):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Key:
    key: str
    candidates: tuple[Division, ...]  # empty for a NOT_PLACES phrase
    before: int  # _ANYWHERE, _WORD_START (和县, 任县) or _AFTER_PLACE (和政, 从江)
    county: bool  # a two-character county name: must not run into 县长, 县城... (和县长)


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    key: str
    candidates: list[Division]
    adjacent: bool  # right after the previous name (辽宁朝阳, 辽宁·朝阳): it may qualify this one
    chosen: Division | None = None


def _tier(division: Division) -> int:
    """Rank for ambiguity: a municipality's district counts as a city (see module doc)."""
    if division.level == 3 and division.parent in CITY_LEVEL_PROVINCES:
        return 2
    return division.level


def _shared(a: Division, b: Division) -> int:
    """How many levels two divisions share from the top (0: different provinces)."""
    depth = 0
    for x, y in zip(a.path, b.path, strict=False):
        if x != y:
            break
        depth += 1
    return depth


def _closest(candidates: Sequence[Division], context: Sequence[Division]) -> list[Division]:
    """The candidates sharing the deepest ancestor with any context division (none: [])."""
    best, kept = 0, []
    for cand in candidates:
        depth = max(_shared(cand, other) for other in context)
        if depth > best:
            best, kept = depth, [cand]
        elif depth == best and depth > 0:
            kept.append(cand)
    return kept


class RegionMatcher:
    """Recognises regions in texts by scanning for the names of a :class:`DivisionTable`."""

    def __init__(self, table: DivisionTable) -> None:
        self.table = table
        entries = []
        for key, divisions in table.keys().items():
            full = len(key) == 2 and any(d.name == key for d in divisions)
            before = _ANYWHERE
            if len(key) == 2 and key[0] in aliases.FUNCTION_CHARS:
                before = _AFTER_PLACE
            elif full or (len(key) == 2 and key[0] in aliases.WORD_FINAL_CHARS):
                before = _WORD_START
            entries.append(_Key(key, divisions, before, county=full and key[1] == "县"))
        entries += [_Key(phrase, (), _ANYWHERE, False) for phrase in sorted(aliases.NOT_PLACES)]
        self._keys = {entry.key: entry for entry in entries}
        lengths: dict[str, set[int]] = {}
        for key in self._keys:
            lengths.setdefault(key[:2], set()).add(len(key))
        #: First two characters of a key → the lengths of the keys starting so, longest first.
        self._lengths = {pair: tuple(sorted(ls, reverse=True)) for pair, ls in lengths.items()}
        first = "".join(sorted({k[0] for k in self._keys}))
        second = "".join(sorted({k[1] for k in self._keys}))
        self._candidates = re.compile(f"(?=[{re.escape(first)}][{re.escape(second)}])")
        self._hints: dict[str, Division | None] = {}

    # -- public API -------------------------------------------------------------------

    def recognise(self, text: str, *, hint: str = "") -> RegionMatch | None:
        """The region ``text`` is about; the hint's region if it names none; else None."""
        hinted = self.parse_hint(hint) if hint else None
        found = self._resolve(self._mentions(text), hinted) if text else None
        if found is not None:
            return found
        return self._match(hinted, (), from_hint=True) if hinted is not None else None

    def recognise_many(self, texts: Iterable[str],
                       hints: Iterable[str] | None = None) -> list[RegionMatch | None]:
        """:meth:`recognise` for each text, with the hint at the same position."""
        texts = list(texts)
        hint_list = [""] * len(texts) if hints is None else list(hints)
        if len(hint_list) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(hint_list)} hints")
        return [self.recognise(t, hint=h) for t, h in zip(texts, hint_list, strict=True)]

    def parse_hint(self, hint: str) -> Division | None:
        """The division a configured region names: a code (6 or 12 digits; a placeholder or
        newer code resolves upwards) or names (``广东省深圳市``).  None when it names none or
        only ambiguously (cached: sources repeat their hint on every item)."""
        if hint in self._hints:
            return self._hints[hint]
        value = hint.strip()
        if value.isdigit():
            division = self.table.resolve_code(value)
        else:
            match = self._resolve(self._mentions(value), None) if value else None
            division = self.table.get(match.code) if match else None
        if len(self._hints) > 10_000:
            self._hints.clear()
        self._hints[hint] = division
        return division

    # -- finding names ----------------------------------------------------------------

    def _mentions(self, text: str) -> list[_Mention]:
        if "IP属地" in text:
            text = _IP_LOCATION.sub(" ", text)
        if "@" in text:  # user names (@厦门同城会, //@广东孙莉莉:) say nothing about the post
            text = strip_mentions(text)
        mentions: list[_Mention] = []
        previous_end = -1
        for start, end, entry in self._spans(text):
            adjacent = start == previous_end or (
                start == previous_end + 1 and text[previous_end] in _QUALIFIER_GAP)
            candidates = list(entry.candidates)
            if end < len(text) and text[end] in _SUFFIX_CHARS and len(candidates) > 1:
                # 海南州 is the prefecture, not the province: a short name followed by a
                # suffix keeps the candidates whose full name ends with it.
                suffixed = [c for c in candidates if c.name.endswith(text[end])]
                candidates = suffixed or candidates
            mentions.append(_Mention(start, end, entry.key, candidates, adjacent))
            previous_end = end
        return mentions

    def _key_at(self, text: str, i: int) -> _Key | None:
        """The longest key starting at ``text[i]``, if any."""
        lengths = self._lengths.get(text[i:i + 2])
        if lengths is not None:
            keys = self._keys
            for n in lengths:
                entry = keys.get(text[i:i + n])
                if entry is not None:
                    return entry
        return None

    def _spans(self, text: str) -> list[tuple[int, int, _Key]]:
        """Leftmost-longest place names as (start, end, key).

        A name its context rules out does not consume its characters, so ``从江苏回来`` still
        finds 江苏 once 从江 is ruled out.
        """
        spans: list[tuple[int, int, _Key]] = []
        position = 0
        previous_end = -1
        for candidate in self._candidates.finditer(text):
            start = candidate.start()
            if start < position:
                continue
            entry = self._key_at(text, start)
            if entry is None:
                continue
            end = start + len(entry.key)
            if not entry.candidates:
                position = end  # a NOT_PLACES phrase: consumed, not a place
                continue
            if not self._fits(text, start, end, entry, previous_end):
                continue
            if entry.key[-1] == "市" and end < len(text):
                # 济南市中区 is 济南 + 市中区: X市 followed by a name beginning with its 市.
                shorter, following = self._keys.get(entry.key[:-1]), self._key_at(text, end - 1)
                if shorter and following and following.candidates and len(following.key) > 1:
                    spans.append((start, end - 1, shorter))
                    entry, start, end = following, end - 1, end - 1 + len(following.key)
            spans.append((start, end, entry))
            position = previous_end = end
        return spans

    @staticmethod
    def _fits(text: str, start: int, end: int, entry: _Key, previous_end: int) -> bool:
        """Whether the context allows the name here (see the module docstring)."""
        if end < len(text):
            after = text[end]
            if after in _STREET_FIRST and text.startswith(aliases.STREET_SUFFIXES, end) and (
                    not text.startswith(aliases.STREET_EXCEPTIONS, end)):
                return False
            if entry.county and after in aliases.COUNTY_WORD_STARTS:
                return False
        if entry.before == _ANYWHERE or start == previous_end:
            return True
        before = text[start - 1] if start else ""
        if before in aliases.NAME_MAY_FOLLOW:
            return True
        return entry.before == _WORD_START and (not before or not before.isalnum())

    # -- resolution -------------------------------------------------------------------

    def _resolve(self, mentions: list[_Mention], hint: Division | None) -> RegionMatch | None:
        if not mentions:
            return None
        for m in mentions:
            if len(m.candidates) == 1:
                m.chosen = m.candidates[0]
        self._qualify(mentions)
        self._by_context(mentions)
        for m in mentions:
            if m.chosen is None and m.candidates:
                m.chosen = self._settle(m.candidates, hint)
        found = [(m.key, m.chosen) for m in mentions if m.chosen is not None]
        if not found:
            return None

        def rank(division: Division) -> tuple[int, bool, int]:
            support = sum(1 for _, other in found if other.code in division.path)
            return (division.level, hint is not None and _shared(division, hint) > 0, support)

        ranks = {d.code: rank(d) for _, d in found}
        top = max(ranks.values())
        tied = [d for _, d in found if ranks[d.code] == top]  # in text order
        best = tied[0]
        depth = min(_shared(best, d) for d in tied)
        if depth < len(best.path):  # 福田、罗湖两区: equals; their common ancestor, if any
            best = self.table[best.path[depth - 1]] if depth else best
        evidence = dict.fromkeys(key for key, d in found if d.code in best.path)
        return self._match(best, tuple(evidence), from_hint=False)

    @staticmethod
    def _qualify(mentions: list[_Mention]) -> None:
        """Step 1: a place named right before a name narrows it (or rules it out)."""
        for prev, m in itertools.pairwise(mentions):
            outer = prev.chosen
            if outer is None or not m.adjacent or not m.candidates:
                continue
            inside = [c for c in m.candidates if outer.code in c.path and c.code != outer.code]
            if inside:
                m.candidates = inside
            elif all(c.level > outer.level for c in m.candidates):
                m.candidates = []
            if len(m.candidates) == 1:
                m.chosen = m.candidates[0]
            elif not m.candidates:
                m.chosen = None

    @staticmethod
    def _by_context(mentions: list[_Mention]) -> None:
        """Step 2: other places of the text narrow ambiguous names, until nothing changes."""
        changed = True
        while changed:
            changed = False
            for m in mentions:
                if m.chosen is not None or len(m.candidates) < 2:
                    continue
                context = [o.chosen for o in mentions if o.chosen is not None and o.key != m.key]
                if not context:
                    continue
                kept = _closest(m.candidates, context)
                if kept and len(kept) < len(m.candidates):
                    m.candidates, changed = kept, True
                    if len(kept) == 1:
                        m.chosen = kept[0]

    def _settle(self, candidates: list[Division], hint: Division | None) -> Division | None:
        """Steps 3-4: the hint, then rank; else the candidates' common ancestor, if any."""
        if hint is not None:
            candidates = _closest(candidates, [hint]) or candidates
        top = min(_tier(c) for c in candidates)
        candidates = [c for c in candidates if _tier(c) == top]
        if len(candidates) == 1:
            return candidates[0]
        depth = min(_shared(candidates[0], c) for c in candidates[1:])
        return self.table.get(candidates[0].path[depth - 1]) if depth else None

    def _match(self, division: Division, evidence: tuple[str, ...], *,
               from_hint: bool) -> RegionMatch:
        table = self.table
        province = table[division.province]
        city = table.city_of(division)
        district = division if division.level == 3 else None
        return RegionMatch(
            province=province.code, province_name=province.name,
            city=city.code if city else None, city_name=city.name if city else None,
            district=district.code if district else None,
            district_name=district.name if district else None,
            evidence=evidence, from_hint=from_hint)
