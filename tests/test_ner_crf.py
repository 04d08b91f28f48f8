"""analysis/ner/crf.py + fastcrf.py: the compiled (numba) CRF engine gives
pycrfsuite's labels on every character and its marginals within 1e-6."""
from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys

import pytest

from analysis.ner import fastcrf
from analysis.ner.crf import NGRAM_TEMPLATES, CRFTagger, char_features, get_lexicon, normalise
from conftest import ROOT, shared_file

TOL = 1e-6


@pytest.fixture(scope="module")
def fast() -> CRFTagger:
    return CRFTagger(engine="numba")


@pytest.fixture(scope="module")
def ref() -> CRFTagger:
    return CRFTagger(engine="crfsuite")


def assert_same(fast: CRFTagger, ref: CRFTagger, text: str) -> int:
    """Labels identical, marginals within TOL; returns the number of entity characters."""
    labels, probs, begins = fast.tag(text, marginals=True)
    want, wprobs, wbegins = ref.tag(text, marginals=True)
    assert len(labels) == len(text)
    bad = [(i, text[i], a, b) for i, (a, b) in enumerate(zip(labels, want)) if a != b]
    assert labels == want, f"first differences: {bad[:5]}"
    assert max((abs(a - b) for a, b in zip(probs, wprobs)), default=0.0) <= TOL
    assert max((abs(a - b) for a, b in zip(begins, wbegins)), default=0.0) <= TOL
    assert fast.tag(text) == want  # without marginals too
    return sum(lab != "O" for lab in want)


def test_engines_are_what_they_say(fast, ref):
    assert fast.engine == "numba" and ref.engine == "crfsuite"
    assert CRFTagger().engine == "numba"  # the default when numba is installed
    assert fast.model_hash == ref.model_hash  # cache keys do not depend on the engine
    with pytest.raises(Exception, match="engine"):
        CRFTagger(engine="torch")


def test_same_labels_and_marginals_on_the_shipped_related_reports(fast, ref, related_records):
    texts = [r["content"] for r in related_records]
    assert len(texts) >= 100
    entity_chars = sum(assert_same(fast, ref, t) for t in texts)
    assert entity_chars > 10000  # real reports full of names, places, bodies
    # the seed's people, places and bodies come out of the fast engine as spans
    assert fast.spans(texts[0], confidence=True) == ref.spans(texts[0], confidence=True)


def _pd_text(line: str) -> str:
    return "".join(tok.rpartition("/")[0].lstrip("[") for tok in line.split())


def test_same_on_peoples_daily_slice(fast, ref):
    path = shared_file("eval", "ner", "peoples_daily_1998", "199801_pos_tagged.txt")
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip()]
    texts = [_pd_text(ln) for ln in lines[::60][:300]]
    assert len(texts) == 300 and "１" in "".join(texts)  # full-width digits as People's Daily writes them
    assert sum(assert_same(fast, ref, t) for t in texts) > 1000


@pytest.mark.parametrize("text", [
    "",
    "江",
    "。",
    "ꙮ𖿡𘀀ᚠᛁ",                                   # never seen in training (Cyrillic, Tangut, runes)
    "😀江泽民😀在北京𠀀会见🇨🇳克林顿。👍",             # astral-plane characters between names
    "１９９８年１２月３１日，ＣＣＴＶ记者在北京报道。",        # full-width digits and letters
    "^^江泽民$$在^北京$会见克林顿^$",                  # the padding characters inside the text
    "欧阳中石和司马光在广西壮族自治区崇左市江州区委员会。",   # lexicon, double surnames, suffix words
    "邓小平同志治丧委员会办公室、北京大学研究生院和中国人民银行",
    "江泽民李鹏乔石李瑞环朱镕基会见了他们",                # a run of names (begins marginals)
    "\t\u3000 江 泽 民 \n在 北京",
])
def test_edge_cases(fast, ref, text):
    assert_same(fast, ref, text)
    assert fast.spans(text, confidence=True) == ref.spans(text, confidence=True)


def test_chunks_longer_than_max_chunk(related_records):
    fast = CRFTagger(max_chunk=50, engine="numba")
    ref = CRFTagger(max_chunk=50, engine="crfsuite")
    # no sentence end at all: cut every 50 characters, which changes the result
    body = "".join(r["content"] for r in related_records[:3])
    no_end = body.replace("。", "，").replace("！", "，").replace("？", "，").replace("；", "，").replace("\n", "")
    assert len(no_end) > 500
    assert_same(fast, ref, no_end)
    # the cuts matter: tagging in one piece labels some characters otherwise
    whole = CRFTagger(max_chunk=100000, engine="numba").tag(no_end)
    assert whole != fast.tag(no_end)
    assert whole == CRFTagger(max_chunk=100000, engine="crfsuite").tag(no_end)
    # with sentence ends: cut after the last one before 50 characters
    assert_same(fast, ref, body[:2000])
    long_fast = CRFTagger(max_chunk=1000, engine="numba")
    assert_same(long_fast, CRFTagger(max_chunk=1000, engine="crfsuite"), body)


