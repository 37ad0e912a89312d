"""docs/architecture.md against the code: every dotted name and path it gives in backticks
exists, and the layer rules it states hold for every import in the tree."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
LAYERS = ("graph_schema", "tracker", "analytics", "synth", "api", "lmt")
MAY_IMPORT = {
    "graph_schema": {"graph_schema"},
    "tracker": {"graph_schema", "tracker"},
    "analytics": {"graph_schema", "tracker", "analytics"},
    "synth": {"graph_schema", "tracker", "synth"},
    "api": {"graph_schema", "tracker", "analytics", "api"},
    "lmt": set(LAYERS),
}
"""The layer rule: what each package may import of LMT (nothing imports a layer above)."""
NEVER = [
    ("analytics/", "tracker.stores", "analytics read through the port, never an adapter"),
    ("api/", "tracker.stores", "the API is handed a store; only lmt opens one"),
    ("api/", "analytics.output", "the server never loads file writers or matplotlib"),
    ("tracker/", "tracker.stores", "the domain talks to the port, not its adapters"),
]
"""(files under, module, why): imports the document says never happen, beyond the layers."""


def quoted_names() -> list[str]:
    return re.findall(r"`([^`\n]+)`", ARCHITECTURE.read_text())


def resolve(dotted: str) -> object:
    """The module, or the attribute of a module, that ``dotted`` names."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError as error:
            if error.name is not None and not dotted.startswith(error.name):
                raise  # a module that exists failed to import: say so
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_dotted_name_exists():
    dotted = sorted(
        {
            name
            for name in quoted_names()
            if re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*", name)
            and name.split(".")[0] in LAYERS
        }
    )
    assert len(dotted) > 60, dotted  # the document names its functions: they are checked
    missing = []
    for name in dotted:
        try:
            resolve(name)
        except (ImportError, AttributeError) as error:
            missing.append(f"{name}: {error}")
    assert missing == []


def test_every_path_exists():
    paths = {name for name in quoted_names() if "/" in name and re.fullmatch(r"[\w./-]+", name)}
    assert len(paths) > 10, paths
    assert [p for p in sorted(paths) if not (ROOT / p).exists()] == []


def imports(path: Path) -> list[str]:
    """Every LMT module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if name.split(".")[0] in LAYERS]


def sources(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_goes_up(layer):
    assert sources(layer)
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(layer)
        for name in imports(path)
        if name.split(".")[0] not in MAY_IMPORT[layer]
    ]
    assert wrong == []


@pytest.mark.parametrize(("under", "module", "why"), NEVER)
def test_what_never_imports_what(under, module, why):
    files = [p for p in sorted((ROOT / under).rglob("*.py")) if "stores" not in p.parts]
    assert files
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in imports(path)
        if name == module or name.startswith(module + ".")
    ]
    assert wrong == [], why
