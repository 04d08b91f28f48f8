"""Gazetteer fast paths give what the plain definitions give, on real text."""
from __future__ import annotations

import re

import pytest

from analysis.ner.gazetteer import Gazetteer, get_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="module")
def texts(seed_text, related_records) -> list[str]:
    return [seed_text] + [r["content"] for r in related_records]


def test_start_re_finds_every_start_of_a_name(gaz, texts):
    for text in texts:
        starts = {k for k in range(len(text)) if text[k:k + 2] in gaz._by_prefix}
        found = {m.start() for m in gaz.start_re.finditer(text)}
        assert starts <= found
    seed = texts[0]  # names places (崇左市江州区)
    assert seed.index("崇左市") in {m.start() for m in gaz.start_re.finditer(seed)}
    # a name's first two characters at the very end of a text
    assert 0 in {m.start() for m in gaz.start_re.finditer("江州")}


def _longest_match(gaz, text, i):
    best = None
    for name in set(gaz.names) | set(gaz.short):
        if text.startswith(name, i) and (best is None or len(name) > len(best)):
            best = name
    return best


def test_match_at_is_the_longest_name_at_the_position(gaz, seed_text):
    # 崇左市江州区江南街道: 崇左市, not 崇左; 江州区; nothing at 南
    text = seed_text[:600]
    starts = [m.start() for m in gaz.start_re.finditer(text)]
    assert starts
    for i in starts:
        m = gaz.match_at(text, i)
        expect = _longest_match(gaz, text, i)
        assert (m[0] if m else None) == expect
        if m:
            assert m[1] == gaz.lookup(m[0])
    i = "家住崇左市江州区".index("崇")
    assert gaz.match_at("家住崇左市江州区", i)[0] == "崇左市"
    assert gaz.match_at("家住崇左", 2)[0] == "崇左"  # a short form at the end of the text


def test_has_is_lookup_truthiness(gaz, seed_text):
    words = {seed_text[i:i + n] for n in (2, 3, 4) for i in range(0, len(seed_text) - n)}
    words |= {"广西", "广西壮族自治区", "江州区", "崇左", "霍尔果斯市", "霍尔果斯", "志愿"}
    assert any(gaz.has(w) for w in words) and not all(gaz.has(w) for w in words)
    for w in words:
        assert gaz.has(w) == bool(gaz.lookup(w)), w


def test_is_ancestor_follows_the_chain(gaz):
    jz = gaz.lookup("江州区")[0]
    cz = gaz.lookup("崇左市")[0]
    gx = gaz.lookup("广西")[0]
    assert gaz.is_ancestor(cz, jz) and gaz.is_ancestor(gx, jz) and gaz.is_ancestor(gx, cz)
    assert not gaz.is_ancestor(jz, cz) and not gaz.is_ancestor(jz, jz)
    for div in list(gaz.by_code.values())[::7]:
        chain = gaz.chain(div)
        assert gaz.ancestor_codes(div) == {d.code for d in chain[1:]}
        for other in (jz, cz, gx):
            assert gaz.is_ancestor(other, div) == any(d.code == other.code for d in chain[1:])
    assert re.fullmatch(r"\d{12}", gx.code)


def test_starts_are_the_positions_of_name_prefixes(gaz, texts):
    odd = ["", "崇", "崇左", "\ud800崇左市", "😀崇左市😀江州区", "江州区委书记", "广西广西"]
    n = 0
    for text in texts + odd:
        want = [k for k in range(len(text)) if text[k:k + 2] in gaz._by_prefix]
        assert gaz.starts(text) == want
        n += len(want)
    assert n > 50
    assert gaz.starts("家住崇左市江州区") == [2, 5]
    # the regex scan (a gazetteer whose names the code-point tables cannot hold) gives the same
    tables, gaz._pair_tables = gaz._pair_tables, None
    try:
        for text in texts[:5] + odd[1:]:
            assert gaz.starts(text) == [k for k in range(len(text)) if text[k:k + 2] in gaz._by_prefix]
    finally:
        gaz._pair_tables = tables


def test_one_shared_gazetteer_per_file_read_again_when_it_changes(tmp_path):
    import os

    from analysis.config import data_path
    from analysis.ner.gazetteer import get_gazetteer
    assert get_gazetteer() is get_gazetteer(None) is get_gazetteer(data_path("ner", "adcodes.csv"))
    f = tmp_path / "adcodes.csv"
    f.write_text("adcode,name,longitude,latitude\n450000000000,广西壮族自治区,108.3,22.8\n", encoding="utf-8")
    g = get_gazetteer(f)
    assert g is get_gazetteer(str(f)) and g.has("广西") and not g.has("崇左市")
    f.write_text(f.read_text(encoding="utf-8") + "451400000000,崇左市,107.3,22.4\n", encoding="utf-8")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    g2 = get_gazetteer(f)
    assert g2 is not g and g2.has("崇左市") and g2.data_hash != g.data_hash
