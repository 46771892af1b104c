"""The shape rules of DESIGN.md §3, enforced."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

SENDLIB = PROJECT_ROOT / "sendlib"
UI = PROJECT_ROOT / "ui"


def test_importing_sendlib_never_imports_streamlit() -> None:
    modules = sorted(
        "sendlib." + ".".join(path.relative_to(SENDLIB).with_suffix("").parts)
        for path in SENDLIB.rglob("*.py") if path.name not in ("__main__.py",)
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert result.stdout.strip() == "False"


def _imported_modules(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_store_imports_duckdb() -> None:
    importers = {
        str(path.relative_to(PROJECT_ROOT))
        for path in [*SENDLIB.rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "dashboard.py",
                     *UI.glob("*.py")]
        if "duckdb" in _imported_modules(path)
    }
    assert importers == {"sendlib/store.py"}


def test_no_sql_in_pages() -> None:
    # SQL as it is written in this project: upper-case keywords followed by their usual next word.
    sql = re.compile(r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?TABLE)\b")
    offenders = [
        path.name for path in (PROJECT_ROOT / "pages").glob("*.py")
        if any(sql.search(node.value) for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.Constant) and isinstance(node.value, str))
    ]
    assert offenders == []


def test_one_escaping_helper() -> None:
    """Stored text is escaped by sendlib/text.py alone (issue 17): no other module uses the html module's
    escaping or its own, and nothing renders raw HTML through Markdown."""
    files = [*SENDLIB.rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "dashboard.py",
             *UI.glob("*.py")]
    importers = {str(path.relative_to(PROJECT_ROOT)) for path in files if "html" in _imported_modules(path)}
    assert importers == {"sendlib/text.py"}
    own_escapers = [str(path.relative_to(PROJECT_ROOT)) for path in files if path.name != "text.py"
                    and re.search(r"def \w*(escape|_plain)\w*\(", path.read_text())]
    assert own_escapers == []
    assert not [path.name for path in files if "unsafe_allow_html" in path.read_text()]


def test_every_error_sendlib_raises_for_a_person_derives_from_one_base() -> None:
    import importlib
    import inspect

    from sendlib.errors import SendlibError

    strays = []
    for path in SENDLIB.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        module = importlib.import_module("sendlib." + ".".join(path.relative_to(SENDLIB).with_suffix("").parts)
                                         .removesuffix(".__init__"))
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == module.__name__
                    and not name.startswith("_") and not issubclass(value, SendlibError)):
                strays.append(f"{module.__name__}.{name}")
    assert strays == []


UI_MODULE_MAX_LINES = 200  # a ui module past this has grown a second concern: split it (issue 18)


def test_ui_is_a_package_of_small_modules_that_never_import_duckdb() -> None:
    modules = sorted(UI.glob("*.py"))
    assert len(modules) > 5 and not (PROJECT_ROOT / "ui.py").exists()
    assert [path.name for path in modules if "duckdb" in _imported_modules(path)] == []
    too_long = {path.name: n for path in modules if (n := len(path.read_text(encoding="utf-8").splitlines()))
                > UI_MODULE_MAX_LINES}
    assert too_long == {}


def test_ui_modules_import_each_other_never_the_package() -> None:
    """``ui/__init__`` re-exports from every module; a module reaching back through ``import ui`` or ``from ui
    import …`` would import a half-initialised package (an import cycle)."""
    offenders = []
    for path in UI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Import) and any(alias.name == "ui" for alias in node.names)) or (
                    isinstance(node, ast.ImportFrom) and node.module == "ui"):
                offenders.append(path.name)
    assert offenders == []


def test_st_cache_functions_are_defined_once_in_ui_state() -> None:
    """Streamlit keys a cache on its function: the cached config, store and queries exist once, in ui/state.py."""
    decorated = {str(path.relative_to(PROJECT_ROOT)) for path in [*UI.glob("*.py"), *(PROJECT_ROOT / "pages").glob(
        "*.py"), PROJECT_ROOT / "dashboard.py"] if re.search(r"@st\.cache_(data|resource)\b", path.read_text())}
    assert decorated == {"ui/state.py"}


def test_pages_use_only_the_ui_package_api() -> None:
    """Pages and the frame call ``ui.<name>`` for names ``ui`` exports, never a module's private name or a
    module directly (``from ui.state import …``), so the package can be reorganised without touching pages."""
    import ui

    exported = set(ui.__all__)
    offenders = []
    for path in [*(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ui":
                offenders.append(f"{path.name}: from {node.module} import …")
            elif isinstance(node, ast.Import):
                offenders += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("ui.")]
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ui"
                  and node.attr not in exported):
                offenders.append(f"{path.name}: ui.{node.attr}")
    assert offenders == []
