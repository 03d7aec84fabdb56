"""NB-SVM and the word-vector co-occurrence counts, on tiny hand-made matrices and documents."""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from yuqing.analysis.tone.nbsvm import NBSVM, log_count_ratio
from yuqing.analysis.tone.wordvectors import WINDOW, WordVectors

# Columns 0–2 are "n-grams" (0 only in class a, 1 only in b, 2 in both); column 3 is dense.
MATRIX = sp.csr_matrix(np.array([
    [1.0, 0.0, 0.5, 0.3], [0.8, 0.0, 0.0, 0.1], [0.9, 0.0, 0.4, -0.2],
    [0.0, 1.0, 0.5, 0.2], [0.0, 0.7, 0.0, -0.1], [0.0, 0.9, 0.3, 0.0],
    [0.0, 0.0, 0.6, 0.9], [0.0, 0.0, 0.7, 0.8], [0.2, 0.2, 0.5, 0.7],
]))
LABELS = np.array(["a"] * 3 + ["b"] * 3 + ["c"] * 3)
WEIGHTS = np.ones(len(LABELS))


def test_log_count_ratio_favours_the_class_features() -> None:
    present = (MATRIX[:, :3] != 0).astype(float).tocsr()
    ratio = log_count_ratio(present, LABELS == "a", WEIGHTS)
    assert ratio[0] > 0 > ratio[1]
    halved = log_count_ratio(present, LABELS == "a", np.where(LABELS == "b", 0.5, 1.0))
    assert halved[1] > ratio[1]  # down-weighted rows count less


def test_multiclass_margins_fold_the_ratios_into_the_weights() -> None:
    model = NBSVM(C=1.0, scaled=3).fit(MATRIX, LABELS, WEIGHTS)
    margins = model.decision_function(MATRIX)
    assert margins.shape == (9, 3)
    assert list(model.classes_[margins.argmax(axis=1)]) == list(LABELS)
    present = (MATRIX[:, :3] != 0).astype(float).tocsr()
    scale = np.append(log_count_ratio(present, LABELS == "b", WEIGHTS), 1.0)
    svm = LinearSVC(C=1.0, class_weight="balanced", max_iter=5000)
    svm.fit(MATRIX @ sp.diags(scale), LABELS == "b")
    np.testing.assert_allclose(margins[:, 1], svm.decision_function(MATRIX @ sp.diags(scale)),
                               atol=1e-6)


def test_binary_margins_are_one_dimensional() -> None:
    two = LABELS != "c"
    model = NBSVM(C=1.0, scaled=3).fit(MATRIX[two], LABELS[two], WEIGHTS[two])
    margins = model.decision_function(MATRIX[two])
    assert margins.shape == (6,)
    assert list(np.where(margins > 0, "b", "a")) == list(LABELS[two])


def _two_domains() -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Column 0 means "p" in the own domain and "n" in the other, column 1 the reverse;
    column 2 is noise, column 3 dense. The other domain has five times the rows."""
    rng = np.random.default_rng(0)
    rows, labels, own = [], [], []
    for domain, count in ((True, 40), (False, 200)):
        for i in range(count):
            label = "p" if i % 2 else "n"
            cue = 0 if (label == "p") == domain else 1
            row = [0.0, 0.0, float(rng.random() < 0.5), rng.normal()]
            row[cue] = 1.0
            rows.append(row)
            labels.append(label)
            own.append(domain)
    return sp.csr_matrix(np.array(rows)), np.array(labels), np.array(own), np.where(own, 1, 0.5)


def test_a_domain_copy_learns_what_the_own_domain_means_by_a_feature() -> None:
    matrix, labels, own, weights = _two_domains()
    post = sp.csr_matrix(np.array([[1.0, 0.0, 0.0, 0.0]]))  # an own-domain "p" post
    shared = NBSVM(C=1.0, scaled=3).fit(matrix, labels, weights)
    assert shared.decision_function(post)[0] < 0  # the larger domain wins: "n"
    adapted = NBSVM(C=1.0, scaled=3).fit(matrix, labels, weights, own)
    assert adapted.decision_function(post)[0] > 0 and adapted.coef_.shape == shared.coef_.shape
    # Folding the copy back is exact: the same margins as the wide model on own-domain rows.
    wide = sp.hstack([matrix[:, :3], matrix[:, :3], matrix[:, 3:], matrix[:, 3:]]).tocsr()
    copy = (sp.diags(own.astype(float)) @ matrix).tocsr()
    inner = NBSVM(C=1.0, scaled=6).fit(
        sp.hstack([matrix[:, :3], copy[:, :3], matrix[:, 3:], copy[:, 3:]]).tocsr(),
        labels, weights)
    np.testing.assert_allclose(adapted.decision_function(matrix), inner.decision_function(wide),
                               atol=1e-9)
    # Without other-domain rows nothing changes.
    alone = NBSVM(C=1.0, scaled=3).fit(matrix[own], labels[own], weights[own], own[own])
    plain = NBSVM(C=1.0, scaled=3).fit(matrix[own], labels[own], weights[own])
    np.testing.assert_array_equal(alone.coef_, plain.coef_)


def test_cooccurrences_match_a_direct_count() -> None:
    documents = [[0, 1, 2, 3, 4, 5, 1], [2, 2, 0], [], [5]]
    expected: Counter[tuple[int, int]] = Counter()
    for doc in documents:
        for i, a in enumerate(doc):
            for j in range(max(0, i - WINDOW), i):
                expected[(a, doc[j])] += 1.0 / (i - j)
                expected[(doc[j], a)] += 1.0 / (i - j)
    counts = WordVectors._cooccurrences([np.asarray(d, dtype=np.int64) for d in documents], 6)
    dense = counts.toarray()
    for (a, b), value in expected.items():
        assert abs(dense[a, b] - value) < 1e-12
    assert np.isclose(dense.sum(), sum(expected.values()))
