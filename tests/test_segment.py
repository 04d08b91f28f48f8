"""Tests of analysis.segment on the seed article and the shipped related reports."""
from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.document import Document
from analysis.segment import (NUMBER_RE, SegmentOptions, Segmenter, corpus_segmenter, corpus_tokens,
                              get_segmenter, kwic, segment_corpus, sentence_spans)


@pytest.fixture(scope="module")
def seg():
    return get_segmenter()


def _sentence(text: str, needle: str) -> str:
    """The seed's sentence containing ``needle`` (read from the file, not typed in)."""
    for s, e in sentence_spans(text):
        if needle in text[s:e]:
            return text[s:e]
    raise AssertionError(f"{needle} not in the text")


# -- seed key sentences ----------------------------------------------------------
def test_seed_admin_units_and_names(seg, seed_text):
    sent = _sentence(seed_text, "何成一脸自豪")
    words = seg.cut(sent)
    assert words[-9:] == ["江州区", "石景林街道", "丽金社区", "党员", "社工", "何成", "一脸", "自豪", "。"]
    assert "江小爱" in words


def test_seed_numbers_stay_whole(seg, seed_text):
    sent = _sentence(seed_text, "志愿服务队共建有")
    assert seg.cut(sent) == ["目前", ",", "江州区", "“", "江小爱", "”", "志愿服务队", "共建", "有",
                             "158支", ",", "志愿者", "2500多人", "。"]
    sent = _sentence(seed_text, "3万多人次")
    assert seg.cut(sent)[-4:] == ["服务", "群众", "3万多人次", "。"]
    assert "46个" in seg.cut(_sentence(seed_text, "暖心站点"))
    assert "110多场次" in seg.cut(sent)


def test_seed_domain_terms(seg, seed_text):
    words = set(seg.cut(seed_text))
    for term in ["江小爱", "微心愿", "三码合一", "民心档案", "双报到", "党建引领", "四点半课堂",
                 "两新组织", "党群服务中心", "沿山小区", "黄朝能"]:
        assert term in words, term


@pytest.mark.parametrize("text", ["3万多人次", "2500多人", "158支", "46个", "1.3万余", "92.3%",
                                  "100—300户", "20余万元", "１０万余只"])
def test_number_unit_one_token_plain_and_pos(seg, text):
    framed = f"共有{text}参与"
    plain = seg.cut(framed)
    tagged = seg.tokenize(framed, pos=True)
    assert text in plain
    assert [t.word for t in tagged] == plain
    assert [t.pos for t in tagged if t.word == text] == ["m"]


def test_number_unit_does_not_eat_words(seg):
    assert seg.cut("搭载天玑8100处理器") == ["搭载", "天玑", "8100", "处理器"]
    assert seg.cut("5G网络") == ["5G", "网络"]
    assert seg.cut("3月25日上午") == ["3月25日", "上午"]
    assert NUMBER_RE.search("三码合一") is None


def test_pos_tags_people_and_places(seg, seed_text):
    sent = _sentence(seed_text, "黄朝能介绍道")
    tags = {t.word: t.pos for t in seg.tokenize(sent, pos=True)}
    assert tags["黄朝能"] == "nr"
    assert tags["江州区"] == "ns"


# -- offsets and sentences ----------------------------------------------------------
def test_offsets_index_back_into_text(seg, seed_text):
    toks = seg.tokenize(seed_text)
    assert len(toks) > 500
    assert all(seed_text[t.start:t.end] == t.word for t in toks)
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))
    assert [t.word for t in toks] == seg.cut(seed_text)


def test_sentences(seg, seed_text):
    spans = seg.sentences(seed_text)
    texts = [seed_text[s:e] for s, e in spans]
    assert all(t == t.strip() and t for t in texts)
    # a quote closing after the full stop belongs to the sentence
    assert "“成为一名‘江小爱’志愿者,利用闲暇时间做些公益,我感觉很充实。”" in texts
    assert "3月,春潮涌动,草木萌新。" in texts
    assert seg.sentences("你好！他说：“走吧。”好。\n标题") == [(0, 3), (3, 11), (11, 13), (14, 16)]


