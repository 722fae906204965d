"""Builds the optional compiled kernels (``classifiers/_kernels.pyx``); everything else is in pyproject.toml.

The kernels read spaCy's token structs, so they are compiled against the spaCy release
in the build environment and record it; at run time they are used only under that
same release (``classifiers/kernels.py``), otherwise the numpy code paths run; they also
record the hash of the ``.pyx`` they were built from, so that a stale build in a working
tree is refused rather than silently used. A
machine without a C++ compiler (a Windows server without Build Tools, say) still
installs: the build says so and the package runs on its numpy paths.
"""

import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no headers: not fatal
            print(f"mqtriage: compiled kernels not built ({exc}); the numpy code paths will be used", file=sys.stderr)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"mqtriage: {ext.name} not built ({exc}); the numpy code paths will be used", file=sys.stderr)


def extensions() -> list:
    try:
        import numpy
        import spacy
        from Cython.Build import cythonize
    except ImportError:  # no build tools: the package still works, on its numpy paths
        return []
    version = spacy.about.__version__
    # The source's hash goes into the module: an editable install whose rebuild failed
    # keeps the old .so beside the new .pyx, and classifiers/kernels.py refuses it.
    source = hashlib.sha256((Path(__file__).resolve().parent / "classifiers" / "_kernels.pyx").read_bytes()).hexdigest()
    return cythonize(
        [
            Extension(
                "classifiers._kernels",
                ["classifiers/_kernels.pyx"],
                language="c++",  # spaCy's headers are C++
                include_dirs=[numpy.get_include()],
                define_macros=[("MQ_SPACY_VERSION", f'"{version}"'), ("MQ_KERNELS_SOURCE", f'"{source}"'), ("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            )
        ],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
