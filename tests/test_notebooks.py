"""The notebooks: stored without outputs, parameterised, and they run.

Each notebook is executed headless with papermill (the project's kernel
``analysis`` when installed, else this environment's ``python3``) against the
shipped corpus ingested into a temporary store; any cell error fails the test.
"""
from __future__ import annotations

import io
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = ["01_corpus.ipynb", "02_keywords.ipynb", "03_topics.ipynb", "04_figures_entities.ipynb",
             "report.ipynb"]
NB_DIR = ROOT / "notebooks"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_clean_and_parameterised(name):
    nb = nbformat.read(str(NB_DIR / name), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    # nbstripout-style: no outputs, no execution counts
    assert all(c.outputs == [] and c.execution_count is None for c in code), f"{name} has stored outputs"
    # the first cell is papermill's parameters cell, with the corpus path
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    assert "corpus_path" in first.source
    assert nb.metadata["kernelspec"]["name"] == "analysis"
    # no analysis logic: the notebooks import the package, they do not segment text themselves
    text = "\n".join(c.source for c in code)
    assert "import jieba" not in text and "jieba." not in text
    assert "from analysis" in text


@pytest.fixture(scope="module")
def store(shipped_store):
    """The shipped corpus (seed + related reports) in a store (see conftest)."""
    from analysis import Corpus
    with Corpus.open(shipped_store, readonly=True) as c:
        assert len(c) == 422
    return shipped_store


@pytest.fixture(scope="module")
def executed(store, tmp_path_factory):
    """Run every notebook once (module scope); returns {name: executed path}."""
    from analysis.report import execute_notebook
    out_dir = tmp_path_factory.mktemp("executed")
    extra = {
        "03_topics.ipynb": {"k_candidates": [4, 6]},
        "report.ipynb": {"query": "江小爱", "out": str(out_dir / "report.pdf")},
    }
    done = {}
    for name in NOTEBOOKS:
        params = {"corpus_path": str(store), **extra.get(name, {})}
        done[name] = execute_notebook(NB_DIR / name, out_dir / name, parameters=params, cwd=NB_DIR)
    return done


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.output_type != "error", f"{path.name}: {o.get('ename')}: {o.get('evalue')}"
            parts.append(o.get("text", ""))
            parts.extend(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors(executed, name):
    text = _outputs_text(executed[name])
    nb = nbformat.read(str(executed[name]), as_version=4)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())
    assert "422 documents" in text or name == "report.ipynb"


@pytest.mark.slow
def test_notebook_outputs_show_the_seed_results(executed):
    figs = _outputs_text(executed["04_figures_entities.ipynb"])
    for figure in ("158支", "2500多人", "46个"):
        assert figure in figs, figure
    kw = _outputs_text(executed["02_keywords.ipynb"])
    assert "江小爱" in kw
    nb = nbformat.read(str(executed["02_keywords.ipynb"]), as_version=4)
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 3  # keyness bars, two word clouds
    report = _outputs_text(executed["report.ipynb"])
    assert "report.pdf" in report
    topics = _outputs_text(executed["03_topics.ipynb"])
    assert "stability" in topics and "mean NPMI" in topics
    nb = nbformat.read(str(executed["03_topics.ipynb"]), as_version=4)
    runs = [o for c in nb.cells if c.source.strip() == "tm.stability_runs_" for o in c.outputs]
    assert runs and "similarity" in str(runs[0].get("data", {}).get("text/plain", ""))
    assert "志愿者" in figs and "volunteers" not in figs  # category labels from the lexicon
    assert "not in any category (not charted)" in figs


@pytest.mark.slow
def test_report_notebook_writes_the_pdf(executed):
    import pypdf
    pdf = Path(executed["report.ipynb"]).parent / "report.pdf"
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages).replace("\n", "")
    assert "广西崇左江州区" in text and "158" in text and "2500" in text


@pytest.mark.slow
def test_executed_notebook_to_pdf(executed, tmp_path, runner, cli):
    import pypdf
    out = tmp_path / "04.pdf"
    res = runner.invoke(cli, ["notebook-pdf", str(executed["04_figures_entities.ipynb"]), "--out", str(out)])
    assert res.exit_code == 0, res.output
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = "".join(p.extract_text() or "" for p in reader.pages).replace("\n", "")
    assert "数字与实体" in text and "158支" in text and "江州区" in text
    assert len(reader.pages) >= 2


@pytest.mark.slow
def test_notebook_pdf_execute_with_parameters(tmp_path, runner, cli):
    """``notebook-pdf --execute -p NAME=VALUE`` runs the notebook (papermill) first."""
    import pypdf
    from nbformat.v4 import new_code_cell, new_notebook
    params = new_code_cell('teams = 1\nname = "某地"')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, new_code_cell('print(f"{name}组建志愿服务队{teams}支，服务暖民心")')])
    nb.metadata["kernelspec"] = {"name": "analysis", "display_name": "analysis (Python 3)", "language": "python"}
    path = tmp_path / "param.ipynb"
    nbformat.write(nb, str(path))
    out = tmp_path / "param.pdf"
    res = runner.invoke(cli, ["notebook-pdf", str(path), "--execute", "-p", "teams=158", "-p", "name=江州区",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(out).pages)
    assert "江州区组建志愿服务队158支，服务暖民心" in text.replace("\n", "")
    # the stored notebook itself is left as it was (executed into a temporary copy)
    assert nbformat.read(str(path), as_version=4).cells[1].outputs == []


# -- opening the corpus from any working folder (issue 7 review, finding 1) ----------------
def _readme_papermill_command() -> list[str]:
    import re
    import shlex
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"`(\.venv/bin/papermill notebooks/\S+\.ipynb [^`]+)`", readme)
    assert m, "README no longer shows the papermill command"
    return shlex.split(m.group(1))


