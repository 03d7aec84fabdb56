"""Training the linear model: merge sources, cross-validate, tune, fit, describe.

Sources have roles. *Primary* rows are the task's own data: cross-validation scores them and
analysts' corrections override them. *Extra* rows (other domains, e.g. general Weibo for a
COVID model) are always in the training folds at a lower weight but never scored, so they can
help without the reported figure drifting towards another domain; the model also learns the
primary domain's own corrections to what both share (see :meth:`NBSVM.fit`). *Unlabelled*
texts only feed the word vectors.
"""

from __future__ import annotations

import hashlib
import platform
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from yuqing.analysis.tone.datasets import Columns, load_labelled, load_unlabelled
from yuqing.analysis.tone.features import Features
from yuqing.analysis.tone.labels import Task, task_labels
from yuqing.analysis.tone.metrics import evaluate
from yuqing.analysis.tone.model import LinearModel, LinearScorer, softmax
from yuqing.analysis.tone.nbsvm import NBSVM
from yuqing.analysis.tone.store import save
from yuqing.analysis.tone.text import normalise

#: Weight of an *extra* row relative to a primary one (0.5 measured best on SMP2020 virus CV).
EXTRA_WEIGHT = 0.5
#: NB-SVM regularisation: 0.05 was best on SMP2020 virus CV (0.1 level, 0.5 one point lower).
SVM_C = 0.05
FOLDS = 5


