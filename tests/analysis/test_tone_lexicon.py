"""The shipped lexicon model and the choice of backend on a fresh install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yuqing.analysis.tone import Task, get_classifier
from yuqing.analysis.tone.lexicon import (
    LexiconEmotionModel,
    LexiconToneModel,
    default_lexicon,
    polarity,
)
from yuqing.analysis.tone.transformer import TransformerUnavailable


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATA_DIR = tmp_path
    for name in ("YUQING_TONE_MODEL", "YUQING_EMOTION_MODEL", "YUQING_TONE_TRANSFORMER_DIR",
                 "YUQING_EMOTION_TRANSFORMER_DIR"):
        monkeypatch.delenv(name, raising=False)


def labels(*texts: str) -> list[str]:
    return [p.label for p in LexiconToneModel().predict(texts)]


def test_lexicon_is_substantial() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.polarity) > 500 and "不" in lexicon.negators
    assert set(lexicon.emotions) == {"happy", "angry", "sad", "fear", "surprise"}


def test_negation_flips() -> None:
    assert labels("今天很开心", "今天不开心") == ["positive", "negative"]
    assert labels("我喜欢这里", "我不喜欢这里") == ["positive", "negative"]
    assert polarity("不是很满意") < 0 < polarity("很满意")


def test_intensifier_contrast_emoticon_and_neutral() -> None:
    assert polarity("非常满意") > polarity("满意") > polarity("有点满意") > 0
    assert labels("虽然有点贵，但是很好吃") == ["positive"]
    assert labels("[哈哈]", "[泪]", "下午三点开会") == ["positive", "negative", "neutral"]
    assert polarity("好可怕") < 0  # 好 intensifies here, it is not praise


def test_scores_are_confidences() -> None:
    strong, weak = LexiconToneModel().predict(["太棒了，非常满意[赞]", "满意"])
    assert 0.5 < weak.score < strong.score <= 1


def test_emotion_lexicon() -> None:
    got = [p.label for p in LexiconEmotionModel().predict(
        ["气死我了[怒]", "心里好难过[泪]", "好害怕", "天哪，居然是真的", "明天开会", "开心[哈哈]"])]
    assert got == ["angry", "sad", "fear", "surprise", "neutral", "happy"]


def test_fresh_install_uses_lexicon_not_transformer() -> None:
    for task in Task:
        classifier = get_classifier(task)
        assert (classifier.name, classifier.task) == ("lexicon", task.value)


def test_transformer_directory_must_be_complete(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUQING_TONE_TRANSFORMER_DIR", str(tmp_path))
    with pytest.raises(TransformerUnavailable, match=r"model\.onnx"):
        get_classifier(Task.TONE)
