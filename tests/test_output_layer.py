"""The server never loads a plotting library: writers and plots live in ``analytics.output``.

Each check runs in a fresh interpreter, so what an earlier test imported cannot hide an
import (or fake one).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import analytics

ROOT = Path(__file__).resolve().parents[1]


def loaded_after(*modules: str) -> list[str]:
    """The top-level packages a fresh interpreter holds after importing ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_importing_the_server_does_not_load_matplotlib():
    loaded = loaded_after("api.app", "api.state")
    assert "analytics" in loaded  # the server does use the analytics
    assert "matplotlib" not in loaded


def test_only_the_plots_module_imports_matplotlib():
    computations = [
        f"analytics.{m.name}"
        for m in pkgutil.iter_modules(analytics.__path__)
        if m.name != "output"
    ]
    assert "analytics.circuits" in computations
    assert "matplotlib" not in loaded_after(*computations, "analytics.output.files")
