"""The shape rules of ARCHITECTURE.md (layers, one way to do each thing), enforced."""

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
        for path in SENDLIB.rglob("*.py")
        if path.name not in ("__main__.py",)
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
        for path in [
            *SENDLIB.rglob("*.py"),
            *(PROJECT_ROOT / "pages").glob("*.py"),
            PROJECT_ROOT / "dashboard.py",
            *UI.glob("*.py"),
        ]
        if "duckdb" in _imported_modules(path)
    }
    assert importers == {"sendlib/store.py"}


def test_no_sql_in_pages() -> None:
    # SQL as it is written in this project: upper-case keywords followed by their usual next word.
    sql = re.compile(
        r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?TABLE)\b"
    )
    offenders = [
        path.name
        for path in (PROJECT_ROOT / "pages").glob("*.py")
        if any(
            sql.search(node.value)
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    ]
    assert offenders == []


def test_one_escaping_helper() -> None:
    """Stored text is escaped by sendlib/text.py alone (issue 17): no other module uses the html module's
    escaping or its own, and nothing renders raw HTML through Markdown."""
    files = [
        *SENDLIB.rglob("*.py"),
        *(PROJECT_ROOT / "pages").glob("*.py"),
        PROJECT_ROOT / "dashboard.py",
        *UI.glob("*.py"),
    ]
    importers = {str(path.relative_to(PROJECT_ROOT)) for path in files if "html" in _imported_modules(path)}
    assert importers == {"sendlib/text.py"}
    own_escapers = [
        str(path.relative_to(PROJECT_ROOT))
        for path in files
        if path.name != "text.py" and re.search(r"def \w*(escape|_plain)\w*\(", path.read_text())
    ]
    assert own_escapers == []
    assert not [path.name for path in files if "unsafe_allow_html" in path.read_text()]


def _sendlib_error_classes() -> list[type]:
    """Every public exception class defined in a sendlib module (re-exports counted once, where defined)."""
    import importlib
    import inspect

    found = []
    for path in sorted(SENDLIB.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        module = importlib.import_module(
            "sendlib." + ".".join(path.relative_to(SENDLIB).with_suffix("").parts).removesuffix(".__init__")
        )
        found += [
            value
            for name, value in vars(module).items()
            if inspect.isclass(value)
            and issubclass(value, Exception)
            and value.__module__ == module.__name__
            and not name.startswith("_")
        ]
    return found


def test_every_error_sendlib_raises_for_a_person_derives_from_one_base() -> None:
    from sendlib.errors import SendlibError

    classes = _sendlib_error_classes()
    assert len(classes) > 15  # the scan found the modules' errors, not nothing
    assert [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, SendlibError)] == []


def test_every_sendlib_error_is_of_exactly_one_kind() -> None:
    from sendlib.errors import KINDS, SendlibError

    kinds_of = {
        f"{c.__module__}.{c.__name__}": [k.__name__ for k in KINDS if issubclass(c, k)]
        for c in _sendlib_error_classes()
        if c is not SendlibError and c not in KINDS
    }
    assert {name: kinds for name, kinds in kinds_of.items() if len(kinds) != 1} == {}
    # the kinds the issue names, each with the errors it stands for
    assert kinds_of["sendlib.store.StoreLockedError"] == ["StoreError"]
    assert kinds_of["sendlib.backup.BackupError"] == ["StoreError"]
    assert kinds_of["sendlib.ingest.census.IngestRejected"] == ["IngestError"]
    assert kinds_of["sendlib.ingest.source.SourceError"] == ["IngestError"]
    assert kinds_of["sendlib.auth.AuthError"] == kinds_of["sendlib.auth.PermissionDenied"] == ["AccessError"]
    assert kinds_of["sendlib.commitments.CommitmentError"] == ["EntryError"]
    assert kinds_of["sendlib.config.ConfigError"] == kinds_of["sendlib.export.ExportError"] == ["SetupError"]


def test_error_names_stay_importable_where_they_always_were() -> None:
    from sendlib import entries, errors, store

    assert store.StoreError is errors.StoreError and entries.EntryError is errors.EntryError


# Where a message-text test is allowed, and why: Python's csv module raises one type (csv.Error) for every
# problem, so the wording shown for a value over its field limit can only be chosen from the message.
MESSAGE_TEXT_ALLOWED = {("sendlib/ingest/source.py", "describe_csv_error")}
_EXCEPTION_ANNOTATION = re.compile(r"(Error|Exception|Rejected|Denied)\b")


def message_text_tests(source: str) -> list[tuple[str, int]]:
    """(function, line) of each place in ``source`` that decides something by an exception's message text:
    ``str(exc)``, ``repr(exc)`` or ``exc.args`` (or a name holding one) compared (``in``, ``==``, ``startswith``
    …) or given to ``re``, where ``exc`` is an ``except … as exc`` name or a parameter annotated as an error.
    Only showing a message (``st.error(str(exc))``, quoting it into another) is not deciding by it."""
    found: dict[int, str] = {}  # line → the innermost function around it (ast.walk goes outside in)
    for function in [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module)
    ]:
        errors = {
            arg.arg
            for arg in (function.args.args + function.args.kwonlyargs if not isinstance(function, ast.Module) else [])
            if arg.annotation is not None and _EXCEPTION_ANNOTATION.search(ast.unparse(arg.annotation))
        }
        errors |= {node.name for node in ast.walk(function) if isinstance(node, ast.ExceptHandler) and node.name}

        def is_message(node: ast.AST, messages: set[str], errors: set[str] = errors) -> bool:
            return any(
                (
                    isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name)
                    and n.func.id in ("str", "repr")
                    and len(n.args) == 1
                    and isinstance(n.args[0], ast.Name)
                    and n.args[0].id in errors
                )
                or (
                    isinstance(n, ast.Attribute)
                    and n.attr == "args"
                    and isinstance(n.value, ast.Name)
                    and n.value.id in errors
                )
                or (isinstance(n, ast.Name) and n.id in messages)
                for n in ast.walk(node)
            )

        messages: set[str] = set()
        for node in ast.walk(function):  # names that hold a message: text = str(exc)
            if isinstance(node, ast.Assign) and is_message(node.value, messages):
                messages |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        name = getattr(function, "name", "<module>")
        for node in ast.walk(function):
            deciding = (
                (
                    isinstance(node, ast.Compare)
                    and any(is_message(part, messages) for part in [node.left, *node.comparators])
                )
                or (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("startswith", "endswith", "find", "index", "count", "__contains__")
                    and is_message(node.func.value, messages)
                )
                or (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and any(is_message(arg, messages) for arg in node.args)
                )
            )
            if deciding:
                found[node.lineno] = name
    return sorted((name, line) for line, name in found.items())


