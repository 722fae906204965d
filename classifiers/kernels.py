"""The compiled kernels (``classifiers/_kernels.pyx``) when they can be used, else ``None``.

They read spaCy's token structs, so they run only under the spaCy release they were
compiled against; otherwise, or when the package was installed without a compiler, or
with ``MQ_NO_KERNELS=1`` set (to compare or debug), the numpy code paths run. Both
give the same results (``tests/classifiers/test_kernels.py``).

In a working tree the ``.pyx`` sits beside the built module, and a rebuild that failed
(``pip install -e .`` prints the compiler's error and carries on) leaves the previous
build in place: the module records the hash of the source it was built from, and one
built from other source is refused, so an edit is never tested against old code.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from types import ModuleType

import spacy

log = logging.getLogger(__name__)


def load_kernels() -> ModuleType | None:
    if os.environ.get("MQ_NO_KERNELS"):
        return None
    try:
        from classifiers import _kernels
    except ImportError:
        log.info("compiled kernels not built: using the numpy code paths")
        return None
    if _kernels.BUILT_FOR_SPACY != spacy.about.__version__:
        log.warning(
            "compiled kernels were built for spaCy %s but %s is installed: using the numpy code paths "
            "(reinstall mqtriage to rebuild them)", _kernels.BUILT_FOR_SPACY, spacy.about.__version__,
        )
        return None
    if built_from_other_source(_kernels, Path(__file__).with_name("_kernels.pyx")):
        log.warning("compiled kernels were built from another classifiers/_kernels.pyx than the one beside them: "
                    "using the numpy code paths (rebuild with `pip install -e .` and read its output)")
        return None
    return _kernels


def built_from_other_source(module: ModuleType, source: Path) -> bool:
    """Whether ``module`` was compiled from other source than ``source``. An installed
    package ships no ``.pyx``, and then there is nothing to compare."""
    if not source.exists():
        return False
    return getattr(module, "BUILT_FROM_SOURCE", None) != hashlib.sha256(source.read_bytes()).hexdigest()


KERNELS = load_kernels()
