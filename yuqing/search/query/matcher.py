"""All monitoring schemes compiled into one matcher: one Aho-Corasick scan per document.

:func:`compile_schemes` puts every word of every scheme into a single automaton
(pyahocorasick). Matching a document is then

1. fold its text fields and join them with ``\\n`` (folding never leaves a newline, so no
   word spans two fields), and scan the result once, recording where each word starts;
2. look at a scheme only if a word of its *trigger* clause occurred — one clause of
   :func:`~yuqing.search.query.requirements.required` that every match satisfies, chosen
   at compile time as the one whose words are shared by the fewest schemes (a district's
   place names rather than 医院), so a scheme none of whose required words occur costs
   nothing beyond the scan;
3. check its other clauses with one set test each, and only then evaluate the tree against
   the recorded positions (fields by position ranges, NEAR by binary search).

The result is exactly :func:`~yuqing.search.query.reference.matches` (a property test holds
the two equal); each :class:`Hit` carries the spans of the words that made it fire, in the
original (unfolded) text, for highlighting and for the alert's "why".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from yuqing.search.query.ast import And, Near, Node, Not, Term
from yuqing.search.query.doc import Doc
from yuqing.search.query.fields import DEFAULT_FIELDS, TEXT_FIELDS
from yuqing.search.query.normalize import fold, original_span
from yuqing.search.query.requirements import check_scheme, is_text, text_terms

__all__ = ["Hit", "SchemeMatcher", "Span", "compile_schemes"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a word matched: ``doc.<field>[start:end]`` in the original text."""

    field: str
    start: int
    end: int
    term: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A scheme that matched a document, with the spans of the words that made it match
    (words in a ``NOT`` never count; of an ``OR`` only the branches that hold)."""

    scheme_id: int
    spans: tuple[Span, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct words that matched, in order of first appearance."""
        return tuple(dict.fromkeys(span.term for span in self.spans))


class _Scan:
    """One document as the compiled nodes see it."""

    __slots__ = ("begins", "doc", "ends", "keywords", "occ")

    def __init__(self, doc: Doc, begins: list[int], ends: list[int],
                 occ: dict[int, list[int]]) -> None:
        self.doc = doc
        #: Start and end (exclusive) of each text field in the scanned string.
        self.begins = begins
        self.ends = ends
        #: Word index → start offsets in the scanned string, ascending.
        self.occ = occ
        self.keywords: dict[str, str] = {}

    def keyword(self, name: str) -> str:
        value = self.keywords.get(name)
        if value is None:
            value = self.keywords[name] = fold(getattr(self.doc, name))
        return value

    def starts_in(self, word: int, field: int) -> list[int]:
        starts = self.occ.get(word)
        if not starts:
            return []
        return starts[bisect_left(starts, self.begins[field]):
                      bisect_left(starts, self.ends[field])]


_Pair = tuple[int, int]  # (word index, start offset in the scanned string)


class _Compiled(ABC):
    """A tree node compiled against the word indices of one matcher."""

    __slots__ = ()

    @abstractmethod
    def test(self, scan: _Scan) -> bool:
        """Whether the node holds for the scanned document."""

    @abstractmethod
    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        """Add the occurrences that make this (true) node true."""


class _Word(_Compiled):
    """A word looked for in the text fields ``lo``..``hi`` (consecutive)."""

    __slots__ = ("hi", "lo", "word")

    def __init__(self, word: int, lo: int, hi: int) -> None:
        self.word, self.lo, self.hi = word, lo, hi

    def test(self, scan: _Scan) -> bool:
        starts = scan.occ.get(self.word)
        if not starts:
            return False
        i = bisect_left(starts, scan.begins[self.lo])
        return i < len(starts) and starts[i] < scan.ends[self.hi]

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        for field in range(self.lo, self.hi + 1):
            out.extend((self.word, start) for start in scan.starts_in(self.word, field))


class _Keyword(_Compiled):
    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def test(self, scan: _Scan) -> bool:
        return scan.keyword(self.name) == self.value

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        """A field value has no position in the text to show."""


