"""Tests of the Segmenter options a researcher sets: the rjieba backend, stop-word
lists (replaced, added), keep_punct / keep_numbers / keep_single_chars and
to_simplified, on the seed article, the shipped related reports and texts
written by hand."""
from __future__ import annotations

import pytest

from analysis.errors import SegmentError
from analysis.segment import Segmenter, get_segmenter

pytest.importorskip("rjieba")

# the seed's sentence about the volunteer teams, as it reads there
TEAMS = "目前,江州区“江小爱”志愿服务队共建有158支,志愿者2500多人。"


@pytest.fixture(scope="module")
def shipped_texts(related_records, seed_text):
    return [seed_text] + [r["content"] for r in related_records]


@pytest.fixture(scope="module")
def rj():
    return get_segmenter(backend="rjieba", hmm=False)


@pytest.fixture(scope="module")
def jb():
    return get_segmenter(backend="jieba", hmm=False)


# -- rjieba backend ----------------------------------------------------------------
def test_rjieba_same_words_as_jieba_hmm_off_on_shipped_corpus(rj, jb, shipped_texts):
    assert TEAMS in shipped_texts[0]
    differ = [i for i, text in enumerate(shipped_texts) if rj.cut(text) != jb.cut(text)]
    assert differ == []
    # and the same offsets
    text = shipped_texts[0]
    assert [tuple(t) for t in rj.tokenize(text)] == [tuple(t) for t in jb.tokenize(text)]


def test_rjieba_loads_the_domain_dictionary(rj, seed_text):
    words = set(rj.cut(seed_text))
    for term in ("江小爱", "微心愿", "三码合一", "民心档案", "党建引领", "江州区", "石景林街道", "丽金社区"):
        assert term in words, term
        assert rj.in_dictionary(term)
    assert not Segmenter(backend="rjieba", dictionary="").in_dictionary("江小爱")
    assert Segmenter(backend="rjieba", hmm=False, dictionary="").cut("江小爱志愿者") != ["江小爱", "志愿者"]


@pytest.mark.parametrize("text", ["3万多人次", "2500多人", "158支", "46个", "1.3万余", "92.3%",
                                  "100—300户", "20余万元"])
def test_rjieba_number_unit_tokens_whole(rj, text):
    framed = f"服务群众{text}。"
    assert rj.cut(framed) == ["服务", "群众", text, "。"]
    tagged = rj.tokenize(framed, pos=True)
    assert [(t.word, t.pos) for t in tagged][2] == (text, "m")
    assert framed[tagged[2].start:tagged[2].end] == text


def test_rjieba_seed_sentence_and_extra_words(rj):
    assert rj.cut(TEAMS) == ["目前", ",", "江州区", "“", "江小爱", "”", "志愿服务队", "共建", "有",
                             "158支", ",", "志愿者", "2500多人", "。"]
    seg = Segmenter(backend="rjieba", hmm=False, extra_words=[("春潮涌动", 50, "l")])
    assert seg.cut("3月,春潮涌动,草木萌新。")[:3] == ["3月", ",", "春潮涌动"]
    assert seg.tag_words(["春潮涌动"]) == ["l"]


# -- stop-word lists ---------------------------------------------------------------
@pytest.fixture
def own_list(tmp_path):
    # a researcher's own list: a comment, a BOM, one word a line, a blank line
    path = tmp_path / "my_stopwords.txt"
    path.write_text("\ufeff# 我的停用词\n江州区\n志愿者\n\n共建\n", encoding="utf-8")
    return path


def test_stopwords_replaced_by_own_list(own_list):
    seg = Segmenter(stopwords=[str(own_list)])
    assert seg.stopwords == {"江州区", "志愿者", "共建"}
    assert seg.terms(TEAMS) == ["目前", "江小爱", "志愿服务队", "有"]   # 目前 and 有 are no longer stop words
    assert not seg.is_stopword("# 我的停用词")
    # a plain string is one list
    assert Segmenter(stopwords=str(own_list)).stopwords == seg.stopwords


def test_stopwords_added_to_default(own_list):
    default = Segmenter()
    both = Segmenter(stopwords=["default", str(own_list)])
    assert default.is_stopword("目前") and default.is_stopword("有")
    assert default.terms(TEAMS) == ["江州区", "江小爱", "志愿服务队", "共建", "志愿者"]
    assert both.stopwords == default.stopwords | {"江州区", "志愿者", "共建"}
    assert both.terms(TEAMS) == ["江小爱", "志愿服务队"]
    extra = Segmenter(extra_stopwords=["江小爱"])
    assert extra.terms(TEAMS) == ["江州区", "志愿服务队", "共建", "志愿者"]
    # stop words change what terms() returns, never the tokens
    assert both.tokens_hash == default.tokens_hash == extra.tokens_hash
    assert len({both.config_hash, default.config_hash, extra.config_hash}) == 3
    assert both.cut(TEAMS) == default.cut(TEAMS)


def test_stopwords_no_list_and_missing_list(tmp_path):
    none = Segmenter(stopwords=[])
    assert none.stopwords == frozenset()
    assert none.terms(TEAMS) == ["目前", "江州区", "江小爱", "志愿服务队", "共建", "有", "志愿者"]
    with pytest.raises(SegmentError, match="stop-word list not found"):
        Segmenter(stopwords=[str(tmp_path / "nope.txt")])


