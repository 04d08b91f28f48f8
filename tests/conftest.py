"""Shared fixtures: real data paths, a fresh temporary store, the CLI runner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared" / "data").resolve()
TESTDATA = ROOT / "tests" / "data"
SEED = ROOT / "corpus" / "seed" / "000_6821ed831be0e517.txt"
RELATED = ROOT / "corpus" / "related" / "volunteer_partybuilding_subset.jsonl"


def shared_file(*parts: str) -> Path:
    """A file under ../shared/data; skips (with the reason) only when the
    shared folder is absent, as on a user's fresh clone."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{'/'.join(parts)} (not in a plain clone)")
    return path


def digest_texts_by_id(ids) -> dict[str, str]:
    """The 'content' of the digest reports with these ids (gold_sets.digest_texts_by_id);
    skips without the shared folder."""
    from gold_sets import digest_texts_by_id as read
    return read(ids, shared_file("xwlb", "xwlb_articles.jsonl.gz"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def related_records() -> list[dict]:
    with open(RELATED, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture
def store_path(tmp_path) -> Path:
    """Path of a fresh corpus store in a temporary folder (not yet created)."""
    return tmp_path / "corpus.sqlite"


@pytest.fixture
def corpus(store_path):
    from analysis import Corpus
    c = Corpus.open(store_path)
    yield c
    c.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli():
    from analysis.cli import cli as group
    return group


@pytest.fixture(scope="session")
def shipped_store(tmp_path_factory) -> Path:
    """A store holding the shipped corpus (seed + related reports), shared by the
    report and notebook tests so stage results are computed (and cached) once.
    Tests may add cached results to it, never documents."""
    from analysis import Corpus
    path = tmp_path_factory.mktemp("shipped") / "corpus.sqlite"
    with Corpus.open(path) as c:
        c.ingest([str(SEED.parent), str(RELATED.parent)], progress=False)
    return path
