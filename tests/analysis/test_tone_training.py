"""Training → saving → loading → predicting, evaluation output and the ``model`` command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from yuqing.analysis.models import LabelCorrection
from yuqing.analysis.tone import Task, get_classifier
from yuqing.analysis.tone.metrics import evaluate
from yuqing.analysis.tone.store import load, metadata, versions
from yuqing.analysis.tone.training import TrainingSet, train, train_files
from yuqing.collect.models import Item, Source

# Sentences written for these tests (not taken from any dataset).
POSITIVE = [
    "今天天气真好，心情很开心[哈哈]", "这家店的菜太好吃了，强烈推荐", "感谢医护人员的付出，致敬",
    "孩子考上了大学，全家都很高兴", "服务很周到，下次还来", "新公园环境优美，散步很舒服[太开心]",
    "志愿者们太棒了，为你们点赞", "终于康复出院了，谢谢大家的关心", "这部电影真精彩，值得一看",
    "社区办事效率高，给力[赞]", "收到朋友的礼物，好感动[爱你]", "武汉加油，一定会好起来的",
]
NEGATIVE = [
    "排了三个小时的队，气死我了[怒]", "这家店太坑了，再也不来了", "物业不作为，投诉了也没人管",
    "外卖送错了还态度恶劣，差评", "小区停水两天了，太糟糕了[抓狂]", "听说他去世了，心里好难过[泪]",
    "骗子公司，退款一直拖着", "路上又堵车了，烦死了", "产品质量太差，用了一天就坏了",
    "被黑心商家宰了，真倒霉[衰]", "医院排队太久，孩子发烧很难受", "这种行为太恶心了，必须严惩",
]
NEUTRAL = [
    "明天上午九点召开会议", "本周六图书馆开放时间调整为下午", "地铁三号线新增两个站点",
    "今天气温十八度，有小雨", "通知：下周一起办理业务请带身份证", "会议纪要已经发到群里了",
    "公交站迁到了路口东侧", "新学期课程表已经公布", "超市营业时间为早八点到晚十点",
    "区政府发布了新的交通规划", "快递柜在二号楼楼下", "报名截止日期为本月底",
]
ROWS = ([(t, "positive") for t in POSITIVE] + [(t, "negative") for t in NEGATIVE]
        + [(t, "neutral") for t in NEUTRAL])


@pytest.fixture(autouse=True)
def _models_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATA_DIR = tmp_path
    for name in ("YUQING_TONE_MODEL", "YUQING_EMOTION_MODEL", "YUQING_TONE_TRANSFORMER_DIR",
                 "YUQING_EMOTION_TRANSFORMER_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tone_file(tmp_path: Path) -> Path:
    path = tmp_path / "tone.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": label}, ensure_ascii=False) + "\n"
                            for t, label in ROWS), encoding="utf-8")
    return path


def test_training_set_merges_sources() -> None:
    data = TrainingSet.build(
        primary=[("好开心!", "positive"), ("好烦", "negative")],
        extra=[("好烦", "positive"), ("还行", "neutral")],
        corrections=[("好开心！", "negative")],  # NFKC makes ！ the same text as !
    )
    rows = set(zip(data.texts, data.labels, data.primary, strict=True))
    assert ("好开心！", "negative", True) in rows
    assert ("好烦", "negative", True) in rows and ("还行", "neutral", False) in rows
    assert len(rows) == 3
    reordered = TrainingSet.build([("好烦", "negative"), ("好开心!", "negative")],
                                  [("还行", "neutral")])
    assert reordered.sha256() == data.sha256()


def test_train_save_load_predict_roundtrip(tone_file: Path) -> None:
    model, meta, directory = train_files(Task.TONE, [tone_file],
                                         corrections=[("这个新功能还不错", "positive")])
    assert directory.name == model.version and versions("tone") == [model.version]
    stored = metadata("tone", model.version)
    assert stored["data_sha256"] == meta["data_sha256"] and len(meta["data_sha256"]) == 64
    assert model.version.endswith(meta["data_sha256"][:8])
    assert stored["rows"]["primary"] == len(ROWS) + 1 and stored["cv_folds"] == 5
    assert stored["domain_copy"] is False  # no extra rows: nothing to tell apart
    assert set(stored["labels"]) == {"negative", "neutral", "positive"}
    loaded = load("tone")
    texts = ["这家店的菜太好吃了[哈哈]", "排队太久了，气死我了[怒]"]
    assert loaded.predict(texts) == model.predict(texts)
    predictions = loaded.predict(texts)
    assert [p.label for p in predictions] == ["positive", "negative"]
    assert all(0 < p.score <= 1 for p in predictions)
    chosen = get_classifier(Task.TONE)
    assert (chosen.name, chosen.version) == ("linear", model.version)


def test_extra_rows_of_another_domain_train_with_a_domain_copy() -> None:
    # Another "domain" that says the opposite of the primary rows about the same texts'
    # words: the extra rows are never scored, and the model keeps the primary meaning.
    flipped = {"positive": "negative", "negative": "positive"}
    extra = [(f"另一个平台：{t}", flipped.get(label, label)) for t, label in ROWS]
    model, meta = train(Task.TONE, TrainingSet.build(ROWS, extra))
    assert meta["domain_copy"] is True and meta["rows"]["extra"] == len(ROWS)
    assert meta["cv_metrics"]["accuracy"] > 0.5
    predictions = model.predict(["这家店的菜太好吃了，强烈推荐", "排了三个小时的队，气死我了[怒]"])
    assert [p.label for p in predictions] == ["positive", "negative"]


def test_pinned_version_and_lexicon(tone_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_classifier(Task.TONE).name == "lexicon"
    first, _, _ = train_files(Task.TONE, [tone_file])
    train_files(Task.TONE, [tone_file], corrections=[("一般般", "neutral")])
    monkeypatch.setenv("YUQING_TONE_MODEL", first.version)
    assert get_classifier(Task.TONE).version == first.version
    monkeypatch.setenv("YUQING_TONE_MODEL", "lexicon")
    assert get_classifier(Task.TONE).name == "lexicon"


def test_train_rejects_foreign_labels() -> None:
    with pytest.raises(ValueError, match="not emotion labels"):
        train(Task.EMOTION, TrainingSet.build([("好", "positive"), ("坏", "negative")]))


def test_evaluate_report() -> None:
    report = evaluate(["happy", "sad", "sad", "fear"], ["happy", "sad", "happy", "fear"],
                      ["angry", "happy", "sad", "fear"])
    assert report.accuracy == 0.75
    assert [c.label for c in report.classes] == ["happy", "sad", "fear"]
    assert report.confusion == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    text = report.format()
    assert "macro-F1" in text and "confusion" in text and "precision" in text


def test_command_train_eval_list(tone_file: Path, source: Source) -> None:
    out = StringIO()
    call_command("model", "list", stdout=out)
    assert "no trained model" in out.getvalue()
    item = Item.objects.create(natural_key="weibo:fix", platform="weibo", source=source,
                               unit=source.unit, text="物业这次处理得很及时", fingerprint="x")
    LabelCorrection.objects.create(item=item, task="tone", label="positive")
    call_command("model", "train", "--task", "tone", "--data", str(tone_file), stdout=out)
    assert "trained tone model" in out.getvalue() and "5-fold CV" in out.getvalue()
    assert "used 1 analysts' corrections" in out.getvalue()
    out = StringIO()
    call_command("model", "eval", "--task", "tone", "--data", str(tone_file), stdout=out)
    printed = out.getvalue()
    for needle in ("accuracy", "macro-F1", "precision", "recall", "confusion", "neutral"):
        assert needle in printed
    out = StringIO()
    call_command("model", "eval", "--task", "tone", "--data", str(tone_file),
                 "--version", "lexicon", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["model"] == "lexicon" and 0 <= result["macro_f1"] <= 1
    out = StringIO()
    call_command("model", "list", stdout=out)
    assert "tone 2" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("model", "eval", "--task", "emotion", "--data", str(tone_file))
