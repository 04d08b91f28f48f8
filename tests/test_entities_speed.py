"""The fast paths of analysis.entities find what the plain regex scans find.

The full record-for-record check against the previous code runs in
``benchmarks/check_entities_identical.py`` (3,000+ reports); these tests pin
each replacement on the shipped texts.
"""
from __future__ import annotations

import re

import pytest

from analysis import entities as E


@pytest.fixture(scope="module")
def texts(seed_text, related_records) -> list[str]:
    return [seed_text] + [r["content"] for r in related_records]


@pytest.fixture(scope="module")
def doc(seed_text):
    return E._Doc(seed_text, "seed", E._resources(None))


def test_find_all_is_finditer_of_the_literal():
    text = "黄海亮说，黄海亮黄海亮和黄海"
    assert list(E._find_all(text, "黄海亮")) == [m.start() for m in re.finditer("黄海亮", text)] == [0, 5, 8]
    assert list(E._find_all("啊啊啊啊啊", "啊啊")) == [0, 2]  # not overlapping, as finditer
    assert list(E._find_all(text, "左涛")) == []


def test_media_matches_is_the_lookbehind_scan(texts):
    extra = ["人民日报报道", "据光明日报社消息", "广西日报社", "，日报社", "本报社区", "，中日报社", "新华通讯社电视台"]
    n = 0
    for text in texts + extra:
        want = [m.span() for m in E._MEDIA.finditer(text)]
        assert [m.span() for m in E._media_matches(text)] == want
        n += len(want)
    assert n >= 5
    # a rejected match (，中|日报) still lets the next position match (中日|报社)
    assert [m.group(0) for m in E._media_matches("，中日报社")] == ["报社"]


def test_post_role_starts_are_the_lookahead_scan(doc, texts):
    n = 0
    for text in texts + ["习近平总书记", "郭光灿院士说", "副主席主席"]:
        want = [m.start(1) for m in doc._post_role_re().finditer(text)]
        assert list(doc._post_role_starts(text)) == want
        n += len(want)
    assert n >= 10


def test_office_matches_are_the_finditer_scan(doc, texts):
    n = 0
    for text in texts + ["国际奥委会主席巴赫", "副市长斯卡武佐", "副主席主席院士"]:
        want = [m.span() for m in doc._office_re().finditer(text)]
        assert [m.span() for m in doc._office_matches(text, list(doc._post_role_starts(text)))] == want
        n += len(want)
    assert n >= 10


def test_sentence_at_bisect_is_the_linear_scan(texts):
    def linear(text, sents, pos):
        for s, e in sents:
            if s <= pos < e:
                return text[s:e]
        return ""
    for text in texts[:20]:
        sents = E._sentences(text)
        starts = [s for s, _ in sents]
        for pos in range(0, len(text), 7):
            assert E._sentence_at(text, sents, pos, starts) == linear(text, sents, pos)
            assert E._sentence_at(text, sents, pos) == linear(text, sents, pos)
    text = "第一句。 \n 第二句！"
    sents = E._sentences(text)
    assert E._sentence_at(text, sents, text.index("二")) == "第二句！"
    assert E._sentence_at(text, sents, text.index("\n")) == ""  # between sentences


def test_translit_name_still_judges_names():
    assert E._translit_name("内塔尼亚胡") and E._translit_name("巴赫")
    assert not E._translit_name("黄海亮") and not E._translit_name("巴赫1") and not E._translit_name("巴")


def test_longest_first_trie_matches_like_the_sorted_alternation(texts):
    res = E._resources(None)
    role_words = [r for r in res.roles if len(r) >= 2]
    for words, suffix in ((role_words, r"([" + E._HAN + r"]{2,3})"), (sorted(res.programmes), ""),
                          (["党委", "党委书记", "书记", "党", "委员会", "委员"], "")):
        plain = re.compile("(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")" + suffix)
        trie = re.compile("(?:" + E._longest_first(words) + ")" + suffix)
        n = 0
        for text in texts + ["沿山社区党委书记黄朝能说", "党委委员会委员王明"]:
            want = [m.span(0) + (m.span(1) if suffix else ()) for m in plain.finditer(text)]
            assert [m.span(0) + (m.span(1) if suffix else ()) for m in trie.finditer(text)] == want
            n += len(want)
        assert n > 0
    assert [m.group(0) for m in re.finditer(E._longest_first(["党委", "党委书记", "书记"]), "党委书记党委书")] \
        == ["党委书记", "党委"]  # the longest word first; a lone 书 is no word


