"""Administrative regions: the division table and recognising the region a text is about."""

from .divisions import (
    CITY_LEVEL_PROVINCES,
    Division,
    DivisionTable,
    load_divisions,
    region_name,
    short_name,
)
from .recognise import RegionMatch, RegionMatcher

__all__ = [
    "CITY_LEVEL_PROVINCES",
    "Division",
    "DivisionTable",
    "RegionMatch",
    "RegionMatcher",
    "load_divisions",
    "region_name",
    "short_name",
]
