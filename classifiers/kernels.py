"""The compiled kernels (``classifiers/_kernels.pyx``) when they can be used, else ``None``.

They read spaCy's token structs, so they run only under the spaCy release they were
compiled against; otherwise, or when the package was installed without a compiler, or
with ``MQ_NO_KERNELS=1`` set (to compare or debug), the numpy code paths run. Both
give the same results (``tests/classifiers/test_kernels.py``).
"""

from __future__ import annotations

import logging
import os
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
    return _kernels


KERNELS = load_kernels()