# -- terms, stop words, options -----------------------------------------------------
def test_terms_drop_stopwords_punct_numbers(seg, seed_text):
    sent = _sentence(seed_text, "志愿服务队共建有")
    terms = seg.terms(sent)
    assert terms == seg(sent)
    assert "," not in terms and "158支" not in terms and "有" not in terms
    assert seg.is_stopword("我们") and not seg.is_stopword("江小爱")
    assert "158支" in Segmenter(keep_numbers=True).terms(sent)
    assert all(len(t) > 1 for t in Segmenter(keep_single_chars=False).terms(seed_text))


def test_from_config_and_unknown_option():
    from analysis.config import load_config
    from analysis.errors import ConfigError
    cfg = load_config(overrides={"segment": {"hmm": False}})
    assert SegmentOptions.from_config(cfg).hmm is False
    cfg = load_config(overrides={"segment": {"nonsense": 1}})
    with pytest.raises(ConfigError):
        SegmentOptions.from_config(cfg)


def test_to_simplified_keeps_offsets():
    seg = Segmenter(to_simplified=True)
    text = "江州區志願者2500多人，服務群眾"
    toks = seg.tokenize(text)
    assert [t.word for t in toks][:3] == ["江州区", "志愿者", "2500多人"]
    assert all(len(t.word) == t.end - t.start for t in toks)


def test_user_dict_and_config_hash(tmp_path):
    base = Segmenter()
    d = tmp_path / "mine.txt"
    d.write_text("# mine\n春潮涌动 100 l\n", encoding="utf-8")
    mine = Segmenter(user_dicts=[str(d)])
    assert "春潮涌动" in mine.cut("3月,春潮涌动,草木萌新。")
    assert "春潮涌动" not in base.cut("3月,春潮涌动,草木萌新。")
    assert mine.config_hash != base.config_hash
    d.write_text("# mine\n草木萌新 100 l\n", encoding="utf-8")
    assert Segmenter(user_dicts=[str(d)]).config_hash != mine.config_hash
    assert Segmenter(extra_words=["春潮涌动"]).tokens_hash != base.tokens_hash
    assert Segmenter(keep_numbers=True).config_hash != base.config_hash
    assert Segmenter(keep_numbers=True).tokens_hash == base.tokens_hash


def test_get_segmenter_shared():
    a = get_segmenter()
    assert get_segmenter() is a
    assert get_segmenter(extra_words=["壶城"]) is not a
    assert Segmenter().backend is a.backend


