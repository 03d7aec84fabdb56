"""The array look-up ``transform`` gives exactly what the fitted vectorisers give."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from yuqing.analysis.tone.features import Features
from yuqing.analysis.tone.lookup import CharNgrams, WordNgrams, Words
from yuqing.analysis.tone.text import normalise, prepared, tokens
from yuqing.analysis.tone.wordvectors import WordVectors

# Sentences written for these tests (not taken from any dataset).
CORPUS = [
    "武汉加油，一定会好起来的[哈哈]", "小区停水两天了，太糟糕了[抓狂]",
    "物业不作为  投诉了也没人管", "今天天气真好，心情很开心", "医院排队太久，孩子发烧很难受",
    "志愿者们太棒了，为你们点赞[赞]", "明天上午九点召开会议\n\n地点在三楼",
    "地铁三号线新增两个站点 COVID-19", "疫情防控不放松，武汉加油", "听说停水了，物业也不通知",
    "孩子发烧了，医院人太多", "今天的会议改到下午了",
]
#: Texts drawn from the corpus's characters plus some it never saw, spaces and newlines.
ALPHABET = " \n\t龘𠮷é" + "".join(sorted(set("".join(CORPUS)) - {" ", "\n"}))
texts = st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=8)


def _chars() -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True,
                                 min_df=2, lowercase=False)
    return vectorizer.fit([normalise(t) for t in CORPUS])


def _words() -> tuple[Features, TfidfVectorizer]:
    features = Features()
    features.fit_transform(CORPUS)
    return features, features.words


def _same(fast: sp.csr_matrix, slow: sp.csr_matrix) -> None:
    assert fast.shape == slow.shape
    assert (fast != 0).sum() == (slow != 0).sum()
    assert np.allclose(fast.toarray(), slow.toarray(), rtol=0, atol=1e-12)


CHARS = _chars()
FEATURES, WORDS = _words()


@settings(max_examples=200, deadline=None)
@given(texts)
def test_character_ngrams_match_the_vectoriser(batch: list[str]) -> None:
    lookup = CharNgrams.compile(CHARS)
    assert lookup is not None
    normal = [normalise(t) for t in batch]
    _same(lookup.transform(normal), CHARS.transform(normal))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_word_ngrams_match_the_vectoriser(batch: list[str]) -> None:
    lookup = WordNgrams.compile(WORDS)
    assert lookup is not None
    words = [tokens(normalise(t)) for t in batch]
    _same(lookup.transform(Words.of(words)),
          WORDS.transform([Features._word_ngrams(w) for w in words]))


def test_a_vocabulary_missing_the_parts_of_an_ngram_is_not_compiled() -> None:
    # max_df drops the commonest characters but keeps n-grams containing them.
    pruned = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False, max_df=0.3)
    pruned.fit(CORPUS)
    assert CharNgrams.compile(pruned) is None
    words = TfidfVectorizer(analyzer="word", lowercase=False).fit(CORPUS)
    assert CharNgrams.compile(words) is None
    binary = TfidfVectorizer(analyzer="char", lowercase=False, binary=True).fit(CORPUS)
    assert CharNgrams.compile(binary) is None


def test_word_vectors_are_the_weighted_mean_of_known_words() -> None:
    vectors = WordVectors(dimensions=3)
    vectors.index = {"甲": 0, "乙": 1}
    vectors.vectors = np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32)
    vectors.idf = np.array([1.0, 2.0], dtype=np.float32)
    out = vectors.transform(Words.of([["甲", "甲", "乙", "丙"], ["丙"], []]))
    expected = np.array([(1 + np.log(2)) * 1.0, 1 * 2.0, 0])
    assert np.allclose(out[0], expected / np.linalg.norm(expected))
    assert not out[1].any() and not out[2].any()


def test_features_use_the_lookups_and_do_not_store_them() -> None:
    batch = ["武汉加油，停水了", "孩子发烧 医院", ""]
    fast = FEATURES.transform(batch)
    assert FEATURES._lookups is not None and all(FEATURES._lookups)
    restored = pickle.loads(pickle.dumps(FEATURES))
    assert "_lookups" not in restored.__dict__
    restored._lookups = (None, None)  # the vectorisers' own transform
    _same(fast, restored.transform(batch))


def test_the_last_batch_is_cut_once() -> None:
    first = prepared(["停水了", "武汉加油"])
    assert prepared(["停水了", "武汉加油"])[1] is first[1]
    assert prepared(["停水了"])[1].lists == [tokens(normalise("停水了"))]
    words = Words.of([["甲", "乙"], ["乙"]])
    assert [words.distinct[i] for i in words.inverse] == ["甲", "乙", "乙"]
    assert list(words.doc) == [0, 0, 1]


@pytest.mark.parametrize("text", ["武汉  加油", "武汉 \t加油\n", "甲 乙\n丙", "   "])
def test_whitespace_runs_fold_as_the_vectoriser_folds_them(text: str) -> None:
    lookup = CharNgrams.compile(CHARS)
    assert lookup is not None
    _same(lookup.transform([text]), CHARS.transform([text]))
