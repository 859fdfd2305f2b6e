"""The layering of the code base: the library never imports streamlit (it runs in the CLI,
on Dask workers and in tests without a browser), and the pages use the library only
through its public names (no `_private` functions, constants or modules), so the library
can change its insides without breaking a page."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "persona_mining"
PAGES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]


def _library_files() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """(module, line) of every absolute import statement."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, node.lineno))
    return out


@pytest.mark.parametrize("path", _library_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_never_imports_streamlit(path):
    tree = ast.parse(path.read_text("utf-8"))
    bad = [f"line {line}: {mod}" for mod, line in _imports(tree)
           if mod == "streamlit" or mod.startswith("streamlit.")]
    assert not bad, f"{path.relative_to(ROOT)} imports streamlit: {bad}"


def test_importing_the_whole_library_loads_no_streamlit():
    """Also not through a dependency: every library module imported in a fresh process."""
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in _library_files()]
    modules = [m.removesuffix(".__init__") for m in modules if not m.endswith("__main__")]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout


def _private_uses(path: Path) -> list[str]:
    """Imports of underscore names (or modules) from persona_mining, names a package does
    not export in its __all__, and `module._name` on a persona_mining module. An underscore
    name a module exports in its __all__ is public by declaration (i18n's gettext ``_``)."""
    tree = ast.parse(path.read_text("utf-8"))
    bad, modules = [], set()          # modules: local names bound to library modules
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "persona_mining":
                    bad += _private_parts(a.name, node.lineno)
                    modules.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "persona_mining":
            bad += _private_parts(node.module, node.lineno)
            public = getattr(importlib.import_module(node.module), "__all__", None)
            for a in node.names:
                if a.name.startswith("_") and a.name not in (public or ()):
                    bad.append(f"line {node.lineno}: {node.module}.{a.name}")
                elif _is_module(f"{node.module}.{a.name}"):
                    modules.add(a.asname or a.name)
                elif public is not None and a.name not in public:
                    bad.append(f"line {node.lineno}: {node.module}.{a.name} (not in __all__)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in modules and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            bad.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return bad


def _private_parts(module: str, line: int) -> list[str]:
    return [f"line {line}: module {module}"] if any(
        part.startswith("_") for part in module.split(".")[1:]) else []


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:         # the parent is a module, not a package
        return False


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_use_only_public_library_names(path):
    bad = _private_uses(path)
    assert not bad, f"{path.relative_to(ROOT)} uses private library names: {bad}"


def test_the_check_finds_private_names(tmp_path):
    """The page check itself works: it reports each kind of private use."""
    page = tmp_path / "page.py"
    page.write_text("from persona_mining.ingest import _fail\n"
                    "from persona_mining.ingest.encoding import _CHECK_BYTES\n"
                    "from persona_mining import charts\n"
                    "from persona_mining.ingest import messages\n"
                    "from persona_mining.i18n import _, _current\n"
                    "charts._trait_frame(None)\n", "utf-8")
    bad = _private_uses(page)
    assert any("ingest._fail" in b for b in bad)
    assert any("_CHECK_BYTES" in b for b in bad)
    assert any("charts._trait_frame" in b for b in bad)
    assert any("i18n._current" in b for b in bad)
    assert not [b for b in bad if "messages" in b]     # a submodule is a name, not private
    assert not [b for b in bad if b.endswith("i18n._")]  # gettext's _ is in i18n.__all__
