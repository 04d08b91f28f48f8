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


def test_brand_before_company_word_is_one_organisation():
    t = toks("桂光/nz 集团/n 有限公司/n 成立/v ，/w 京华/nz 银行/n 和/c ＩＢＭ/nx 公司/n 总裁/n 。/w")
    types = train_ner.relabel(t)
    assert types[0:4] == ["ORG", "_ORG", "_ORG", None]
    assert types[5:7] == ["ORG", "_ORG"]
    assert types[8:11] == ["ORG", "_ORG", None]


def test_brand_starts_no_other_organisation():
    # 马克思主义/nz 政党/n ends in 党 but is a kind of party, not a named one
    assert train_ner.relabel(toks("马克思主义/nz 政党/n 。/w")) == [None, None, None]
    # compounds rebuilt from a place still work
    assert train_ner.relabel(toks("中国/ns 共产党/n 中央/n 委员会/n 。/w")) == ["ORG", "_ORG", "_ORG", "_ORG", None]


def test_org_suffix_word_features():
    from analysis.ner.crf import char_features, normalise
    text = "中国共产党中央委员会和北京大学联合会"
    feats = char_features(normalise(text))
    assert "osw=委员会" in feats[9] and "oswE" in feats[9]   # the longest suffix word ending at 会
    assert "osw=联合会" in feats[17]
    assert not any(f.startswith("osw=") for f in feats[10])  # 和 ends no suffix word
    assert "sd=1" in feats[8] and "sd=2" in feats[7]          # 委员会 ends one / two characters ahead
    assert "sd=9" in feats[0]                                 # long names are seen from their start


def test_ranks_and_forces_are_no_organisations_named_bodies_are():
    # 冠军 ends in 军, 部署 in 署: a rank and an action, not bodies
    assert train_ner.relabel(toks("全国/n 冠军/n 。/w")) == [None, None, None]
    assert train_ner.relabel(toks("世界/n 冠军/n 。/w")) == [None, None, None]
    assert train_ner.relabel(toks("人民/n 军队/n 。/w")) == [None, None, None]
    # 世界/国际/人民 start a body only with a body word at the end
    assert train_ner.relabel(toks("世界/n 卫生/an 组织/n 说/v")) == ["ORG", "_ORG", "_ORG", None]
    assert train_ner.relabel(toks("国际/n 货币/n 基金/n 组织/n")) == ["ORG", "_ORG", "_ORG", "_ORG"]
    assert train_ner.relabel(toks("由/p 人民/n 检察院/n 起诉/v")) == [None, "ORG", "_ORG", None]
    # named bodies PKU tags n or j
    assert train_ner.relabel(toks("解放军/n 总政治部/n 、/w 省人大/j")) == ["ORG", "_ORG", None, "ORG"]
    assert train_ner.relabel(toks("中国/ns 政府/n")) == ["LOC", None]  # MSRA: 中国政府 is no organisation


def test_session_number_inside_a_name_keeps_one_organisation():
    # MSRA: 中国共产党第十五次全国代表大会 and 政协第八届全国委员会 are one organisation each
    t = toks("中国/ns 共产党/n 第十五/m 次/q 全国/n 代表大会/n 胜利/vd 召开/v")
    assert train_ner.relabel(t) == ["ORG", "_ORG", "_ORG", "_ORG", "_ORG", "_ORG", None, None]
    t = toks("政协/j 第八/m 届/q 全国/n 委员会/n 第五/m 次/q 会议/n")
    assert train_ner.relabel(t) == ["ORG", "_ORG", "_ORG", "_ORG", "_ORG", None, None, None]
    # a session number alone before a meeting is no organisation
    assert train_ner.relabel(toks("三/m 次/q 会议/n")) == [None, None, None]


def test_court_words_tagged_l_and_office_words_that_hold_their_body():
    assert train_ner.relabel(toks("最高/a 人民法院/l 院长/n")) == ["ORG", "_ORG", None]
    assert train_ner.relabel(toks("由/p 天津市/ns 高级/a 人民法院/l 审理/v")) == [None, "ORG", "_ORG", "_ORG", None]
    # 外交部长/n: the first three characters are the ministry (MSRA: 外交部/nt 长钱其琛)
    t = toks("兼/v 外交部长/n 钱/nr 其琛/nr")
    assert train_ner.relabel(t)[1] == "ORG:3"
    chars, labels = next(iter(_sentences_of(["兼/v 外交部长/n 钱/nr 其琛/nr 。/w"])))
    assert bio_spans(labels) == [(1, 4, "ORG"), (5, 8, "PER")]
    # with a country in front it is one organisation: 美国国防部
    chars, labels = next(iter(_sentences_of(["美国/ns 国防部长/n 科恩/nr 。/w"])))
    assert bio_spans(labels) == [(0, 5, "ORG"), (6, 8, "PER")]
    assert train_ner.relabel(toks("副/b 部长/n")) == [None, None]