@pytest.mark.slow
def test_readme_papermill_command_runs_from_the_repo_root(tmp_path):
    """The README's command, run from the repository root as a user would
    (only the two output names point into a temporary folder)."""
    import subprocess
    from analysis import Corpus
    cmd = _readme_papermill_command()
    assert cmd[:2] == [".venv/bin/papermill", "notebooks/02_keywords.ipynb"] and "my.sqlite" in cmd
    out, store = tmp_path / "out.ipynb", tmp_path / "my.sqlite"
    cmd = [str(out) if a == "out.ipynb" else str(store) if a == "my.sqlite" else a for a in cmd]
    if not (ROOT / cmd[0]).exists():
        cmd[0] = str(Path(__import__("sys").executable).with_name("papermill"))
    if "analysis" in cmd and not _kernel_installed():
        cmd[cmd.index("analysis")] = "python3"
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    text = _outputs_text(out)
    assert "422 documents selected" in text and "江小爱" in text
    with Corpus.open(store, readonly=True) as c:
        assert len(c) == 422


def _kernel_installed() -> bool:
    from analysis.report.notebook import kernel_name
    return kernel_name() == "analysis"


def test_open_corpus_finds_the_shipped_corpus_from_another_folder(tmp_path, monkeypatch):
    from analysis.report import open_corpus
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANALYSIS_CORPUS", raising=False)
    with open_corpus("my.sqlite") as c:  # relative to the working folder, like papermill -p corpus_path
        assert Path(c.path).resolve() == (tmp_path / "my.sqlite").resolve()
        assert len(c) == 422
        assert c.select(query="江小爱")
    # a second open finds the store filled and ingests nothing more
    with open_corpus("my.sqlite", ingest_paths=["no/such/folder"]) as c:
        assert len(c) == 422


def test_open_corpus_fails_clearly_when_nothing_is_ingested(tmp_path, monkeypatch):
    from analysis.errors import InputError
    from analysis.report import open_corpus
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="no such file or folder"):
        open_corpus("a.sqlite", ingest_paths=["../corpus/nowhere"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="added no documents"):
        open_corpus("b.sqlite", ingest_paths=["empty"])


# -- ./dev keeps the kernel installed (issue 7 review, finding 6) ----------------------------
def _fake_venv(root: Path, fail: bool = False) -> Path:
    """A venv stand-in whose ``python`` logs its arguments and plays
    ``-m ipykernel install --sys-prefix`` (or fails like a missing ipykernel)."""
    import os
    import time
    venv = root / "venv"
    (venv / "bin").mkdir(parents=True)
    py = venv / "bin" / "python"
    py.write_text(f"""#!/bin/sh
echo "$@" >> "{venv}/calls.log"
if [ "$1 $2 $3" = "-m ipykernel install" ]; then
  {"echo 'No module named ipykernel' >&2; exit 1" if fail else ":"}
  mkdir -p "{venv}/share/jupyter/kernels/analysis" && echo '{{}}' > "{venv}/share/jupyter/kernels/analysis/kernel.json"
fi
""")
    py.chmod(0o755)
    installed = venv / ".installed"
    installed.write_text("")
    future = time.time() + 3600  # newer than pyproject.toml: no pip install
    os.utime(installed, (future, future))
    return venv


def _dev_setup(venv: Path):
    import os
    import subprocess
    return subprocess.run([str(ROOT / "dev"), "setup"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "ANALYSIS_VENV": str(venv)})


def test_dev_setup_installs_a_missing_kernel_on_every_run(tmp_path):
    venv = _fake_venv(tmp_path)
    res = _dev_setup(venv)
    assert res.returncode == 0, res.stderr
    assert (venv / "share/jupyter/kernels/analysis/kernel.json").is_file()
    assert "-m ipykernel install --sys-prefix --name analysis" in (venv / "calls.log").read_text()
    # present: the next run only checks the file, it runs nothing
    (venv / "calls.log").unlink()
    assert _dev_setup(venv).returncode == 0 and not (venv / "calls.log").exists()
    # removed (e.g. by jupyter kernelspec remove): the next run puts it back
    import shutil
    shutil.rmtree(venv / "share")
    assert _dev_setup(venv).returncode == 0
    assert (venv / "share/jupyter/kernels/analysis/kernel.json").is_file()


def test_dev_setup_fails_loudly_when_the_kernel_cannot_be_installed(tmp_path):
    venv = _fake_venv(tmp_path, fail=True)
    res = _dev_setup(venv)
    assert res.returncode != 0
    assert "kernel 'analysis' failed" in res.stderr and "No module named ipykernel" in res.stderr