def test_stopwords_edit_changes_config_hash(own_list):
    before = Segmenter(stopwords=[str(own_list)]).config_hash
    own_list.write_text("江州区\n", encoding="utf-8")
    after = Segmenter(stopwords=[str(own_list)])
    assert after.config_hash != before and after.stopwords == {"江州区"}


# -- keep_punct / keep_numbers / keep_single_chars ------------------------------------
def test_keep_punct():
    plain = Segmenter(stopwords=[]).terms(TEAMS)
    kept = Segmenter(stopwords=[], keep_punct=True).terms(TEAMS)
    assert not {",", "“", "”", "。"} & set(plain)
    assert [w for w in kept if w in {",", "“", "”", "。"}] == [",", "“", "”", ",", "。"]
    assert [w for w in kept if w not in {",", "“", "”", "。"}] == plain


def test_keep_numbers():
    text = "2023年3月25日,服务群众3万多人次,覆盖92.3%的小区,共2023户。"
    plain = Segmenter(stopwords=[]).terms(text)
    kept = Segmenter(stopwords=[], keep_numbers=True).terms(text)
    assert plain == ["服务", "群众", "覆盖", "的", "小区", "共"]
    assert kept == ["2023年3月25日", "服务", "群众", "3万多人次", "覆盖", "92.3%", "的", "小区", "共", "2023户"]


def test_keep_single_chars(seed_text):
    with_single = Segmenter().terms(seed_text)
    without = Segmenter(keep_single_chars=False).terms(seed_text)
    singles = [w for w in with_single if len(w) == 1]
    assert "爱" in singles and "暖" in singles       # 传递爱; 服务暖民心 (title)
    assert without == [w for w in with_single if len(w) > 1]
    # keep_single_chars does not keep stop words
    assert "的" not in with_single


# -- traditional → simplified ----------------------------------------------------------
def test_to_simplified_cuts_like_simplified_text():
    trad = "目前,江州區“江小愛”志願服務隊共建有158支,志願者2500多人。黨建引領,三碼合一。"
    simp = "目前,江州区“江小爱”志愿服务队共建有158支,志愿者2500多人。党建引领,三码合一。"
    conv = Segmenter(to_simplified=True)
    assert conv.cut(trad) == Segmenter().cut(simp)
    assert "江州区" in conv.cut(trad) and "党建引领" in conv.cut(trad) and "三码合一" in conv.cut(trad)
    # without conversion the traditional forms are not dictionary words
    assert "黨建引領" not in Segmenter().cut(trad)
    # offsets index the original (traditional) text
    for t in conv.tokenize(trad):
        assert len(trad[t.start:t.end]) == len(t.word)
    toks = {t.word: (t.start, t.end) for t in conv.tokenize(trad)}
    s, e = toks["志愿服务队"]
    assert trad[s:e] == "志願服務隊"
    s, e = toks["2500多人"]
    assert trad[s:e] == "2500多人"
    # conversion changes the tokens: a separate cache key
    assert conv.tokens_hash != Segmenter().tokens_hash
    # simplified text passes through unchanged
    assert conv.cut(simp) == Segmenter().cut(simp)


# -- the packaged domain dictionary -------------------------------------------------------
REVIEWED = {"一带一路": "一带/一路", "急难愁盼": "急难/愁/盼", "常态化": "常态/化", "新时代": "新/时代",
            "两个维护": "两个/维护", "千万工程": "千万/工程", "新征程": "新/征程", "冬残奥会": "冬/残奥会"}


def _sentence_with(texts, term):
    from analysis.segment import sentence_spans
    for text in texts:
        for s, e in sentence_spans(text):
            if term in text[s:e]:
                return text[s:e]
    raise AssertionError(f"{term} not in the shipped corpus")


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_domain_dictionary_keeps_reviewed_terms_whole(backend, shipped_texts):
    seg = get_segmenter(backend=backend)
    bare = Segmenter(backend=backend, dictionary="", hmm=False)
    for term, split in REVIEWED.items():
        sent = _sentence_with(shipped_texts, term)       # a real sentence of the shipped corpus
        assert term in seg.cut(sent), (term, sent)
        assert "/".join(bare.cut(term)) == split          # what jieba alone does (the reviewer's report)
        assert seg.in_dictionary(term)


def test_domain_dictionary_file_is_well_formed():
    from analysis.config import data_path
    from analysis.segment import read_dictionary
    path = data_path("dict", "domain.txt")
    head = path.read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# Domain dictionary") and all(line.startswith("#") for line in head)
    entries = read_dictionary(path)
    words = [w for w, _, _ in entries]
    assert len(words) == len(set(words)) and len(words) > 300
    assert all(t in {"n", "nz", "ns", "nt", "l", "i", "v", "vn"} for _, _, t in entries)
    assert all(f is not None and 1000 <= f <= 5000 for _, f, _ in entries)
    # no entry starts or ends with a digit: the number pattern owns digits
    assert not [w for w in words if w[0].isdigit() or w[-1].isdigit()]


def test_domain_dictionary_leaves_numbers_whole():
    seg = get_segmenter()
    # entries that start with numerals (一带一路, 两个维护, 三会一课) next to real numbers
    text = "全县158个村落实“三会一课”，2500多人参与“一带一路”项目，做到“两个维护”。"
    words = seg.cut(text)
    for w in ("158个", "2500多人", "三会一课", "一带一路", "两个维护"):
        assert w in words, w
