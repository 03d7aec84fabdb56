"""Label sets of the two tasks and the mapping of every dataset's labels onto them.

Datasets name the same feelings differently (``1``/``0``, ``anger``/``angry``, 喜悦 …); mapping
them here, once, keeps models comparable and lets one training run mix several sources.
"""

from __future__ import annotations

from enum import StrEnum


class Task(StrEnum):
    TONE = "tone"
    EMOTION = "emotion"


TONE_LABELS = ("negative", "neutral", "positive")
#: The six classes of SMP2020-EWECT.
EMOTION_LABELS = ("angry", "happy", "neutral", "sad", "fear", "surprise")

_EMOTION_SYNONYMS = {
    "angry": ("angry", "anger", "disgust", "愤怒", "生气", "厌恶"),
    "happy": ("happy", "happiness", "joy", "like", "optimism", "gratitude", "喜悦", "高兴",
              "开心", "喜好", "乐观", "感激"),
    "neutral": ("neutral", "none", "无情绪", "中性", "中立"),
    "sad": ("sad", "sadness", "悲伤", "难过"),
    "fear": ("fear", "恐惧", "害怕"),
    "surprise": ("surprise", "惊奇", "惊讶"),
}
EMOTION_ALIASES = {alias: label for label, names in _EMOTION_SYNONYMS.items() for alias in names}

_TONE_SYNONYMS = {
    "negative": ("negative", "neg", "-1", "负面", "消极", "负向"),
    "neutral": ("neutral", "neu", "中性", "中立"),
    "positive": ("positive", "pos", "正面", "积极", "正向"),
}
TONE_ALIASES = {alias: label for label, names in _TONE_SYNONYMS.items() for alias in names}
#: How an emotion reads as tone. Surprise can be either, so such rows are dropped for tone.
EMOTION_TO_TONE = {"angry": "negative", "sad": "negative", "fear": "negative",
                   "happy": "positive", "neutral": "neutral", "surprise": None}

#: Lyu et al. 2020 COVID emotion set: numeric codes of its seven classes.
LYU_CODES = {"0": "fear", "1": "disgust", "2": "optimism", "3": "surprise",
             "4": "gratitude", "5": "sadness", "6": "anger"}
#: weibo_senti_100k: 1 = positive, 0 = negative.
SENTI_CODES = {"0": "negative", "1": "positive"}


class LabelError(ValueError):
    """A dataset label that the task cannot interpret."""


def task_labels(task: Task) -> tuple[str, ...]:
    return TONE_LABELS if task is Task.TONE else EMOTION_LABELS


def map_label(task: Task, raw: str) -> str | None:
    """The task's label for a dataset label, or ``None`` when the row cannot serve the task.

    Numeric ``-1``/``0``/``1`` is read as negative/neutral/positive (the DataFountain scheme);
    the loaders of formats with other numeric codes translate them before calling this.
    """
    value = raw.strip().lower()
    if task is Task.TONE:
        if value in TONE_ALIASES:
            return TONE_ALIASES[value]
        if value in ("0", "1"):
            return "neutral" if value == "0" else "positive"
        if value in EMOTION_ALIASES:
            return EMOTION_TO_TONE[EMOTION_ALIASES[value]]
    elif value in EMOTION_ALIASES:
        return EMOTION_ALIASES[value]
    raise LabelError(f"label {raw!r} has no meaning for the {task} task")
