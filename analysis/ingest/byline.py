"""Bylines: find ``(通讯员苏晓霞光明日报全媒体记者周仕兴)`` and parse it into people.

A byline is a run of ``[affiliation] role name[、name]`` groups. The
affiliation (a publisher such as 光明日报, 新华社) precedes the role it
applies to; names follow the role. Names are split on 、 , spaces, or —
when written together with the next affiliation — as a surname plus one or
two characters.
"""
from __future__ import annotations

import re
from typing import Any

ROLES = ["全媒体记者", "融媒体记者", "见习记者", "特约记者", "首席记者", "实习记者", "本报记者", "本台记者",
         "总台记者", "央视记者", "记者", "通讯员", "特约通讯员", "实习生", "责任编辑", "编辑", "摄影",
         "摄像", "作者", "撰稿", "撰文", "制图", "校对"]
_ROLE_RE = re.compile("|".join(sorted(map(re.escape, ROLES), key=len, reverse=True)))
_ORG_SUFFIX = re.compile(r"(?:日报|晚报|早报|商报|时报|青年报|法治报|报社|新闻社|通讯社|电视台|广播电台|"
                         r"广播电视台|融媒体中心|客户端|新闻网|网|报|社|台)$")
_KNOWN_ORGS = ["光明日报", "人民日报", "经济日报", "新华社", "中国青年报", "中国日报", "工人日报", "农民日报",
               "法治日报", "科技日报", "解放军报", "中央广播电视总台", "央视网", "人民网", "新华网",
               "中新社", "中国新闻社", "澎湃新闻", "新京报", "广西日报", "南方日报"]
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒",
                      "夏侯", "长孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "申屠")
_NAME_SEP = re.compile(r"[、,，;；/\s]+")
_HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
# a trailing parenthesised byline with at least one role word
_TRAILING = re.compile(r"[（(]([^（）()\n]{2,80})[)）]\s*$")


def find_byline(body: str) -> str | None:
    """The byline at the end of the last paragraph, as written (without brackets).

    Example:
        >>> find_byline("……不断提升。(通讯员苏晓霞光明日报全媒体记者周仕兴)")
        '通讯员苏晓霞光明日报全媒体记者周仕兴'
    """
    last = body.rstrip().rsplit("\n", 1)[-1]
    m = _TRAILING.search(last)
    if m and _ROLE_RE.search(m.group(1)):
        return m.group(1).strip()
    return None


def _split_names(chunk: str) -> list[str]:
    names = []
    for part in _NAME_SEP.split(chunk):
        part = part.strip()
        if not part or not _HAN.match(part):
            continue
        if len(part) == 6 and "·" not in part:  # two three-character names written together
            names += [part[:3], part[3:]]
        else:
            names.append(part)
    return names


def _split_name_org(seg: str) -> tuple[str, str | None]:
    """Split ``苏晓霞光明日报`` into the name(s) and the affiliation that follows them."""
    for org in sorted(_KNOWN_ORGS, key=len, reverse=True):
        if seg.endswith(org) and len(seg) > len(org):
            return seg[: -len(org)], org
    if _ORG_SUFFIX.search(seg) and not _NAME_SEP.search(seg):
        n = 3 + (1 if seg.startswith(_COMPOUND_SURNAMES) else 0)
        if len(seg) >= n + 2:
            return seg[:n], seg[n:]
    return seg, None


def parse_byline(byline: str) -> list[dict[str, Any]]:
    """People of a byline: ``[{"name", "role", "affiliation"}]``.

    Example:
        >>> parse_byline("通讯员苏晓霞光明日报全媒体记者周仕兴")  # doctest: +NORMALIZE_WHITESPACE
        [{'name': '苏晓霞', 'role': '通讯员', 'affiliation': None},
         {'name': '周仕兴', 'role': '全媒体记者', 'affiliation': '光明日报'}]
        >>> [p["name"] for p in parse_byline("记者 张三 李四")]
        ['张三', '李四']
    """
    text = byline.strip()
    roles = list(_ROLE_RE.finditer(text))
    if not roles:
        return []
    people: list[dict[str, Any]] = []
    affiliation = text[: roles[0].start()].strip(" :：") or None
    for i, m in enumerate(roles):
        end = roles[i + 1].start() if i + 1 < len(roles) else len(text)
        seg = text[m.end():end].strip(" :：")
        next_aff = None
        if i + 1 < len(roles):
            seg, next_aff = _split_name_org(seg)
        role = m.group(0)
        for name in _split_names(seg):
            if 2 <= len(name) <= 5 or "·" in name:
                people.append({"name": name, "role": role, "affiliation": affiliation})
        affiliation = next_aff
    return people
