"""Tone (negative/neutral/positive) and six-class emotion classification of Chinese posts.

Entry point: :func:`get_classifier` returns the classifier the deployment should use for a
task — a configured transformer, else the newest (or pinned) locally trained model, else the
shipped lexicon — so that a fresh install still labels posts and every label names its model.
"""

from yuqing.analysis.tone.labels import EMOTION_LABELS, TONE_LABELS, Task
from yuqing.analysis.tone.model import Prediction, TextClassifier
from yuqing.analysis.tone.registry import get_classifier

__all__ = [
    "EMOTION_LABELS",
    "TONE_LABELS",
    "Prediction",
    "Task",
    "TextClassifier",
    "get_classifier",
]
