"""The optional C extension; everything else is in pyproject.toml.

``conceptmap._speedups`` holds compiled twins of the parser's and the model's hot loops.
It is optional: where no C compiler is found the build goes on without it and the
package uses its pure-Python code (same results, slower on very large maps).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "conceptmap._speedups",
            sources=["src/conceptmap/_speedups.c"],
            optional=True,
        )
    ]
)