def test_global_jieba_untouched(tmp_path):
    # in a fresh interpreter, so no other test has touched jieba's default tokenizer
    d = tmp_path / "d.txt"
    d.write_text("春潮涌动 100000 l\n", encoding="utf-8")
    code = f"""
import jieba
from analysis.segment import Segmenter
seg = Segmenter(user_dicts=[{str(d)!r}], extra_words=["草木萌新"])
assert "春潮涌动" in seg.cut("春潮涌动，草木萌新")
assert "草木萌新" in seg.cut("春潮涌动，草木萌新")
assert not jieba.dt.initialized, "global tokenizer was initialised"
assert jieba.lcut("春潮涌动，草木萌新") == ["春潮", "涌动", "，", "草木", "萌新"], jieba.lcut("春潮涌动，草木萌新")
assert "春潮涌动" not in jieba.dt.FREQ and "江小爱" not in jieba.dt.FREQ
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


# -- scikit-learn and pickling ---------------------------------------------------------
def test_pickle_and_sklearn(related_records):
    from sklearn.feature_extraction.text import CountVectorizer
    seg = get_segmenter()
    clone = pickle.loads(pickle.dumps(seg))
    assert clone.config_hash == seg.config_hash
    texts = [r["content"] for r in related_records[:30]]
    assert clone.cut(texts[0]) == seg.cut(texts[0])
    vec = CountVectorizer(tokenizer=seg, lowercase=False, token_pattern=None)
    X = vec.fit_transform(texts)
    vocab = vec.vocabulary_
    assert "志愿服务" in vocab and "的" not in vocab
    assert X[:, vocab["志愿服务"]].sum() == sum(seg.terms(t).count("志愿服务") for t in texts)
    vec2 = pickle.loads(pickle.dumps(vec))
    assert (vec2.transform(texts[:3]) != vec.transform(texts[:3])).nnz == 0


# -- corpus: cached tokens and KWIC ------------------------------------------------------
def _fill(corpus, seed_text, related_records, n=20):
    docs = [Document(title="江州区", body=seed_text, origin="seed")]
    docs += [Document(title=r["title"], body=r["content"], origin="related") for r in related_records[:n]]
    corpus.store.add_documents(docs)
    return [d.doc_id for d in docs]


def test_corpus_tokens_cache_and_invalidation(corpus, seed_text, related_records):
    ids = _fill(corpus, seed_text, related_records)
    assert segment_corpus(corpus) == len(ids)
    assert segment_corpus(corpus) == 0                       # second run: nothing to do
    toks = corpus.tokens()
    assert len(toks) == len(ids) and "江小爱" in toks[0]
    seg = corpus_segmenter(corpus)
    stored = corpus.store.get_annotations("tokens", seg.tokens_hash, [ids[0]])[ids[0]]
    assert stored["p"] is None
    assert all(seed_text[s:s + len(w)] == w for w, s in zip(stored["w"], stored["s"]))
    assert [seed_text[s:e] for s, e in stored["sent"]][0].startswith("天天速读")
    # POS requested later: tags are added, words unchanged, nothing re-cut
    assert segment_corpus(corpus, pos=True) == len(ids)
    again = corpus.store.get_annotations("tokens", seg.tokens_hash, [ids[0]])[ids[0]]
    assert again["w"] == stored["w"] and len(again["p"]) == len(again["w"])
    # accepting a term changes the configuration: everything is segmented again, once
    corpus.store.add_terms([("春潮涌动", None, "l", "user")])
    seg2 = corpus_segmenter(corpus)
    assert seg2.tokens_hash != seg.tokens_hash
    assert segment_corpus(corpus) == len(ids)
    assert "春潮涌动" in corpus.tokens(doc_ids=[ids[0]])[0]
    assert segment_corpus(corpus) == 0


def test_corpus_tokens_frame(corpus, seed_text, related_records):
    ids = _fill(corpus, seed_text, related_records, n=3)
    df = corpus_tokens(corpus, doc_ids=[ids[0]], pos=True, as_frame=True)
    assert list(df.columns) == ["doc_id", "sentence", "position", "token", "pos", "start", "end"]
    row = df[df.token == "3万多人次"].iloc[0]
    assert row.pos == "m" and seed_text[row.start:row.end] == "3万多人次"
    s, e = sentence_spans(seed_text)[row.sentence]
    assert s <= row.start and row.end <= e
    assert df.position.tolist() == list(range(len(df)))


def test_kwic(corpus, seed_text, related_records):
    ids = _fill(corpus, seed_text, related_records, n=3)
    df = kwic(corpus, "微心愿", window=5)
    assert list(df.columns) == ["doc_id", "start", "end", "left", "keyword", "right"]
    assert len(df) == seed_text.count("微心愿") == 2
    assert set(df.doc_id) == {ids[0]}
    for r in df.itertuples():
        assert seed_text[r.start:r.end] == "微心愿"
        assert seed_text[:r.start].endswith(r.left) and seed_text[r.end:].startswith(r.right)
    assert df.iloc[0].left.endswith("提交“")
    # a term cut into several tokens matches the run of tokens
    assert len(corpus.kwic("志愿服务队伍")) == seed_text.count("志愿服务队伍")


def test_jieba_cache_in_user_cache_dir(tmp_path):
    # a temp folder that does not exist (as when /tmp is unusable): the cache goes to our cache dir
    code = """
