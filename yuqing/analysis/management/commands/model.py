"""``yuqing model train|eval|list``: train, score and list tone/emotion models.

Examples::

    yuqing model train --task emotion --data virus_train.txt --extra usual_eval_labeled.txt
    yuqing model eval --task emotion --data virus_eval_labeled.txt
    yuqing model eval --task emotion --data virus_eval_labeled.txt --version lexicon
    yuqing model list
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yuqing.analysis.models import LabelCorrection
from yuqing.analysis.tone.datasets import (
    FORMATS,
    Columns,
    DatasetError,
    load_labelled,
)
from yuqing.analysis.tone.labels import LabelError, Task, task_labels
from yuqing.analysis.tone.metrics import evaluate
from yuqing.analysis.tone.model import TextClassifier
from yuqing.analysis.tone.registry import lexicon_model
from yuqing.analysis.tone.store import ModelNotFound, load, metadata, versions
from yuqing.analysis.tone.training import train_files


class Command(BaseCommand):
    help = "Train, evaluate and list the tone and emotion models."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("train", "eval"):
            action = sub.add_parser(name)
            action.add_argument("--task", choices=[t.value for t in Task], required=True)
            action.add_argument("--data", type=Path, nargs="+", required=True,
                                help="labelled files (scored by CV when training)")
            action.add_argument("--format", choices=FORMATS, default="auto")
            action.add_argument("--text-column", help="text column of generic files")
            action.add_argument("--label-column", help="label column of generic files")
        train_parser = sub.choices["train"]
        train_parser.add_argument("--extra", type=Path, nargs="*", default=[],
                                  help="labelled files of another domain, half weight, not scored")
        train_parser.add_argument("--unlabelled", type=Path, nargs="*", default=[],
                                  help="unlabelled files/directories for the word vectors")
        sub.choices["eval"].add_argument(
            "--version", help="a version to score (default: newest), or 'lexicon'")
        sub.choices["eval"].add_argument("--json", action="store_true", help="print JSON")
        sub.add_parser("list")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            {"train": self.train, "eval": self.eval, "list": self.list}[opts["action"]](opts)
        except (DatasetError, LabelError, ModelNotFound, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    @staticmethod
    def _columns(opts: dict[str, Any]) -> Columns:
        return Columns(opts["text_column"], opts["label_column"])

    def train(self, opts: dict[str, Any]) -> None:
        task = Task(opts["task"])
        fixes = list(LabelCorrection.objects.filter(task=task.value)
                     .values_list("item__text", "label"))
        model, meta, directory = train_files(
            task, opts["data"], extra=opts["extra"], unlabelled=opts["unlabelled"],
            fmt=opts["format"], columns=self._columns(opts), corrections=fixes)
        if fixes:
            self.stdout.write(f"used {len(fixes)} analysts' corrections from the database")
        self.stdout.write(f"trained {task} model {model.version} in "
                          f"{meta['training_seconds']:.1f} s ({meta['rows']['primary']} rows, "
                          f"{meta['rows']['extra']} extra, {meta['rows']['unlabelled']} "
                          f"unlabelled) → {directory}")
        if meta["cv_metrics"]:
            cv = meta["cv_metrics"]
            self.stdout.write(f"{meta['cv_folds']}-fold CV: accuracy {cv['accuracy']:.4f}, "
                              f"macro-F1 {cv['macro_f1']:.4f}")

    def eval(self, opts: dict[str, Any]) -> None:
        task = Task(opts["task"])
        model: TextClassifier = (lexicon_model(task) if opts["version"] == "lexicon"
                                 else load(task.value, opts["version"]))
        texts, truth = load_labelled(task, opts["data"], opts["format"], self._columns(opts))
        started = time.perf_counter()
        predicted = [p.label for p in model.predict(texts)]
        seconds = time.perf_counter() - started
        report = evaluate(truth, predicted, task_labels(task))
        if opts["json"]:
            self.stdout.write(json.dumps({"model": model.name, "version": model.version,
                                          **report.as_dict()}, ensure_ascii=False))
            return
        self.stdout.write(f"{task} model {model.name} {model.version}: {len(texts)} rows "
                          f"in {seconds:.1f} s")
        self.stdout.write(report.format())

    def list(self, opts: dict[str, Any]) -> None:
        for task in Task:
            found = versions(task.value)
            if not found:
                self.stdout.write(f"{task}: no trained model (the lexicon is used)")
            for version in found:
                meta = metadata(task.value, version)
                cv = meta.get("cv_metrics") or {}
                self.stdout.write(
                    f"{task} {version} rows={meta['rows']['primary']} "
                    f"cv_macro_f1={cv.get('macro_f1', float('nan')):.4f} "
                    f"data={meta['data_sha256'][:12]}")