class _Near(_Compiled):
    __slots__ = ("distance", "hi", "left", "left_len", "lo", "right", "right_len")

    def __init__(self, left: int, left_len: int, right: int, right_len: int, lo: int, hi: int,
                 distance: int) -> None:
        self.left, self.left_len, self.right, self.right_len = left, left_len, right, right_len
        self.lo, self.hi, self.distance = lo, hi, distance

    def _pairs(self, scan: _Scan, first_only: bool) -> list[_Pair]:
        found: list[_Pair] = []
        d, left_len, right_len = self.distance, self.left_len, self.right_len
        for field in range(self.lo, self.hi + 1):
            rights = scan.starts_in(self.right, field)
            if not rights:
                continue
            for a in scan.starts_in(self.left, field):
                # Right after the left word: b in [a + left_len, a + left_len + d];
                # right before it: b + right_len in [a - d, a].
                for low, high in ((a + left_len, a + left_len + d), (a - d - right_len,
                                                                     a - right_len)):
                    i = bisect_left(rights, low)
                    while i < len(rights) and rights[i] <= high:
                        found += [(self.left, a), (self.right, rights[i])]
                        if first_only:
                            return found
                        i += 1
        return found

    def test(self, scan: _Scan) -> bool:
        return bool(self._pairs(scan, first_only=True))

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        out.extend(self._pairs(scan, first_only=False))


class _Not(_Compiled):
    __slots__ = ("child",)

    def __init__(self, child: _Compiled) -> None:
        self.child = child

    def test(self, scan: _Scan) -> bool:
        return not self.child.test(scan)

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        """Absent words are no reason to show."""


class _And(_Compiled):
    __slots__ = ("children",)

    def __init__(self, children: tuple[_Compiled, ...]) -> None:
        self.children = children

    def test(self, scan: _Scan) -> bool:
        return all(child.test(scan) for child in self.children)

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        for child in self.children:
            child.collect(scan, out)


class _Or(_And):
    __slots__ = ()

    def test(self, scan: _Scan) -> bool:
        return any(child.test(scan) for child in self.children)

    def collect(self, scan: _Scan, out: list[_Pair]) -> None:
        for child in self.children:
            if child.test(scan):
                child.collect(scan, out)


def _field_range(term: Term) -> tuple[int, int]:
    names = DEFAULT_FIELDS if term.field is None else (term.field,)
    return TEXT_FIELDS.index(names[0]), TEXT_FIELDS.index(names[-1])


def _compile(node: Node, words: Mapping[str, int]) -> _Compiled:
    if isinstance(node, Term):
        if node.field is not None and not is_text(node):
            return _Keyword(node.field, node.value)
        return _Word(words[node.value], *_field_range(node))
    if isinstance(node, Near):
        (left_lo, left_hi), (right_lo, right_hi) = map(_field_range, (node.left, node.right))
        return _Near(words[node.left.value], len(node.left.value), words[node.right.value],
                     len(node.right.value), max(left_lo, right_lo), min(left_hi, right_hi),
                     node.distance)
    if isinstance(node, Not):
        return _Not(_compile(node.child, words))
    children = tuple(_compile(child, words) for child in node.children)
    return _And(children) if isinstance(node, And) else _Or(children)


@dataclass(frozen=True, slots=True)
class _Plan:
    scheme_id: int
    root: _Compiled
    #: Required clauses other than the trigger, as word indices.
    others: tuple[frozenset[int], ...]


