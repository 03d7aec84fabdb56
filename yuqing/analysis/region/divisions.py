"""China's administrative divisions: province → city → district, with names to match on.

The table is the ``adcodes.csv`` shipped with the ``cpca`` package (12-digit codes, names and
coordinates, as of mid-2016), read directly with :mod:`csv` — importing ``cpca`` itself would
pull in pandas.  A few divisions created since are added from :data:`.aliases.NEWER_DIVISIONS`.

Levels and parents (what the raw codes do not say plainly):

* Level 1 — provinces, autonomous regions, the four municipalities (北京, 天津, 上海, 重庆) and
  the two special administrative regions.
* Level 2 — prefecture-level cities, prefectures, autonomous prefectures and leagues, and also
  the county-level cities governed directly by a province (仙桃, 济源, 石河子, 五指山...; their
  codes are ``xx90xx``): they have no city above them, so for grouping they *are* the city.
* Level 3 — districts, counties, county-level cities, banners.
* The codes ``xx0100 市辖区``, ``500200 县`` and ``xx9000 省直辖县级行政区划`` are placeholders,
  not places: they are dropped, and their children hang from the province.  A municipality's
  districts therefore have the municipality itself as parent; :data:`CITY_LEVEL_PROVINCES` are
  province-level units that are also a city, so a district of Beijing reads
  ``北京市 / 北京市 / 朝阳区`` when grouped by province, city and district.

Short names and match keys (see :func:`short_name` and :meth:`DivisionTable.keys`): the short
name is the full name without its administrative suffix (省, 市, 区, 县, 旗, 盟, 地区, 自治州,
自治县, 特别行政区, ...) and, for autonomous units, without the names of the nationalities
(``广西壮族自治区`` → 广西, ``海西蒙古族藏族自治州`` → 海西).  Every full name is a match key
except the generic ones (城区, 郊区, 矿区...); a short name is a key only when it has at least
two characters (忠县 → 忠 is not) and is not on the hand-kept list of common words and
misleading names in :mod:`.aliases` (和平, 中山, 长安, 南山...).
"""

from __future__ import annotations

import csv
import functools
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import aliases

__all__ = [
    "CITY_LEVEL_PROVINCES",
    "Division",
    "DivisionTable",
    "cpca_resource",
    "load_divisions",
    "region_name",
    "short_name",
]

#: Province-level units that are a city as well: their districts' parent is the unit itself.
CITY_LEVEL_PROVINCES = frozenset({"110000", "120000", "310000", "500000", "810000", "820000"})

#: Administrative suffixes, longest first so that ``自治县`` wins over ``县``.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "特区", "新区",
             "矿区", "省", "市", "区", "县", "盟", "旗")
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True, slots=True)
class Division:
    """One division.  ``path`` is the codes from its province down to itself."""

    code: str
    name: str
    short: str
    level: int
    parent: str | None
    path: tuple[str, ...]
    longitude: float | None = None
    latitude: float | None = None

    @property
    def province(self) -> str:
        return self.path[0]


