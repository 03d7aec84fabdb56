"""Property tests: the parser never fails other than by its documented error, the
canonical form round-trips, and the compiled matcher agrees with the reference evaluator."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuqing.search.query import (
    And,
    Doc,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    SchemeError,
    Term,
    check_scheme,
    compile_schemes,
    fold,
    matches,
    parse,
    unparse,
)

#: Pieces that exercise every token and most error paths when glued together.
PIECES = ["AND", "OR", "NOT", "NEAR/3", "NEAR", "NEAR/x", "(", ")", '"', "“", "”", "\\", "-",
          "+", "|", "||", "&&", "&", "title:", "tone:", "platform:", "foo:", "：", "（", "）",
          "ＡＮＤ", " ", "  ", "\u200b", "\u3000", "\n", "武汉", "封城", "a", "B", "负面", "…",
          "①", "12:30", "-1", "NOT NOT", ":"]
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join),
)


@settings(max_examples=1500, deadline=500)
@given(QUERIES)
def test_any_input_parses_or_raises_the_documented_error(query: str) -> None:
    try:
        tree = parse(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(query)
        assert error.code
        return
    assert parse(unparse(tree)) == tree
    assert unparse(parse(unparse(tree))) == unparse(tree)


# -- generated trees ---------------------------------------------------------------------

#: Word values: already folded and stripped, as the parser stores them; several need quoting.
VALUES = ["a", "b", "ab", "ba", "aa", "武汉", "汉", "武", "a b", '"a', "a:b", "-a", "(a",
          "a\\", "“a”", "...", "and", "near/3"]
DOC_CHARS = "ab武汉 Ａ\u200b…\"“”:-(\\\n"


def terms(fields: list[str | None]) -> st.SearchStrategy[Term]:
    return st.builds(Term, st.sampled_from(VALUES), st.sampled_from(fields))


TEXT_TERMS = terms([None, None, "title", "text", "region"])
KEYWORD_TERMS = st.one_of(
    st.builds(Term, st.sampled_from(["weibo", "douyin"]), st.just("platform")),
    st.builds(Term, st.sampled_from(["negative", "positive"]), st.just("tone")),
    st.builds(Term, st.sampled_from(["central", "a b"]), st.just("tier")),
)
#: Field pairs NEAR accepts (both sides must be able to share a field).
NEAR_FIELDS = [(None, None), (None, "title"), ("text", None), ("title", "title"),
               ("region", "region")]
NEARS = st.sampled_from(NEAR_FIELDS).flatmap(
    lambda pair: st.builds(Near, terms([pair[0]]), terms([pair[1]]), st.integers(0, 4)))


def _join(kind: type[And] | type[Or], children: list[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else [child])
    return kind(tuple(flat))


def trees() -> st.SearchStrategy[Node]:
    leaves: st.SearchStrategy[Node] = st.one_of(TEXT_TERMS, TEXT_TERMS, KEYWORD_TERMS, NEARS)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.lists(inner, min_size=2, max_size=3).map(lambda c: _join(And, c)),
            st.lists(inner, min_size=2, max_size=3).map(lambda c: _join(Or, c)),
        ),
        max_leaves=8,
    )


DOCS = st.builds(
    Doc,
    title=st.text(DOC_CHARS, max_size=8),
    text=st.text(DOC_CHARS, max_size=24),
    platform=st.sampled_from(["weibo", "ＷＥＩＢＯ", "douyin", ""]),
    tier=st.sampled_from(["central", "A B", ""]),
    region=st.text(DOC_CHARS, max_size=6),
    tone=st.sampled_from(["negative", "positive", ""]),
)


@settings(max_examples=500, deadline=500)
@given(trees())
def test_generated_trees_round_trip(tree: Node) -> None:
    assert parse(unparse(tree)) == tree


def _schemes(candidates: list[Node]) -> dict[int, Node]:
    schemes = {}
    for scheme_id, tree in enumerate(candidates):
        try:
            check_scheme(tree)
        except SchemeError:
            continue
        schemes[scheme_id] = tree
    return schemes


@settings(max_examples=400, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(trees(), min_size=1, max_size=6), st.lists(DOCS, min_size=1, max_size=6))
def test_compiled_matcher_agrees_with_the_reference(candidates: list[Node],
                                                    docs: list[Doc]) -> None:
    schemes = _schemes(candidates)
    matcher = compile_schemes(schemes)
    for doc, hits in zip(docs, matcher.match_many(docs), strict=True):
        expected = [sid for sid, tree in schemes.items() if matches(tree, doc)]
        assert [hit.scheme_id for hit in hits] == expected
        for hit in hits:
            assert hit.spans, "a scheme fires because of at least one word"
            for span in hit.spans:
                assert span.term in fold(getattr(doc, span.field)[span.start:span.end])


@settings(max_examples=1000, deadline=500)
@given(st.lists(st.builds(Near, st.builds(Term, st.sampled_from(["a", "b", "ab", "武汉"])),
                          st.builds(Term, st.sampled_from(["a", "b", "ba", "汉"])),
                          st.integers(0, 3)), min_size=1, max_size=4),
       st.text("ab武汉x", max_size=14))
def test_near_boundaries_agree_with_the_reference(nears: list[Near], text: str) -> None:
    """A tiny alphabet makes the edge cases (adjacent, overlapping, exactly n apart) common."""
    doc = Doc(text=text)
    matcher = compile_schemes(dict(enumerate(nears)))
    assert [hit.scheme_id for hit in matcher.match(doc)] == [
        i for i, near in enumerate(nears) if matches(near, doc)]