import tempfile, os
from analysis.segment import Segmenter
assert Segmenter().cut("江小爱志愿者") == ["江小爱", "志愿者"]
"""
    env = dict(__import__("os").environ, ANALYSIS_CACHE_DIR=str(tmp_path / "cache"),
               TMPDIR=str(tmp_path / "missing"))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "cache" / "jieba.cache").is_file()
    assert "Building prefix dict" not in res.stderr          # jieba's log chatter is silenced


# -- the one-call cut equals cutting between the numbers piece by piece -------------------
def _piecewise_spans(seg, text):
    """The segmentation by definition: number tokens found one by one with NUMBER_RE
    (a one-character unit left out when it starts a common word), jieba cutting each
    stretch between them on its own, whitespace dropped."""
    from analysis.segment import _TIME_UNITS, _UNIT_WORD_MIN_FREQ
    be = seg.backend
    table = be.tok.FREQ if seg.options.backend == "jieba" else be.dict_table()[1]
    words, pos = [], 0
    for m in NUMBER_RE.finditer(text):
        s, e = m.span()
        u = m.start("unit")
        if (u == e - 1 and e < len(text) and text[u] not in _TIME_UNITS
                and table.get(text[u:u + 2], 0) >= _UNIT_WORD_MIN_FREQ):
            e = u
        if s > pos:
            words += be.cut(text[pos:s], seg.options.hmm)
        words.append(text[s:e])
        pos = e
    if pos < len(text):
        words += be.cut(text[pos:], seg.options.hmm)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w))
    keep = [i for i, w in enumerate(words) if not w.isspace()]
    return [words[i] for i in keep], [starts[i] for i in keep]


EDGE_TEXTS = [
    "3万多人次参与", "搭载天玑8100处理器，28日本报讯", "共有3个人\r\n\r\n  2500多人员　参加\u3000\n",
    "100 — 300户口，20余万元 ", "\n\n第3次 第一 1.3万余；92.3%的 ５G", "2023年3月25日10:30，12:00至13:30",
    "1\ue0002个 \ue000 江小爱\ue000", "  ", "", "江小爱", "2500", "V2 5G网络 abc123 1,234,567元",
    "3月5日，12月25日上午 5:30 至 7：05；2024-1-31 2024年1月 第3届",
    "\n".join(f"江小爱{i}人 服务" for i in range(100)),  # more whitespace runs than are deleted in place
    "江州区\x1c3人\x85\xa0第2届\u2028\u205f100\u2000—\u200a300户\x0b\x0c志愿者\u1680\u202f5",  # rarer whitespace
]


def test_split_class_whitespace_is_exactly_regex_whitespace():
    # the split pattern spells out the whitespace of \s (faster): it must be the same set
    import re
    from analysis.segment import _WS
    spelt = re.compile(f"[{_WS}]")
    differ = [hex(c) for c in range(0x110000)
              if (spelt.match(chr(c)) is None) != (re.match(r"\s", chr(c)) is None)]
    assert differ == []


@pytest.mark.parametrize("backend,hmm", [("rjieba", True), ("rjieba", False), ("jieba", True)])
def test_one_call_cut_equals_piecewise_on_shipped_corpus(related_records, seed_text, backend, hmm):
    seg = Segmenter(backend=backend, hmm=hmm)
    texts = EDGE_TEXTS + [seed_text] + [r["content"] for r in related_records]
    if backend == "jieba":
        texts = texts[:80]  # the pure-Python backend is slow; the same code path
    for text in texts:
        expected = _piecewise_spans(seg, text)
        assert seg._spans(text) == expected, text[:60]
        assert seg.cut(text) == expected[0]


def test_one_call_cut_equals_piecewise_on_digest_slice():
    import gzip
    import json
    path = shared_file("xwlb", "xwlb_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["content"] or "" for _, line in zip(range(3000), fh)]
    seg = Segmenter(backend="rjieba")
    differ = [t[:40] for t in texts if seg._spans(t) != _piecewise_spans(seg, t)]
    assert differ == []


_FRAGMENTS = [*"0123456789０５.．,，第年月日号时:：-/—~至 \n\r\t\u3000人次个月百分点万千多余来亿%‰处理器本报讯员民xAB\ue000",
              "3", "25", "2023", "１２", "1,234", "江小爱", "志愿者", "服务", "人员", "个人", "日本", "\r\n", "  "]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map("".join))
def test_one_call_cut_equals_piecewise_on_generated_text(text):
    seg = get_segmenter(backend="rjieba")
    assert seg._spans(text) == _piecewise_spans(seg, text)