def cpca_resource(name: str) -> Path:
    """A data file of the installed ``cpca`` package, located without importing it."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the cpca package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _nationalities(path: Path) -> tuple[str, ...]:
    """Nationality names without the 族 suffix, longest first, plus 各 (各族 = "all peoples")."""
    names = {line.strip().removesuffix("族") for line in path.read_text("utf-8").splitlines()}
    names.discard("")
    return (*sorted(names, key=lambda n: (-len(n), n)), "各")


def _strip_nationalities(stem: str, nationalities: tuple[str, ...], bare: bool) -> str:
    """``海西蒙古族藏族`` → ``海西``; with ``bare``, also names without 族 (``伊犁哈萨克``).

    Never strips down to fewer than two characters: in ``东乡族自治县`` the nationality *is*
    the place name (→ 东乡).  Bare names are stripped only when they have two or more
    characters, since one-character ones (水, 土, 京) end ordinary place names too.
    """
    changed = True
    while changed:
        changed = False
        for nat in nationalities:
            if stem.endswith(nat + "族") and len(stem) - len(nat) - 1 >= 2:
                stem, changed = stem[: -len(nat) - 1], True
                break
            if bare and len(nat) >= 2 and stem.endswith(nat) and len(stem) - len(nat) >= 2:
                stem, changed = stem[: -len(nat)], True
                break
    return stem.removesuffix("族") if len(stem) > 2 else stem


def short_name(name: str, nationalities: tuple[str, ...] = ()) -> str:
    """The name without its administrative suffix (and nationalities, for autonomous units).

    The longest suffix that leaves at least two characters is removed (清新区 → 清新, not
    清 + 新区); a name whose every suffix would leave less keeps a one-character stem
    (忠县 → 忠), which is never used as a match key.
    """
    fallback = ""
    for suffix in _SUFFIXES:
        if not name.endswith(suffix) or len(name) == len(suffix):
            continue
        stem = name[: -len(suffix)]
        if len(stem) < 2:
            fallback = fallback or stem
            continue
        if suffix.startswith("自治") or stem.endswith("族"):
            stem = _strip_nationalities(stem, nationalities, suffix.startswith("自治"))
        return stem
    return fallback or name


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


class DivisionTable:
    """All divisions, by code and by name, with the tree and the match keys."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        self._by_code: dict[str, Division] = {}
        self._children: dict[str | None, list[Division]] = {}
        self._by_name: dict[str, list[Division]] = {}
        for division in sorted(divisions, key=lambda d: d.code):
            self._by_code[division.code] = division
            self._children.setdefault(division.parent, []).append(division)
            self._by_name.setdefault(division.name, []).append(division)
        self._keys: dict[str, tuple[Division, ...]] | None = None

    @classmethod
    def from_csv(cls, path: Path, nationalities: Path | None = None) -> DivisionTable:
        """Read cpca's ``adcodes.csv`` (``adcode,name,longitude,latitude``) into a table."""
        nats = _nationalities(nationalities) if nationalities else ()
        rows: dict[str, tuple[str, float | None, float | None]] = {}
        placeholders: set[str] = set()
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code12, name = row["adcode"].strip(), row["name"].strip()
                if len(code12) != 12 or not code12.isdigit() or code12[6:] != "000000":
                    continue
                code = code12[:6]
                if name in _PLACEHOLDERS:
                    placeholders.add(code)
                    continue
                rows[code] = (name, _float(row["longitude"]), _float(row["latitude"]))
        for code, name in aliases.NEWER_DIVISIONS:
            rows.setdefault(code, (name, None, None))

        def parent_level(code: str) -> tuple[str | None, int]:
            if code[2:] == "0000":
                return None, 1
            province = code[:2] + "0000"
            if code[4:] == "00":
                return province, 2
            city = code[:4] + "00"
            if city in rows and city not in placeholders:
                return city, 3
            # Under a placeholder: a municipality's district, or a county-level city governed
            # directly by its province (xx90xx), which stands in for a city.
            return province, 3 if province in CITY_LEVEL_PROVINCES else 2

        divisions = []
        for code, (name, lon, lat) in rows.items():
            parent, level = parent_level(code)
            if parent is not None and parent not in rows:
                continue  # an orphan (no province row): nothing to hang it from
            path_codes = (code,) if parent is None else (
                (parent, code) if parent[2:] == "0000" else (parent[:2] + "0000", parent, code))
            divisions.append(Division(code, name, short_name(name, nats), level, parent,
                                      path_codes, lon, lat))
        return cls(divisions)

    # -- look-ups -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __getitem__(self, code: str) -> Division:
        division = self.get(code)
        if division is None:
            raise KeyError(code)
        return division

    def get(self, code: str) -> Division | None:
        """The division with this 6-digit code (or 12-digit code ending in six zeros)."""
        code = code.strip()
        if len(code) == 12 and code.endswith("000000"):
            code = code[:6]
        return self._by_code.get(code)

    def resolve_code(self, code: str) -> Division | None:
        """The division of ``code``, else of the nearest code above it that is a division.

        A configured code may be a placeholder (``110100 市辖区``) or a division created after
        the table (``500155`` 梁平区): its city or province is the best region we can name.
        """
        code = code.strip()
        if len(code) == 12 and code.endswith("000000"):
            code = code[:6]
        if len(code) != 6 or not code.isdigit():
            return None
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            found = self._by_code.get(candidate)
            if found is not None:
                return found
        return None

    def by_name(self, name: str) -> tuple[Division, ...]:
        """Divisions whose full name is ``name`` (several: 朝阳区, 鼓楼区, 市中区...)."""
        return tuple(self._by_name.get(name, ()))

    def children(self, code: str | None = None) -> tuple[Division, ...]:
        """The divisions directly below ``code``; the provinces when ``code`` is None."""
        return tuple(self._children.get(code, ()))

    def lineage(self, division: Division) -> tuple[Division, ...]:
        """The division's province, city (if any) and itself, top down."""
        return tuple(self._by_code[c] for c in division.path)

    def city_of(self, division: Division) -> Division | None:
        """The city a division belongs to, for grouping by city.

        A level-2 division is its own city; a district's city is its parent, which for a
        municipality's district is the municipality.  A province-level unit is a city only when
        it is in :data:`CITY_LEVEL_PROVINCES`.
        """
        if division.level == 1:
            return division if division.code in CITY_LEVEL_PROVINCES else None
        if division.level == 2:
            return division
        return self._by_code.get(division.parent) if division.parent else None

    def keys(self) -> dict[str, tuple[Division, ...]]:
        """Every match key → the divisions it may name (computed once).

        See the module docstring for which names are keys.  :data:`.aliases.EXTRA_KEYS` adds
        the usual forms that suffix rules cannot derive (内蒙, 神农架).
        """
        if self._keys is None:
            keys: dict[str, list[Division]] = {}
            for division in self:
                names = []
                if division.name not in aliases.COMMON_FULL_NAMES:
                    names.append(division.name)
                short = division.short
                if (len(short) >= 2 and short != division.name
                        and short not in aliases.COMMON_SHORT_NAMES):
                    names.append(short)
                for key in names:
                    keys.setdefault(key, []).append(division)
            for key, code in aliases.EXTRA_KEYS.items():
                extra = self._by_code.get(code)
                if extra is not None and extra not in keys.get(key, ()):
                    keys.setdefault(key, []).append(extra)
            self._keys = {key: tuple(found) for key, found in keys.items()}
        return self._keys

    def display_name(self, *codes: str | None) -> str:
        """``广东省深圳市龙华区`` from province, city and district codes (unknown ones skipped;
        a municipality is named once)."""
        names: list[str] = []
        for code in codes:
            division = self.get(code) if code else None
            if division is not None and division.name not in names:
                names.append(division.name)
        return "".join(names)


@functools.cache
def load_divisions() -> DivisionTable:
    """The division table of the installed cpca package (read once per process)."""
    return DivisionTable.from_csv(cpca_resource("adcodes.csv"), cpca_resource("56_nations.csv"))


def region_name(province: str | None, city: str | None = None, district: str | None = None) -> str:
    """Display name of a stored region (codes as saved; empty or unknown parts skipped)."""
    return load_divisions().display_name(province, city, district)
