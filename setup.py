"""Builds the optional compiled kernels (``classifiers/_kernels.pyx``); everything else is in pyproject.toml.

The kernels read spaCy's token structs, so they are compiled against the spaCy release
in the build environment and record it; at run time they are used only under that
same release (``classifiers/kernels.py``), otherwise the numpy code paths run.
"""

from setuptools import Extension, setup


def extensions() -> list:
    try:
        import numpy
        import spacy
        from Cython.Build import cythonize
    except ImportError:  # no build tools: the package still works, on its numpy paths
        return []
    version = spacy.about.__version__
    return cythonize(
        [
            Extension(
                "classifiers._kernels",
                ["classifiers/_kernels.pyx"],
                language="c++",  # spaCy's headers are C++
                include_dirs=[numpy.get_include()],
                define_macros=[("MQ_SPACY_VERSION", f'"{version}"'), ("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            )
        ],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )


setup(ext_modules=extensions())