def test_named_bodies_msra_tags_on_their_own():
    assert train_ner.relabel(toks("东盟/ns 国家/n"))[0] == "ORG"           # PKU ns, MSRA nt
    assert train_ner.relabel(toks("委员会/n 主任/n"))[0] == "ORG"          # the committee of the text
    assert train_ner.relabel(toks("县委/n 书记/n"))[0] == "ORG"
    assert train_ner.relabel(toks("工党/n 领袖/n"))[0] == "ORG"            # a party named X党
    assert train_ner.relabel(toks("全党/n 同志/n")) == [None, None]         # the whole party is no name
    assert train_ner.relabel(toks("外经贸部/j 部长/n")) == ["ORG", None]   # PKU abbreviations of bodies
    assert train_ner.relabel(toks("奥运会/j 上/f")) == [None, None]        # ... not of games
    assert train_ner.relabel(toks("民革/j 中央/n 主席/n")) == ["ORG", "_ORG", None]
    assert train_ner.relabel(toks("希望/v 人民/n 政协/j 继续/v")) == [None, "ORG", "_ORG", None]
    assert train_ner.relabel(toks("参与/v 亚/j 太/j 经合/j 组织/n")) == [None, "ORG", "_ORG", "_ORG", "_ORG"]
    assert train_ner.relabel(toks("老挝/ns —/w 中国/ns 友好/a 协会/n")) == ["ORG", "_ORG", "_ORG", "_ORG", "_ORG"]
    assert train_ner.relabel(toks("东亚/ns 政局/n")) == ["LOC", None]     # a situation, no body


def _sentences_of(lines):
    """(chars, labels) of hand-written PKU lines, through a temporary corpus file."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "pd.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return list(train_ner.sentences(path))


def test_name_augmentation_replaces_people_and_moves_labels(tmp_path):
    corpus = tmp_path / "pd.txt"
    corpus.write_text("\n".join([
        "江/nr 泽民/nr 在/p 北京/ns 会见/v 克林顿/nr 。/w",
        "李/nr 鹏/nr 和/c 王/nr 建华/nr 出席/v 邓小平理论/n 研讨会/n 。/w",
        "叶利钦/nr 表示/v 欢迎/v 。/w",
    ]) + "\n", encoding="utf-8")
    surnames = {"江": 5, "李": 9, "王": 9}
    train_ner.SURNAMES.update(surnames)
    sampler = train_ner.NameSampler(corpus, surnames, seed=1)
    assert {"江", "李", "王"} >= set(sampler.surnames)
    chars, labels = next(train_ner.sentences(corpus))
    assert chars == "江泽民在北京会见克林顿。"
    new, new_labels = train_ner.augment_names(chars, labels, sampler)
    assert len(new) == len(new_labels) and new != chars
    spans = bio_spans(new_labels)
    # people stay people (new names), the place stays where the text around it says
    assert [k for _, _, k in spans] == ["PER", "LOC", "PER"]
    per = [new[s:e] for s, e, k in spans if k == "PER"]
    assert per[0][0] in surnames and 2 <= len(per[0]) <= 3
    assert new[spans[1][0]:spans[1][1]] == "北京" and new.endswith("。")
    assert all(c in sampler.foreign_chars for c in per[1])
    # a sentence without people gives nothing
    assert train_ner.augment_names("在北京。", ["O", "B-LOC", "I-LOC", "O"], sampler) is None
    # the same seed gives the same names
    again = train_ner.NameSampler(corpus, surnames, seed=1)
    assert train_ner.augment_names(chars, labels, again)[0] == new


def test_place_augmentation_swaps_divisions_of_the_same_level(tmp_path):
    from analysis.ner.gazetteer import get_gazetteer
    corpus = tmp_path / "pd.txt"
    corpus.write_text("王/nr 建华/nr 在/p 广东省/ns 考察/v 。/w\n", encoding="utf-8")
    train_ner.SURNAMES.update({"王": 9})
    sampler = train_ner.NameSampler(corpus, {"王": 9}, seed=3)
    sampler.use_places()
    gaz = get_gazetteer()
    chars, labels = "在广东省和深圳市委考察。", ["O", "B-LOC", "I-LOC", "I-LOC", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG",
                                              "O", "O", "O"]
    new, new_labels = train_ner.augment_names(chars, labels, sampler)
    spans = bio_spans(new_labels)
    assert [k for _, _, k in spans] == ["LOC", "ORG"]
    place, body = (new[s:e] for s, e, _ in spans)
    assert gaz.names[place][0].level == "province"
    assert body.endswith("委") and gaz.names[body[:-1]][0].level == "city"


def test_whole_given_names_come_from_the_corpus(tmp_path):
    corpus = tmp_path / "pd.txt"
    corpus.write_text("江/nr 泽民/nr 和/c 李/nr 鹏/nr 会见/v 王/nr 建华/nr 。/w\n", encoding="utf-8")
    sampler = train_ner.NameSampler(corpus, {"江": 5, "李": 9, "王": 9}, power=1.0, seed=2)
    sampler.whole_given = True
    names = {sampler.name() for _ in range(50)}
    assert all(n[0] in "江李王" and n[1:] in {"泽民", "鹏", "建华"} for n in names) and len(names) > 3
