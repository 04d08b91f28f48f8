"""The annotations payload encoding (store.pack / store.unpack): msgpack + LZ4 for
plain payloads, zlib JSON otherwise and for blobs written by earlier versions;
either way a payload decodes to what a JSON round trip gives."""
from __future__ import annotations

import json
import zlib

import pytest

from analysis import Document
from analysis.parallel import AnnotateSpec, annotate, annotate_document
from analysis.store import _plain, pack, unpack


def _json_round_trip(obj):
    return json.loads(json.dumps(obj, ensure_ascii=False))


def _old_pack(obj) -> bytes:
    """What store.pack wrote before the msgpack format (zlib level 3 over compact JSON)."""
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(), 3)


@pytest.fixture(scope="module")
def payloads(seed_text, related_records):
    """The three stage payloads of the seed and 12 shipped related reports."""
    spec = AnnotateSpec.from_config()
    texts = [seed_text] + [r["content"] for r in related_records[:12]]
    return [annotate_document(f"d{i}", t, spec) for i, t in enumerate(texts)]


def test_stage_payloads_are_plain_and_decode_identically(payloads):
    seed = payloads[0]
    # what the payloads hold, read in the seed: 江小爱 a token, 158支 a figure, 何成 a person
    assert "江小爱" in seed["tokens"]["w"]
    assert any(f["value"] == 158 and f["unit"] == "支" for f in seed["figures"])
    assert any(e["name"] == "何成" for e in seed["entities"])
    for out in payloads:
        for kind, payload in out.items():
            # annotate packs stage payloads with plain=True: the check must hold on real ones
            assert _plain(payload), kind
            blob = pack(payload)
            assert blob[:2] == b"m4", kind
            back = unpack(blob)
            assert back == _json_round_trip(payload), kind
            assert back == unpack(_old_pack(payload)), kind
            assert unpack(pack(payload, True)) == back
            # same key order as JSON gives (frames and --format jsonl print in this order)
            if isinstance(back, list) and back:
                assert list(back[0]) == list(_json_round_trip(payload)[0])


def test_old_zlib_json_blobs_still_decode(payloads):
    tokens = payloads[0]["tokens"]
    assert unpack(_old_pack(tokens)) == _json_round_trip(tokens)
    assert unpack(_old_pack([])) == []


@pytest.mark.parametrize("obj", [
    {1: "a", "b": 2},                       # JSON makes the key "1"
    [{"x": 1}, {True: None}],               # nested non-string key ("true")
    {"big": 2 ** 70},                       # beyond msgpack's 64-bit integers
    {"t": (1, 2), "n": None, "f": -0.5},    # tuples become lists in both formats
    "志愿者", 3, None, [],
    {"deep": [[{"k": [1, "二", 3.25, False]}]]},
])
def test_any_json_able_payload_gives_what_json_gives(obj):
    assert unpack(pack(obj)) == _json_round_trip(obj)
    assert type(unpack(pack(obj))) is type(_json_round_trip(obj))


def test_non_plain_payloads_take_the_json_path():
    assert pack({1: "a"})[:1] == b"\x78"  # a zlib stream
    assert pack({"big": 2 ** 70})[:1] == b"\x78"
    assert not _plain({"k": {2: 1}})
    assert not _plain([b"bytes"])
    assert _plain({"w": ["江州区"], "s": [0], "p": None, "sent": [[0, 3]]})


def test_what_json_refused_is_still_refused():
    with pytest.raises(TypeError):
        pack({"s": {1, 2}})
    with pytest.raises(TypeError):
        pack([object()])


def test_annotate_writes_the_new_format_and_reads_it_back(tmp_path, seed_text, payloads):
    from analysis import Corpus
    c = Corpus.open(tmp_path / "c.sqlite")
    c.store.add_documents([Document(title="江小爱", body=seed_text)])
    rep = annotate(c, workers=1)
    did = c.store.doc_ids()[0]
    blobs = dict(c.store.conn.execute("SELECT kind, data FROM annotations WHERE doc_id=?", (did,)).fetchall())
    assert set(blobs) == {"tokens", "figures", "entities"}
    assert all(b[:2] == b"m4" for b in blobs.values())
    for kind in blobs:
        got = c.store.get_annotations(kind, rep.hashes[kind], [did])[did]
        assert got == _json_round_trip(annotate_document(did, seed_text, AnnotateSpec.from_corpus(c))[kind])
    # a store holding blobs of the old format next to new ones reads both
    c.store.put_annotations("dates", "old", [])
    with c.store.transaction() as conn:
        conn.execute("INSERT INTO annotations VALUES (?,?,?,?)", ("dates", "old", did, _old_pack([{"v": 1}])))
    assert c.store.get_annotations("dates", "old") == {did: [{"v": 1}]}