@dataclass
class TrainingSet:
    """Deduplicated rows with their role; build it with :meth:`build`."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    primary: list[bool] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        primary: Iterable[tuple[str, str]],
        extra: Iterable[tuple[str, str]] = (),
        corrections: Iterable[tuple[str, str]] = (),
    ) -> TrainingSet:
        """Merge sources, one row per normalised text.

        Later primary rows override earlier ones, corrections override everything (an analyst's
        word beats a dataset's), and an extra row is kept only if no primary row has its text.
        """
        chosen: dict[str, tuple[str, str, bool]] = {}
        for text, label in extra:
            chosen.setdefault(normalise(text), (text, label, False))
        for text, label in [*primary, *corrections]:
            chosen[normalise(text)] = (text, label, True)
        rows = sorted(chosen.values(), key=lambda row: (not row[2], normalise(row[0])))
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    def sha256(self) -> str:
        """Hash of the normalised (text, label, role) rows, independent of file order."""
        digest = hashlib.sha256()
        for text, label, primary in sorted(zip(map(normalise, self.texts), self.labels,
                                               self.primary, strict=True)):
            digest.update(f"{text}\t{label}\t{'p' if primary else 'x'}\n".encode())
        return digest.hexdigest()


def _tune_offsets(margins: np.ndarray, truth: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-class offsets maximising macro-F1 by coordinate ascent (the rare classes gain)."""
    offsets = np.zeros(len(labels))

    def score(candidate: np.ndarray) -> float:
        predicted = labels[(margins + candidate).argmax(axis=1)]
        return float(f1_score(truth, predicted, average="macro"))

    best = score(offsets)
    for _ in range(2):
        for k in range(len(labels)):
            for value in np.linspace(-0.5, 0.5, 21):
                candidate = offsets.copy()
                candidate[k] = value
                if (result := score(candidate)) > best + 1e-4:
                    best, offsets = result, candidate
    return offsets


def _fit_temperature(margins: np.ndarray, truth_index: np.ndarray) -> float:
    """The softmax temperature minimising log-loss of out-of-fold margins."""
    def loss(t: float) -> float:
        p = softmax(margins / t)[np.arange(len(truth_index)), truth_index]
        return float(-np.log(np.clip(p, 1e-12, None)).mean())

    return float(min(np.logspace(-2, 1, 31), key=loss))


def _margins(classifier: LinearScorer, matrix: sp.csr_matrix) -> np.ndarray:
    margins = classifier.decision_function(matrix)
    return np.column_stack([-margins / 2, margins / 2]) if margins.ndim == 1 else margins


def train(
    task: Task,
    data: TrainingSet,
    unlabelled: Sequence[str] = (),
    *,
    folds: int = FOLDS,
) -> tuple[LinearModel, dict[str, Any]]:
    """Fit a model and return it with its metadata (cross-validation metrics included).

    Features are fitted once on all texts (unsupervised, so no labels leak into the folds);
    cross-validation then gives out-of-fold margins for the offsets, temperature and metrics.
    """
    started = time.perf_counter()
    unknown = set(data.labels) - set(task_labels(task))
    if unknown:
        raise ValueError(f"labels {sorted(unknown)} are not {task} labels")
    if len(set(data.labels)) < 2:
        raise ValueError("training needs at least two different labels")
    features = Features()
    matrix = features.fit_transform(data.texts, unlabelled)
    labels = np.asarray(data.labels)
    primary = np.flatnonzero(data.primary)
    own = np.asarray(data.primary)
    weights = np.where(own, 1.0, EXTRA_WEIGHT)
    final = NBSVM(SVM_C, features.counted).fit(matrix, labels, weights, own)
    model = LinearModel(task.value, features, final)
    classes = np.asarray(model.labels)
    folds = min(folds, min(Counter(labels[primary]).values()))
    cv_report = None
    if folds >= 2:
        margins = np.zeros((len(primary), len(classes)))
        always = np.flatnonzero(~own)
        splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
        for train_idx, test_idx in splitter.split(primary, labels[primary]):
            rows = np.concatenate([primary[train_idx], always])
            fold = NBSVM(SVM_C, features.counted).fit(matrix[rows], labels[rows], weights[rows],
                                                      own[rows])
            fold_margins = _margins(fold, matrix[primary[test_idx]])
            margins[test_idx] = _align(fold_margins, fold.classes_, classes)
        truth = labels[primary]
        model.offsets = _tune_offsets(margins, truth, classes)
        shifted = margins + model.offsets
        model.temperature = _fit_temperature(shifted, np.searchsorted(classes, truth))
        cv_report = evaluate(truth.tolist(), classes[shifted.argmax(axis=1)].tolist(),
                             task_labels(task))
    metadata = {
        "task": task.value,
        "model": model.name,
        "labels": list(model.labels),
        "data_sha256": data.sha256(),
        "rows": {"primary": len(primary), "extra": len(data.texts) - len(primary),
                 "unlabelled": len(unlabelled)},
        # Whether the extra rows' domain was told apart (see NBSVM.fit): with extras only.
        "domain_copy": not own.all(),
        "label_counts": dict(Counter(labels[primary].tolist())),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
        "cv_folds": folds if cv_report else 0,
        "cv_metrics": cv_report.as_dict() if cv_report else None,
        "offsets": model.offsets.round(4).tolist(),
        "temperature": float(model.temperature),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    return model, metadata


def _align(margins: np.ndarray, fold_classes: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Columns in the final model's class order; a class absent from a fold gets -inf-ish."""
    out = np.full((len(margins), len(classes)), -1e3)
    out[:, np.searchsorted(classes, fold_classes)] = margins
    return out


def train_files(
    task: Task,
    data: Sequence[Path],
    *,
    extra: Sequence[Path] = (),
    unlabelled: Sequence[Path] = (),
    corrections: Iterable[tuple[str, str]] = (),
    fmt: str = "auto",
    columns: Columns | None = None,
) -> tuple[LinearModel, dict[str, Any], Path]:
    """Load, train and save a new version in one call; returns (model, metadata, directory).

    ``corrections`` are analysts' ``(text, label)`` fixes from the UI, in the task's label
    names; they override any file row with the same (normalised) text and are hashed with the
    rest, so a model records that it learnt from them.
    """
    started = time.perf_counter()
    rows = TrainingSet.build(
        zip(*load_labelled(task, data, fmt, columns), strict=True),
        zip(*load_labelled(task, extra, "auto", columns), strict=True),
        corrections,
    )
    model, meta = train(task, rows, load_unlabelled(unlabelled))
    meta["sources"] = {"data": [str(p) for p in data], "extra": [str(p) for p in extra],
                       "unlabelled": [str(p) for p in unlabelled]}
    meta["training_seconds"] = round(time.perf_counter() - started, 1)
    return model, meta, save(model, meta)
