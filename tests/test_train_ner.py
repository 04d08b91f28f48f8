"""scripts/train_ner.py: how People's Daily's word/POS tags become BIO labels
(hand-written token lists in PKU's format), and a tiny training run."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import train_ner  # noqa: E402

from analysis.ner.crf import bio_spans, load_surnames  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def surnames():
    train_ner.SURNAMES.update(load_surnames())


def toks(s: str) -> list[tuple[str, str]]:
    return [tuple(t.rsplit("/", 1)) for t in s.split()]


def test_name_list_without_separators_is_one_person_per_name():
    t = toks("出席/v 的/u 有/v 江/nr 泽民/nr 李/nr 鹏/nr 乔/nr 石/nr 和/c 陈/nr 方/nr 安生/nr 。/w")
    assert train_ner.name_starts(t) == {3, 5, 7}
    types = train_ner.relabel(t)
    assert types[3:9] == ["PER", "_PER", "PER", "_PER", "PER", "_PER"]
    assert types[10:13] == ["PER", "_PER", "_PER"]  # 陈方安生: three words, one person


def test_sentences_labels_and_holdout(tmp_path):
    corpus = tmp_path / "pd.txt"
    lines = ["江/nr 泽民/nr 在/p 北京/ns 会见/v 克林顿/nr 。/w"] * 9 + ["新华社/nt 记者/n 李/nr 鹏/nr 报道/v 。/w"]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    train = list(train_ner.sentences(corpus, 10, "train"))
    dev = list(train_ner.sentences(corpus, 10, "dev"))
    assert len(train) == 9 and len(dev) == 1
    chars, labels = dev[0]
    assert chars == "新华社记者李鹏报道。"
    assert bio_spans(labels) == [(0, 3, "ORG"), (5, 7, "PER")]
    chars, labels = train[0]
    assert bio_spans(labels) == [(0, 3, "PER"), (4, 6, "LOC"), (8, 11, "PER")]


def test_tiny_training_run_writes_model_and_origin(tmp_path):
    from conftest import shared_file
    src = shared_file("eval", "ner", "peoples_daily_1998", "199801_pos_tagged.txt")
    with open(src, encoding="utf-8") as fh:
        head = [next(fh) for _ in range(150)]
    corpus = tmp_path / "pd_slice.txt"
    corpus.write_text("".join(head), encoding="utf-8")
    out = tmp_path / "m.model"
    rc = train_ner.main(["--corpus", str(corpus), "--out", str(out), "--limit", "200",
                         "--max-iterations", "2", "--holdout", "10"])
    assert rc == 0 and out.exists()
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    from analysis.ner.crf import FEATURES_VERSION
    assert meta["features"] == FEATURES_VERSION and meta["sentences"] == 200
    assert set(meta["heldout"]) == {"PER", "LOC", "ORG"}
    assert "--holdout 10" in meta["command"]
