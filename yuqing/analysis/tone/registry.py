"""Which classifier serves a task: transformer if configured, else trained, else lexicon.

Settings are read at call time (not in settings.py) so that a newly trained model or a changed
pin takes effect for the next batch without a restart:

* ``YUQING_TONE_MODEL`` / ``YUQING_EMOTION_MODEL`` — ``""`` (default) newest trained model,
  ``lexicon`` always the shipped lexicon, or a version directory name to pin;
* ``YUQING_TONE_TRANSFORMER_DIR`` / ``YUQING_EMOTION_TRANSFORMER_DIR`` — ``""`` (default) off,
  or a directory with an ONNX export (see :mod:`.transformer`).
"""

from __future__ import annotations

from pathlib import Path

from yuqing.analysis.tone.labels import Task
from yuqing.analysis.tone.lexicon import LexiconEmotionModel, LexiconToneModel
from yuqing.analysis.tone.model import TextClassifier
from yuqing.analysis.tone.store import load, versions
from yuqing.analysis.tone.transformer import OnnxTransformerModel
from yuqing.env import env_str


def pinned_model(task: Task) -> str:
    if task is Task.TONE:
        return env_str("YUQING_TONE_MODEL", "")
    return env_str("YUQING_EMOTION_MODEL", "")


def transformer_dir(task: Task) -> str:
    if task is Task.TONE:
        return env_str("YUQING_TONE_TRANSFORMER_DIR", "")
    return env_str("YUQING_EMOTION_TRANSFORMER_DIR", "")


def lexicon_model(task: Task) -> TextClassifier:
    return LexiconToneModel() if task is Task.TONE else LexiconEmotionModel()


def get_classifier(task: Task) -> TextClassifier:
    """The classifier to label new posts with; a pinned version that is missing is an error,
    not a silent fallback, so a deployment never mislabels quietly."""
    if directory := transformer_dir(task):
        return OnnxTransformerModel(task.value, Path(directory).expanduser())
    pin = pinned_model(task)
    if pin == "lexicon" or (not pin and not versions(task.value)):
        return lexicon_model(task)
    return load(task.value, pin or None)