class SchemeMatcher:
    """Schemes compiled for matching many documents; build with :func:`compile_schemes`.

    Immutable once built, so one instance can serve several threads.
    """

    def __init__(self, plans: list[_Plan], words: list[str],
                 triggers: dict[int, tuple[int, ...]]) -> None:
        self._plans = plans
        self._words = words
        self._lengths = [len(word) for word in words]
        #: Word index → positions in ``_plans`` of the schemes it triggers.
        self._triggers = triggers
        self._automaton = ahocorasick.Automaton()
        for index, word in enumerate(words):
            self._automaton.add_word(word, index)
        if words:
            self._automaton.make_automaton()

    @property
    def word_count(self) -> int:
        """Distinct words in the automaton."""
        return len(self._words)

    def __len__(self) -> int:
        return len(self._plans)

    def _scan(self, doc: Doc) -> _Scan:
        parts = [fold(getattr(doc, name)) for name in TEXT_FIELDS]
        begins, ends, position = [], [], 0
        for part in parts:
            begins.append(position)
            position += len(part)
            ends.append(position)
            position += 1
        occ: dict[int, list[int]] = {}
        lengths = self._lengths
        for end, word in self._automaton.iter("\n".join(parts)):
            starts = occ.get(word)
            if starts is None:
                occ[word] = [end - lengths[word] + 1]
            else:
                starts.append(end - lengths[word] + 1)
        return _Scan(doc, begins, ends, occ)

    def match(self, doc: Doc) -> list[Hit]:
        """The schemes ``doc`` matches, in ascending scheme id, each with its spans."""
        if not self._words:
            return []
        scan = self._scan(doc)
        occ = scan.occ
        candidates: set[int] = set()
        for word in occ:
            schemes = self._triggers.get(word)
            if schemes is not None:
                candidates.update(schemes)
        hits = []
        seen = occ.keys()
        for position in sorted(candidates):
            plan = self._plans[position]
            if any(seen.isdisjoint(clause) for clause in plan.others):
                continue
            if plan.root.test(scan):
                hits.append(self._hit(plan, scan))
        return hits

    def match_many(self, docs: Iterable[Doc]) -> list[list[Hit]]:
        """:meth:`match` for each document, in order."""
        return [self.match(doc) for doc in docs]

    def _hit(self, plan: _Plan, scan: _Scan) -> Hit:
        pairs: list[_Pair] = []
        plan.root.collect(scan, pairs)
        spans = []
        for word, start in sorted(set(pairs), key=lambda pair: (pair[1], pair[0])):
            field = bisect_right(scan.ends, start)
            local = start - scan.begins[field]
            original = getattr(scan.doc, TEXT_FIELDS[field])
            begin, end = original_span(original, local, local + self._lengths[word])
            spans.append(Span(TEXT_FIELDS[field], begin, end, self._words[word]))
        return Hit(plan.scheme_id, tuple(spans))


def compile_schemes(schemes: Mapping[int, Node]) -> SchemeMatcher:
    """Compile ``{scheme id: query tree}`` into one :class:`SchemeMatcher`.

    Raises :class:`~yuqing.search.query.errors.SchemeError` (naming the scheme) for a tree
    with no required word (see :func:`~yuqing.search.query.requirements.check_scheme`).
    """
    clauses = {scheme_id: check_scheme(node, scheme_id) for scheme_id, node in schemes.items()}
    index: dict[str, int] = {}
    for node in schemes.values():
        for term in text_terms(node):
            index.setdefault(term.value, len(index))
    # How many schemes require each word: the more, the more generic, the worse a trigger.
    shared = Counter(word for scheme_clauses in clauses.values()
                     for word in set().union(*scheme_clauses))
    plans: list[_Plan] = []
    triggers: dict[int, list[int]] = {}
    for scheme_id in sorted(schemes):
        scheme_clauses = [frozenset(index[w] for w in clause) for clause in clauses[scheme_id]]
        costs = [sum(shared[w] for w in clause) for clause in clauses[scheme_id]]
        best = min(range(len(costs)), key=lambda i: (costs[i], len(scheme_clauses[i])))
        for word in scheme_clauses[best]:
            triggers.setdefault(word, []).append(len(plans))
        others = tuple(c for i, c in enumerate(scheme_clauses) if i != best)
        plans.append(_Plan(scheme_id, _compile(schemes[scheme_id], index), others))
    words = sorted(index, key=index.__getitem__)
    return SchemeMatcher(plans, words, {w: tuple(s) for w, s in triggers.items()})
