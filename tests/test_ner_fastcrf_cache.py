"""analysis/ner/fastcrf.py: the compiled tables cached on disk, the marginals read on access."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.ner import fastcrf
from analysis.ner.crf import CRFTagger, Lexicon, get_lexicon
from analysis.config import data_path


@pytest.fixture(scope="module")
def fast() -> CRFTagger:
    return CRFTagger(engine="numba")


def _model_path():
    return data_path("ner", "pd1998_crf.model")


def test_cached_tables_tag_exactly_as_freshly_built_ones(tmp_path, monkeypatch, related_records):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    lex = get_lexicon()
    built = fastcrf.CompiledCRF.from_file(_model_path(), lex)  # nothing cached here yet: built, then saved
    [cached_file] = (tmp_path / "cache" / "crf").glob("tables-*.pkl")
    loaded = fastcrf.CompiledCRF.from_file(_model_path(), lex)  # read back from the file
    assert loaded is not built
    assert loaded._W_lines.ctypes.data % 64 == 0  # weight rows on whole cache lines again
    assert np.array_equal(loaded.W, built.W) and loaded.labels == built.labels
    for text in [r["content"] for r in related_records[:20]] + ["江泽民在北京会见克林顿。", ""]:
        a, b = built.tag(text, 400, True), loaded.tag(text, 400, True)
        assert all(np.array_equal(x, y) for x, y in zip(a, b))  # bit for bit
    # a broken file is not trusted: the tables are built again and the file rewritten
    cached_file.write_bytes(b"garbage")
    again = fastcrf.CompiledCRF.from_file(_model_path(), lex)
    assert again.tag("江泽民在北京", 400, False)[0].tolist() == built.tag("江泽民在北京", 400, False)[0].tolist()
    assert cached_file.read_bytes() != b"garbage"


def test_another_lexicon_or_model_is_another_cache_entry(tmp_path):
    lex = get_lexicon()
    key = fastcrf._tables_key(_model_path(), lex)
    assert key == fastcrf._tables_key(_model_path(), lex)
    fewer = Lexicon(surnames=lex.surnames, words={w: t for w, t in lex.words.items() if w != "江泽民"})
    assert fastcrf._tables_key(_model_path(), fewer) != key
    other = tmp_path / "m.model"
    other.write_bytes(_model_path().read_bytes() + b"\0")
    assert fastcrf._tables_key(other, lex) != key


def test_entity_spans_marginals_read_as_float_lists(fast):
    text = "江泽民在北京会见克林顿。"
    labels, probs, begins = fast.tag(text, marginals=True)
    spans, conf, p, b = fast.entity_spans(text)
    assert isinstance(p, fastcrf.FloatList) and len(p) == len(text)
    assert p == probs and b == begins and list(p) == probs
    assert p[1:3] == probs[1:3] and type(p[1:3]) is list and type(p[0]) is float and p[-1] == probs[-1]
    assert min(p[0:3]) == min(probs[0:3]) == conf[0]


def test_only_the_latest_tables_are_kept(tmp_path, monkeypatch):
    import os
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "crf"
    folder.mkdir(parents=True)
    for k in range(6):  # older tables of other models
        f = folder / f"tables-old{k}.pkl"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + k, 1_000_000 + k))
    fastcrf.CompiledCRF.from_file(_model_path(), get_lexicon())
    left = sorted(p.name for p in folder.glob("tables-*.pkl"))
    assert len(left) == fastcrf._CACHE_KEEP and "tables-old5.pkl" in left and "tables-old0.pkl" not in left


def test_prefetched_entity_spans_are_the_computed_ones_given_out_once(fast, related_records):
    import pickle
    m = fast._fast
    texts = [r["content"] for r in related_records[:8]] + ["江泽民在北京会见克林顿。"]
    want = [m.entity_spans(t, 400) for t in texts]
    m.prefetch(texts, 400)
    assert set(m._ready) == set(texts)
    assert pickle.loads(pickle.dumps(m))._ready == {}  # not part of the cached tables
    got = [m.entity_spans(t, 400) for t in texts]
    assert got == want and not m._ready  # each result given out once
    assert [fast.entity_spans(t) for t in texts] == want  # and computed again when asked again
    m.prefetch(texts[:1], 100)  # another chunk size: not this call's result
    assert m.entity_spans(texts[0], 400) == want[0] and not m._ready


def test_annotate_runs_the_crf_of_a_chunk_first_unless_tag_is_patched(monkeypatch, related_records):
    from analysis.entities import _resources
    from analysis.parallel import AnnotateSpec, _worker
    spec = AnnotateSpec.from_config(stages=["entities"])
    w = _worker(spec)
    m = _resources(w.ent_opts).tagger._fast
    calls = []
    monkeypatch.setattr(type(m), "prefetch", lambda self, texts, mc: calls.append(len(texts)))
    jobs = [(str(i), r["content"], None) for i, r in enumerate(related_records[:5])]
    w.annotate_many(jobs)
    assert calls == [5]
    tag = CRFTagger.tag
    monkeypatch.setattr(CRFTagger, "tag", lambda self, t, marginals=False: tag(self, t, marginals))
    calls.clear()
    w.annotate_many(jobs)
    assert calls == []  # the spans come from the patched tag: nothing computed ahead
