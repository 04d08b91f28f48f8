"""jieba's dictionary file read once per process, cached by content hash."""
from __future__ import annotations

import pickle

import pytest

from analysis import jiebadict
from analysis.jiebadict import dict_path, jieba_dict, parse


def _by_lines(path):
    """What the readers did before: every line split, the three-field ones kept."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                out.append((parts[0], int(parts[1]), parts[2]))
    return out


def test_columns_are_the_lines_of_jiebas_dictionary():
    path = dict_path()
    assert path.name == "dict.txt" and path.parent.name == "jieba"
    words, freqs, tags = jieba_dict()
    assert list(zip(words, freqs, tags)) == _by_lines(path)
    i = words.index("志愿者")
    assert tags[i] == "n" and freqs[i] > 100
    assert jieba_dict() is jieba_dict()  # once per process


def test_parse_keeps_three_field_lines_in_order_whatever_the_line_ends(tmp_path):
    text = "江州区 3 ns\r\n只有 两\n\n丽金社区 5 nt\r志愿服务 10 vn\n太多 1 n x\n"
    p = tmp_path / "d.txt"
    p.write_bytes(text.encode("utf-8"))
    assert list(zip(*parse(text))) == _by_lines(p) == [("江州区", 3, "ns"), ("丽金社区", 5, "nt"),
                                                        ("志愿服务", 10, "vn")]


def test_a_later_process_reads_the_cache_and_a_changed_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    d = tmp_path / "dict.txt"
    d.write_text("江州区 3 ns\n崇左市 4 ns\n", encoding="utf-8")
    assert jieba_dict(d) == (("江州区", "崇左市"), (3, 4), ("ns", "ns"))
    [cached] = (tmp_path / "cache" / "jieba_dict").glob("*.pkl")
    # a new process (emptied memo) loads the cache file: prove it by planting other columns in it
    monkeypatch.setattr(jiebadict, "_LOADED", {})
    cached.write_bytes(pickle.dumps((("甲",), (1,), ("n",))))
    assert jieba_dict(d) == (("甲",), (1,), ("n",))
    # the file changes: its hash names another cache file, the new lines are read
    monkeypatch.setattr(jiebadict, "_LOADED", {})
    d.write_text("江州区 3 ns\n", encoding="utf-8")
    assert jieba_dict(d) == (("江州区",), (3,), ("ns",))
    # a broken cache file is parsed again, not trusted
    monkeypatch.setattr(jiebadict, "_LOADED", {})
    for f in (tmp_path / "cache" / "jieba_dict").glob("*.pkl"):
        f.write_bytes(b"not a pickle")
    assert jieba_dict(d) == (("江州区",), (3,), ("ns",))


def test_bad_frequency_fails_loudly():
    with pytest.raises(ValueError):
        parse("江州区 many ns\n")
