"""analysis: Chinese news text analysis for researchers.

The public API, re-exported here::

    from analysis import Corpus, Segmenter, figures, entities, keywords

Stages are modules (``ingest``, ``store``, ``segment``, ``figures``,
``entities``, ``keywords``, ``topics``, ``plots``, ``report``,
``parallel``); each returns tidy pandas DataFrames with documented columns.
"""
from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from .config import load_config  # noqa: E402
from .corpus import Corpus  # noqa: E402
from .document import Document  # noqa: E402
from .errors import AnalysisError  # noqa: E402

__all__ = ["Corpus", "Document", "AnalysisError", "load_config", "__version__"]


def __getattr__(name: str):
    """Lazy re-exports, so ``import analysis`` stays fast (jieba loads on use)."""
    lazy = {
        "Segmenter": ("segment", "Segmenter"),
        "SegmentOptions": ("segment", "SegmentOptions"),
        "figures": ("figures", "figures"),
        "entities": ("entities", "entities"),
        "keywords": ("keywords", "keywords"),
        "TopicModel": ("topics", "TopicModel"),
        "ingest": ("ingest", "ingest"),
    }
    if name in lazy:
        import importlib
        mod, attr = lazy[name]
        return getattr(importlib.import_module(f".{mod}", __name__), attr)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
