"""Data files shipped inside installed packages, found without importing those packages.

Some dependencies import ``pkg_resources`` when imported (cpca; jieba falls back without it), and
``pkg_resources`` is gone from new virtual environments on Python 3.12 and later. We only read their
data files, so we locate the package folder from its import spec, which runs none of its code.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path


def package_file(package: str, *parts: str) -> Path:
    """The path of ``parts`` inside the installed top-level ``package`` (its code is not run).

    >>> package_file("jieba", "dict.txt").name
    'dict.txt'
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package '{package}' is not installed: run `make setup` "
                                  f"(or pip install -e .) in the project folder", name=package)
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the installed '{package}' lacks a file tifa reads "
                                f"(reinstall it with `make distclean setup`)")
    return path
