"""Records and their parts survive the trip to a text worker and back, field for field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from yuqing.analysis.dedup.textnorm import match_text
from yuqing.analysis.pipeline import Record
from yuqing.analysis.region import RegionMatch
from yuqing.analysis.text.normalise import normalise_many
from yuqing.analysis.transport import by_fields

POST = "滨江区幸福小区停水三天了[怒] #停水# http://t.cn/abc //@网友甲:物业不管…展开全文"


def test_a_prepared_record_round_trips_with_every_field() -> None:
    norm = normalise_many([POST])[0]
    record = Record(
        id=7, title="", text=POST, time=dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC), parent_id=3,
        tier_rank=2, region_hint="浙江", reposts=4, fingerprint="f" * 40, norm=norm,
        match=match_text(POST, fold=False), keywords=["停水", "物业"],
        vector={"停水": 0.8, "物业": 0.6}, tone="negative", tone_score=0.9,
        region=RegionMatch("330000", "浙江省", None, None, None, None, ("浙江",), True))
    back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == record and back is not record
    assert back.norm == norm and back.norm.truncated and back.norm.chain == norm.chain
    # Every field goes through the constructor: nothing is left at its default.
    assert all(getattr(back, f.name) == getattr(record, f.name)
               for f in dataclasses.fields(Record))


def test_only_dataclasses_built_wholly_by_init_qualify() -> None:
    @dataclasses.dataclass
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="all set by __init__"):
        by_fields(Derived)