def test_the_message_text_scan_finds_what_the_old_code_did() -> None:
    """The scan below would have failed on the code before one error hierarchy: each shape it replaced."""
    old_store = (
        "def _translate(exc: Exception, path: str) -> StoreError:\n    text = str(exc)\n"
        "    if 'lock' in text.lower():\n        return StoreLockedError(path)\n"
    )
    old_census = (
        "def _raise_if_unreadable(exc: StoreError, file_name: str) -> None:\n"
        "    if 'CSV' in str(exc):\n        raise _unreadable(file_name) from exc\n"
    )
    handler = (
        "def f():\n    try:\n        g()\n    except ValueError as e:\n"
        "        if e.args[0].startswith('x') or re.search('y', str(e)):\n            pass\n"
    )
    assert message_text_tests(old_store) == [("_translate", 3)]
    assert message_text_tests(old_census) == [("_raise_if_unreadable", 2)]
    assert message_text_tests(handler) == [("f", 5)]
    assert message_text_tests("def f(exc: KeyError) -> str:\n    return f'shown: {str(exc)}'\n") == []


def test_no_code_decides_by_an_exceptions_message_text() -> None:
    files = [
        *SENDLIB.rglob("*.py"),
        *(PROJECT_ROOT / "pages").glob("*.py"),
        PROJECT_ROOT / "dashboard.py",
        *(PROJECT_ROOT / "ui").rglob("*.py"),
    ]
    found = {
        (str(path.relative_to(PROJECT_ROOT)), function)
        for path in files
        for function, _line in message_text_tests(path.read_text(encoding="utf-8"))
    }
    assert found - MESSAGE_TEXT_ALLOWED == set()


UI_MODULE_MAX_LINES = 200  # a ui module past this has grown a second concern: split it (issue 18)


def test_ui_is_a_package_of_small_modules_that_never_import_duckdb() -> None:
    modules = sorted(UI.glob("*.py"))
    assert len(modules) > 5 and not (PROJECT_ROOT / "ui.py").exists()
    assert [path.name for path in modules if "duckdb" in _imported_modules(path)] == []
    too_long = {
        path.name: n
        for path in modules
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > UI_MODULE_MAX_LINES
    }
    assert too_long == {}


def test_ui_modules_import_each_other_never_the_package() -> None:
    """``ui/__init__`` re-exports from every module; a module reaching back through ``import ui`` or ``from ui
    import …`` would import a half-initialised package (an import cycle)."""
    offenders = []
    for path in UI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Import) and any(alias.name == "ui" for alias in node.names)) or (
                isinstance(node, ast.ImportFrom) and node.module == "ui"
            ):
                offenders.append(path.name)
    assert offenders == []


def test_st_cache_functions_are_defined_once_in_ui_state() -> None:
    """Streamlit keys a cache on its function: the cached config, store and queries exist once, in ui/state.py."""
    decorated = {
        str(path.relative_to(PROJECT_ROOT))
        for path in [*UI.glob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "dashboard.py"]
        if re.search(r"@st\.cache_(data|resource)\b", path.read_text())
    }
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
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "ui"
                and node.attr not in exported
            ):
                offenders.append(f"{path.name}: ui.{node.attr}")
    assert offenders == []
