"""Quality figures of the tone and emotion models on the shared benchmark data.

    .venv/bin/python bench/quality.py [--data ../shared/data] [--task emotion|tone|both]
        [--no-unlabelled]

Emotion: SMP2020-EWECT COVID posts — train on ``virus_train.txt`` (+ general-Weibo
``usual_eval_labeled.txt`` and the Lyu et al. COVID set as half-weight extra rows), score on
``virus_eval_labeled.txt``. Tone: weibo_senti_100k — ``paddlehub_split/test.tsv`` is held out,
every other split file trains after removing any text that also occurs in the held-out file
(the splits overlap). Unlabelled Weibo text (CED reposts, COVID hashtag days, DataFountain
test posts) feeds the word vectors; held-out texts are never among it. The shipped lexicon is
scored on the same held-out sets, to show what a fresh install gives.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yuqing.analysis.tone.datasets import load_labelled, load_unlabelled  # noqa: E402
from yuqing.analysis.tone.labels import Task, task_labels  # noqa: E402
from yuqing.analysis.tone.lexicon import LexiconEmotionModel, LexiconToneModel  # noqa: E402
from yuqing.analysis.tone.metrics import evaluate  # noqa: E402
from yuqing.analysis.tone.model import TextClassifier  # noqa: E402
from yuqing.analysis.tone.text import normalise  # noqa: E402
from yuqing.analysis.tone.training import TrainingSet, train  # noqa: E402

UNLABELLED = ["ced_weibo_rumor_reposts/rumor-repost", "ced_weibo_rumor_reposts/non-rumor-repost",
              "covid19_weibo_hashtag_days", "ncov_weibo_2020_datafountain"]
SENTI = "weibo_senti_100k/"
SENTI_TRAIN = ["paddlehub_split/dev.tsv", "tdm_split/dev.csv", "tdm_split/test.csv",
               "tdm_bert_split/dev.txt"]
SENTI_HELD_OUT = "paddlehub_split/test.tsv"


def score(title: str, task: Task, model: TextClassifier, texts: list[str],
          truth: list[str]) -> None:
    started = time.perf_counter()
    predicted = [p.label for p in model.predict(texts)]
    report = evaluate(truth, predicted, task_labels(task))
    print(f"\n== {title}: {model.name} {model.version} — {len(texts)} rows, "
          f"predicted in {time.perf_counter() - started:.1f} s")
    print(report.format())


def run(task: Task, data: TrainingSet, unlabelled: list[str], texts: list[str],
        truth: list[str], title: str) -> None:
    started = time.perf_counter()
    model, meta = train(task, data, unlabelled)
    seconds = time.perf_counter() - started
    cv = meta["cv_metrics"]
    print(f"\n{title}: trained in {seconds:.0f} s on {meta['rows']} rows; "
          f"{meta['cv_folds']}-fold CV accuracy {cv['accuracy']:.4f} macro-F1 {cv['macro_f1']:.4f}")
    score(title, task, model, texts, truth)


def emotion(base: Path, unlabelled: list[str]) -> None:
    smp = base / "smp2020_ewect"
    primary = load_labelled(Task.EMOTION, [smp / "virus_train.txt"])
    extra = load_labelled(Task.EMOTION, [smp / "usual_eval_labeled.txt",
                                         base / "covid19_weibo_emotion_lyu2020/labeledData.csv"])
    texts, truth = load_labelled(Task.EMOTION, [smp / "virus_eval_labeled.txt"])
    senti = load_unlabelled([base / SENTI])
    data = TrainingSet.build(zip(*primary, strict=True), zip(*extra, strict=True))
    run(Task.EMOTION, data, unlabelled + senti if unlabelled else [], texts, truth,
        "SMP2020-EWECT virus eval (6-class emotion)")
    score("SMP2020-EWECT virus eval, shipped lexicon", Task.EMOTION, LexiconEmotionModel(),
          texts, truth)


def tone(base: Path, unlabelled: list[str]) -> None:
    texts, truth = load_labelled(Task.TONE, [base / SENTI / SENTI_HELD_OUT])
    held_out = {normalise(t) for t in texts}
    rows = zip(*load_labelled(Task.TONE, [base / SENTI / f for f in SENTI_TRAIN]), strict=True)
    data = TrainingSet.build((t, label) for t, label in rows if normalise(t) not in held_out)
    run(Task.TONE, data, unlabelled, texts, truth,
        f"weibo_senti_100k {SENTI_HELD_OUT} held out (2-class tone)")
    score("weibo_senti_100k held out, shipped lexicon", Task.TONE, LexiconToneModel(), texts,
          truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--task", choices=["emotion", "tone", "both"], default="both")
    parser.add_argument("--no-unlabelled", action="store_true",
                        help="skip the unlabelled corpora (faster, lower scores)")
    args = parser.parse_args()
    unlabelled = [] if args.no_unlabelled else load_unlabelled([args.data / u for u in UNLABELLED])
    if args.task in ("emotion", "both"):
        emotion(args.data, unlabelled)
    if args.task in ("tone", "both"):
        tone(args.data, unlabelled)


if __name__ == "__main__":
    main()
