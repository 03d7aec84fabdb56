"""What every tone/emotion classifier offers, and the locally trained linear model.

Every label the platform stores should say which model produced it, so each classifier has a
``name`` and a ``version``; scores are the classifier's confidence in its label, in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from yuqing.analysis.tone.features import Features


class Prediction(NamedTuple):
    label: str
    score: float


@runtime_checkable
class TextClassifier(Protocol):
    """A tone or emotion classifier; ``name``/``version`` identify it on each stored label."""

    name: str
    version: str
    task: str

    def predict(self, texts: Sequence[str]) -> list[Prediction]: ...


class LinearScorer(Protocol):
    """A fitted linear classifier: :class:`~.nbsvm.NBSVM`, or ``LinearSVC`` in older files."""

    classes_: np.ndarray

    def decision_function(self, matrix: sp.csr_matrix) -> np.ndarray: ...


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class LinearModel:
    """Features → linear SVM (NB-SVM), with per-class offsets and a temperature learnt on CV folds.

    The offsets shift decisions towards rare classes to maximise macro-F1; the temperature
    turns SVM margins into probabilities that mean what they say (fitted on out-of-fold
    margins, so not over-confident).
    """

    name = "linear"

    def __init__(self, task: str, features: Features, classifier: LinearScorer) -> None:
        self.task = task
        self.version = ""
        self.features = features
        self.classifier = classifier
        self.labels: tuple[str, ...] = tuple(str(c) for c in classifier.classes_)
        self.offsets = np.zeros(len(self.labels))
        self.temperature = 1.0

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        margins = self.classifier.decision_function(self.features.transform(texts))
        if margins.ndim == 1:  # binary: sklearn returns the margin of the second class only
            margins = np.column_stack([-margins / 2, margins / 2])
        return np.asarray(margins, dtype=np.float64)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probabilities = softmax((self.decision(texts) + self.offsets) / self.temperature)
        best = probabilities.argmax(axis=1)
        return [Prediction(self.labels[i], float(probabilities[row, i]))
                for row, i in enumerate(best)]
