"""`pip install .` ships the pages: every file under api/pages is matched by the globs of
pyproject's package-data for ``api`` (setuptools globs them relative to the package, as
here), so a new page file that the globs miss fails here, not on a field office's server."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_package_data_ships_every_page_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["api"]
    package = ROOT / "api"
    shipped = {p for pattern in globs for p in package.glob(pattern) if p.is_file()}
    pages = {p for p in (package / "pages").rglob("*") if p.is_file()}
    assert pages, "no pages"
    assert pages <= shipped, sorted(str(p.relative_to(package)) for p in pages - shipped)
    assert (package / "pages" / "index.html") in shipped