def test_lone_surrogate_does_not_crash(fast):
    labels = fast.tag("江泽民\ud800在北京")
    assert len(labels) == 7 and labels[5:7] == ["B-LOC", "I-LOC"]


def test_ngram_templates_are_char_features():
    text = normalise("^江泽民在广西1998会见欧阳中石$")
    feats = char_features(text)
    padded = "^^" + text + "$$"
    for i, f in enumerate(feats):
        want = [name + "=" + "".join(padded[i + 2 + o] for o in offs) for name, offs in NGRAM_TEMPLATES]
        assert f[:len(NGRAM_TEMPLATES)] == want


def test_read_model_matches_pycrfsuite_info(ref):
    from analysis.config import data_path
    labels, attrs, state, trans = fastcrf.read_model(data_path("ner", "pd1998_crf.model"))
    info = ref._tagger.info() if ref._tagger is not None else None
    assert info is not None
    assert labels == sorted(info.labels, key=lambda k: int(info.labels[k]))
    assert {a: str(i) for i, a in enumerate(attrs)} == info.attributes
    got = {(attrs[s], labels[d]): w for s, d, w in zip(state["src"], state["dst"], state["w"])}
    assert got.keys() == info.state_features.keys()
    # info() prints six decimals; the file holds float64
    assert max(abs(got[k] - w) for k, w in info.state_features.items()) <= 5.1e-7
    assert max(abs(trans[labels.index(a), labels.index(b)] - w) for (a, b), w in info.transitions.items()) <= 5.1e-7


def _train(tmp_path, extra_attr: str | None = None):
    """A tiny model trained by pycrfsuite with the project's features (+ an unknown attribute)."""
    import pycrfsuite
    lex = get_lexicon()
    data = [("江泽民在北京会见克林顿。", "B-PER I-PER I-PER O B-LOC I-LOC O O B-PER I-PER I-PER O"),
            ("新华社记者李鹏报道。", "B-ORG I-ORG I-ORG O O B-PER I-PER O O O"),
            ("广西崇左市江州区委员会召开会议。", "B-LOC I-LOC I-LOC I-LOC I-LOC B-ORG I-ORG I-ORG I-ORG I-ORG "
             "I-ORG O O O O O")]
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, labs in data:
        feats = char_features(normalise(text), lex)
        if extra_attr:
            feats = [f + [extra_attr] for f in feats]
        trainer.append(feats, labs.split())
    trainer.set_params({"max_iterations": 30, "c2": 0.01})
    path = tmp_path / "tiny.model"
    trainer.train(str(path))
    return path


def test_any_model_with_the_same_features(tmp_path):
    path = _train(tmp_path)
    fast = CRFTagger(path, engine="numba")
    ref = CRFTagger(path, engine="crfsuite")
    for text in ("江泽民在北京会见克林顿。", "李鹏在广西崇左市考察，新华社记者报道", "未见过的字𠀀😀"):
        assert_same(fast, ref, text)
    assert fast.tag("江泽民在北京会见克林顿。")[:3] == ["B-PER", "I-PER", "I-PER"]


def test_unknown_features_fall_back_to_crfsuite(tmp_path, caplog):
    path = _train(tmp_path, extra_attr="zz=1")
    with pytest.raises(fastcrf.UnsupportedModel, match="zz=1"):
        fastcrf.CompiledCRF.from_file(path, get_lexicon())
    with pytest.raises(Exception, match="numba"):
        CRFTagger(path, engine="numba")
    from analysis.ner import crf
    crf._FALLBACK_WARNED.clear()
    with caplog.at_level(logging.WARNING, logger="analysis.ner.crf"):
        tagger = CRFTagger(path)
    assert tagger.engine == "crfsuite"
    assert "pycrfsuite" in caplog.text
    assert len(tagger.tag("江泽民在北京")) == 6


def test_pickles_with_its_engine(fast):
    for engine in ("numba", "crfsuite"):
        t = pickle.loads(pickle.dumps(CRFTagger(engine=engine, max_chunk=77)))
        assert t.engine == engine and t.max_chunk == 77
    assert pickle.loads(pickle.dumps(fast)).tag("江泽民在北京") == fast.tag("江泽民在北京")


def test_numba_cache_dir_follows_analysis_cache_dir(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ANALYSIS_CACHE_DIR"] = str(tmp_path / "cache")
    code = ("import os, numba; from analysis.ner import fastcrf; "
            "print(os.environ['NUMBA_CACHE_DIR']); print(numba.config.CACHE_DIR)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == out[1] == str(tmp_path / "cache" / "numba")


def _bio_spans_reference(labels):
    """bio_spans as it was before it skipped the O labels (one test per label)."""
    spans = []
    start, kind = None, None
    for i, lab in enumerate(labels):
        if lab == "O" or lab.startswith("B-") or (lab.startswith("I-") and lab[2:] != kind):
            if start is not None:
                spans.append((start, i, kind))
                start, kind = None, None
            if lab != "O":
                start, kind = i, lab[2:]
    if start is not None:
        spans.append((start, len(labels), kind))
    return spans


def test_bio_spans_same_as_one_label_at_a_time(fast, related_records):
    from hypothesis import given, settings, strategies as st
    from analysis.ner.crf import bio_spans
    labels = fast.tag(related_records[0]["content"])
    assert bio_spans(labels) == _bio_spans_reference(labels) and bio_spans(labels)
    assert bio_spans(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG", "O"]) == \
        [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG", "X"]), max_size=30))
    def same(labs):
        assert bio_spans(labs) == _bio_spans_reference(labs)
    same()


