"""Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix, as data and text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)


@dataclass(frozen=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    accuracy: float
    macro_f1: float
    classes: list[ClassScores]
    confusion: list[list[int]]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def format(self) -> str:
        """The text ``yuqing model eval`` prints (confusion: rows true, columns predicted)."""
        lines = [f"accuracy  {self.accuracy:.4f}", f"macro-F1  {self.macro_f1:.4f}", "",
                 f"{'class':<10}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}"]
        lines += [f"{c.label:<10}{c.precision:>10.4f}{c.recall:>10.4f}{c.f1:>10.4f}{c.support:>9}"
                  for c in self.classes]
        names = [c.label for c in self.classes]
        lines += ["", "confusion (rows = true, columns = predicted)",
                  " " * 10 + "".join(f"{n[:8]:>9}" for n in names)]
        lines += [f"{name:<10}" + "".join(f"{v:>9}" for v in row)
                  for name, row in zip(names, self.confusion, strict=True)]
        return "\n".join(lines)


def evaluate(true: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Report:
    """Scores over ``labels`` plus any label that occurs in the data but not in that list."""
    order = list(labels) + sorted((set(true) | set(predicted)) - set(labels))
    present = [label for label in order if label in set(true) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        true, predicted, labels=present, zero_division=0)
    return Report(
        accuracy=float(accuracy_score(true, predicted)),
        macro_f1=float(f1_score(true, predicted, labels=present, average="macro", zero_division=0)),
        classes=[ClassScores(label, float(p), float(r), float(f), int(s))
                 for label, p, r, f, s in zip(present, precision, recall, f1, support,
                                              strict=True)],
        confusion=confusion_matrix(true, predicted, labels=present).tolist(),
    )
