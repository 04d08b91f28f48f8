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