def test_threads_tag_alike(fast, related_records):
    from concurrent.futures import ThreadPoolExecutor
    texts = [r["content"] for r in related_records[:40]]
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda t: fast.tag(t, marginals=True), texts))
    assert got == [fast.tag(t, marginals=True) for t in texts]


def test_without_numba_falls_back_with_one_warning(monkeypatch, caplog):
    from analysis.ner import crf
    monkeypatch.setattr(fastcrf, "HAVE_NUMBA", False)
    crf._FALLBACK_WARNED.clear()
    with caplog.at_level(logging.WARNING, logger="analysis.ner.crf"):
        first, second = CRFTagger(), CRFTagger()
    assert first.engine == second.engine == "crfsuite"
    assert caplog.text.count("numba is not installed") == 1
    assert first.tag("江泽民在北京会见克林顿。")[:3] == ["B-PER", "I-PER", "I-PER"]


def test_entity_spans_are_bio_spans_with_their_lowest_marginal(fast, ref, related_records):
    from analysis.ner.crf import bio_spans
    texts = [r["content"] for r in related_records[:40]] + ["江泽民在北京会见克林顿。", "", "。", "新华社记者"]
    n = 0
    for text in texts:
        labels, probs, begins = fast.tag(text, marginals=True)
        want = bio_spans(labels)
        spans, conf, p, b = fast.entity_spans(text)
        assert spans == want and p == probs and b == begins
        assert conf == [min(probs[s:e]) for s, e, _ in want]  # the same floats, bit for bit
        assert all(type(s) is int and type(k) is str for s, _, k in spans)
        rspans, rconf, _, _ = ref.entity_spans(text)  # pycrfsuite's path
        assert rspans == spans and max((abs(x - y) for x, y in zip(rconf, conf)), default=0.0) <= TOL
        n += len(spans)
    assert n > 300
    assert fast.entity_spans("江泽民在北京会见克林顿。")[0] == [(0, 3, "PER"), (4, 6, "LOC"), (8, 11, "PER")]


def test_compiled_bio_spans_handle_stray_inside_labels(fast):
    """A stray I- (after O, or of another type) starts a span, as ``bio_spans`` says."""
    import numpy as np
    from analysis.ner.crf import bio_spans
    m = fast._fast
    seqs = [["O", "I-PER", "I-PER", "O"], ["B-PER", "I-LOC", "I-LOC"], ["I-ORG", "B-ORG", "I-ORG", "O", "I-ORG"],
            ["B-LOC", "B-LOC", "O", "O", "B-PER"], ["O", "O"], ["I-PER"]]
    for seq in seqs:
        ids = np.array([m.labels.index(x) for x in seq], dtype=np.int64)
        probs = np.linspace(0.9, 0.5, len(seq))
        spans, conf = fastcrf._bio_spans(ids, probs, m.kind_of, m.is_begin)
        got = [(s, e, m.kinds[k]) for s, e, k in spans.tolist()]
        assert got == bio_spans(seq), seq
        assert conf.tolist() == [min(probs[s:e].tolist()) for s, e, _ in got]


def test_entity_spans_follow_an_overridden_tag(fast, monkeypatch):
    """A subclass or a patched ``tag`` (tests lower the marginals) decides the spans."""
    text = "江泽民在北京会见克林顿。"
    tag = CRFTagger.tag

    def unsure(self, t, marginals=False):
        labels, probs, begins = tag(self, t, marginals=True)
        labels = ["O" if lab.endswith("LOC") else lab for lab in labels]
        probs = [min(p, 0.5) for p in probs]
        return (labels, probs, begins) if marginals else labels
    assert fast.entity_spans(text)[0] == [(0, 3, "PER"), (4, 6, "LOC"), (8, 11, "PER")]
    monkeypatch.setattr(CRFTagger, "tag", unsure)
    spans, conf, probs, _ = fast.entity_spans(text)
    assert spans == [(0, 3, "PER"), (8, 11, "PER")] and max(conf) <= 0.5 and max(probs) <= 0.5
    monkeypatch.undo()

    class Sure(CRFTagger):
        def tag(self, t, marginals=False):
            labels, probs, begins = super().tag(t, marginals=True)
            return (labels, [1.0] * len(probs), begins) if marginals else labels
    assert Sure(engine="numba").entity_spans(text)[1] == [1.0, 1.0, 1.0]