#: the sentence-end pattern as written before it started with one character class
_OLD_SENT_END = re.compile(r"(?:[。！？!?；;]+|…+|\.{3,})[”’」』）)》\"'】]*|\n")


def test_sentence_end_pattern_finds_the_old_ends(texts):
    import gzip
    import json

    from analysis.segment import _SENT_END_RE, sentence_spans
    from conftest import shared_file
    edge = ["a...b", "a..b", "a....”b", "。。！？”’x", "好……」他说", "\n\n", "a.b.c...d", "x;y!z?'", "...", "..",
            ".", "…", "。", "", "“走！”。\n 下一句；", "Mr. Li...\n", "!!!\"'】)", "；;；"]
    with gzip.open(shared_file("xwlb", "xwlb_articles.jsonl.gz"), "rt", encoding="utf-8") as fh:
        digest = [json.loads(line)["content"] for _, line in zip(range(3000), fh)]
    n = 0
    for text in texts + edge + digest:
        want = [m.span() for m in _OLD_SENT_END.finditer(text)]
        assert [m.span() for m in _SENT_END_RE.finditer(text)] == want, text[:40]
        n += len(want)
    assert n > 30000
    # ！ with its closing quote ends one; the 。 after it is one of its own; the line
    # break leaves only blanks; ... ends 下一句 (after the blank is trimmed)
    assert sentence_spans("他说：“走！”。\n 下一句...好") == [(0, 7), (7, 8), (10, 16), (16, 17)]


def test_gazetteer_starts_compiled_is_the_numpy_scan(texts):
    from analysis.ner import gazetteer as G
    gaz = G.get_gazetteer()
    assert gaz._pair_tables is not None and G._PAIR_STARTS and G._PAIR_STARTS[0] is not None
    extra = ["崇左市江州区", "广", "", "𠀀广西𠀀崇左", "广西\U0001F600", "在广西壮族自治区崇左市"]
    fast = [gaz.starts(t) for t in texts + extra]
    compiled, G._PAIR_STARTS[0] = G._PAIR_STARTS[0], None  # the numpy path
    try:
        slow = [gaz.starts(t) for t in texts + extra]
    finally:
        G._PAIR_STARTS[0] = compiled
    assert fast == slow
    assert fast[-1] == [1, 8] and sum(map(len, fast)) > 500
    # and both are the definition: positions whose two characters start a name
    for t, got in zip(texts[:10] + extra, fast[:10] + fast[-len(extra):]):
        assert got == [k for k in range(len(t)) if t[k:k + 2] in gaz._by_prefix]


def test_packed_hash_tables_give_what_was_put():
    import numpy as np
    from analysis.ner import fastcrf as F
    rng = np.random.default_rng(0)
    keys = [np.unique(rng.integers(0, 1 << 36, 5000)), np.arange(1, 40, dtype=np.int64), np.zeros(0, dtype=np.int64)]
    vals = [rng.integers(0, 60000, k.size) for k in keys]
    t = F._Packed(list(zip(keys, vals)))
    assert t.vbits == 16
    for k, (ks, vs) in enumerate(zip(keys, vals)):
        got = [F._pget(t.tab, t.base[k], t.bits[k], t.vbits, int(x)) for x in ks[:500]]
        assert got == vs[:500].tolist()
    assert F._pget(t.tab, t.base[1], t.bits[1], t.vbits, 1000) == -1  # absent
    assert F._pget(t.tab, t.base[0], t.bits[0], t.vbits, 5) == -1 or 5 in keys[0]
    with pytest.raises(F.UnsupportedModel):
        F._Packed([(np.array([1 << 50]), np.array([1 << 20]))])  # 51 + 21 bits do not fit
