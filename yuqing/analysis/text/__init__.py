"""Chinese text stages of the analysis pipeline: normal form, words, keywords.

:mod:`.normalise` (one normal form of a post), :mod:`.segment` (rjieba with a per-deployment
user dictionary), :mod:`.keywords` (TF-IDF per post, TextRank per event).
"""

from .keywords import DEFAULT_SINGLE_CHARS, Idf, candidates, load_idf, stopwords, textrank, tfidf
from .normalise import EMOJI_RE, EMOTICON_RE, HASHTAG_RE, Normalised, normalise, normalise_many
from .segment import Segmenter, UserWord, load_user_dictionary

__all__ = [
    "DEFAULT_SINGLE_CHARS",
    "EMOJI_RE",
    "EMOTICON_RE",
    "HASHTAG_RE",
    "Idf",
    "Normalised",
    "Segmenter",
    "UserWord",
    "candidates",
    "load_idf",
    "load_user_dictionary",
    "normalise",
    "normalise_many",
    "stopwords",
    "textrank",
    "tfidf",
]
