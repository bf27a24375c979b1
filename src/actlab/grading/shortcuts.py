"""The grader's static scan of a submission: forbidden shortcuts, and code that tampers with grading.

It reads the student's cells as written (after IPython's own syntax transforms), in the grader's
process, where the student cannot change the result. Two kinds of finding:

**Forbidden shortcuts**, per question. A test cell of the source declares what its question
forbids in its metadata, ``actlab: {forbidden: [...], no_overflow: true}``:

* ``"scipy"`` (a module): importing it or anything below it, or using any name from it;
* ``"torch.nn.PReLU"``, ``"numpy.tanh"`` (a name): using it through any import of its package,
  re-exports included (``torch.nn.modules.activation.PReLU``), by attribute, by
  ``from ... import``, by ``getattr`` with a literal name, or as a base class;
* ``".backward"`` (a method): any attribute of that name;
* ``no_overflow``: silencing floating-point errors (``np.errstate``, ``np.seterr``,
  ``np.seterrcall``, warning filters) counts as the overflow it hides.

What an answer uses is found from the objects its checks are called with: the last definition of
each before the test, then, transitively, every top-level name those definitions read (functions,
classes, assignments and imports of the student's cells). So a helper in another cell counts, and a
scratch cell that compares with ``np.tanh`` does not. In that code, a name built at run time
(``getattr`` with a computed name, ``vars``, ``__dict__``) is a finding too: the grader could not
check it.

**Tampering**, anywhere in the student's cells, which voids every question: code that reaches into
the kernel's machinery or rewrites what other code sees (``exec``/``eval``/``compile``,
``__import__``/``importlib``, ``ctypes``, ``gc``, frames and code objects, profile/trace/audit
hooks, ``sys.modules``, ``globals()``, the IPython shell, the grading package itself, assigning to
an attribute of an imported module, ``/proc`` paths). The allowed magics are ``%time``,
``%timeit``, ``%matplotlib`` and a few display ones; the code a timing magic runs is scanned too.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NO_OVERFLOW_ITEMS", "Finding", "Scan", "scan_cells"]

NO_OVERFLOW_ITEMS = (
    "numpy.errstate",
    "numpy.seterr",
    "numpy.seterrcall",
    "numpy.testing.suppress_warnings",
    "warnings.filterwarnings",
    "warnings.simplefilter",
    "warnings.catch_warnings",
    "warnings.resetwarnings",
)
"""What a "no overflow" question forbids besides its own list: turning floating-point errors off."""

_ALLOWED_MAGICS = frozenset({"time", "timeit", "matplotlib", "precision", "who", "whos", "pprint"})
_CODE_MAGICS = frozenset({"time", "timeit"})
_TAMPER_NAMES = {
    "__import__": "__import__",
    "exec": "exec",
    "eval": "eval",
    "compile": "compile",
    "globals": "globals()",
    "breakpoint": "breakpoint()",
    "__builtins__": "__builtins__",
    "__loader__": "__loader__",
}
_TAMPER_MODULES = (
    "ctypes",
    "gc",
    "importlib",
    "marshal",
    "builtins",
    "__main__",
    "code",
    "codeop",
    "runpy",
    "IPython",
    "ipykernel",
    "_ctypes",
    "sys.monitoring",
)
_TAMPER_ATTRIBUTES = frozenset(
    {
        "__code__",
        "__globals__",
        "__closure__",
        "__builtins__",
        "cell_contents",
        "f_back",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_trace",
        "gi_frame",
        "cr_frame",
        "ag_frame",
        "tb_frame",
        "_getframe",
        "_current_frames",
        "setprofile",
        "settrace",
        "addaudithook",
        "user_ns",
        "user_global_ns",
        "input_transformers_cleanup",
        "input_transformers_post",
        "ast_transformers",
        "__subclasses__",
        "CodeType",
        "FunctionType",
        "dup2",
        "closerange",
        "currentframe",
        "getouterframes",
        "getinnerframes",
    }
)
_HIDING_NAMES = frozenset({"getattr", "setattr", "delattr", "hasattr"})


@dataclass(frozen=True)
class Finding:
    """One thing the scan found: what, where, and the code that does it."""

    what: str  # "uses torch.nn.functional.prelu"
    where: str  # "code cell 9, line 7"
    code: str  # "F.prelu"
    kind: str  # "shortcut", "silence", "hidden" or "tamper"

    def text(self) -> str:
        snippet = f"`{self.code}`, " if self.code else ""
        return f"{self.what} ({snippet}{self.where})"


@dataclass
class Scan:
    """The findings of one submission: tampering, and the forbidden uses per test cell."""

    tamper: list[Finding] = field(default_factory=list)
    per_test: dict[str, list[Finding]] = field(default_factory=dict)


@dataclass
class _Statement:
    node: ast.stmt
    cell: int  # position of the cell in the run
    label: str
    binds: set[str]
    uses: set[str]
    student: bool


def _transform(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover -- IPython is a dependency of the grader
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 -- IPython would fail on it too; parse it as it is
        return source


def _shell_call(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """``("run_line_magic", args)`` for ``get_ipython().run_line_magic(...)`` and the like."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    ):
        return node.func.attr, list(node.args)
    return None


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _magic_code(node: ast.stmt) -> tuple[list[ast.stmt], str | None] | None:
    """For a statement that runs an allowed magic: the code it runs (parsed) and no complaint; for
    any other use of the shell: ``([], complaint)``; ``None`` for ordinary statements."""
    if not isinstance(node, ast.Expr | ast.Assign):
        return None
    call = _shell_call(node.value)
    if call is None:
        return None
    method, args = call
    name = _literal(args[0]) if args else None
    if method in ("run_line_magic", "run_cell_magic") and name in _ALLOWED_MAGICS:
        if name not in _CODE_MAGICS:
            return [], None
        texts = [_literal(a) for a in args[1:]]
        body: list[ast.stmt] = []
        for text in texts:
            if text is None:
                return [], f"runs %{name} on code the grader cannot read"
            try:
                body += ast.parse(_transform(text)).body
            except SyntaxError:
                continue
        return body, None
    if method in ("run_line_magic", "run_cell_magic"):
        return [], f"runs the %{name or '?'} magic"
    return [], f"uses the IPython shell (get_ipython().{method})"


# --- names bound and used by a top-level statement --------------------------------------------


class _Bindings(ast.NodeVisitor):
    """Module-level names a statement binds (nested scopes skipped, ``global`` honoured)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.names.add(node.id)

    def _scope(self, node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Global):
                self.names.update(sub.names)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.names.add(node.name)
        for deco in node.decorator_list:
            self.visit(deco)
        self._scope(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.add(node.name)
        self._scope(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        pass

    def visit_ListComp(self, node: ast.AST) -> None:
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.names.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.names.add(alias.asname or alias.name)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)


def _binds(node: ast.stmt) -> set[str]:
    visitor = _Bindings()
    visitor.visit(node)
    return visitor.names


def _uses(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _module_level(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a top-level statement that run at module level (function and class bodies,
    lambdas and comprehensions left out; their decorators and defaults kept)."""
    stack = [node]
    while stack:
        sub = stack.pop()
        yield sub
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(sub.decorator_list)
            stack.extend(d for d in sub.args.defaults + sub.args.kw_defaults if d is not None)
        elif isinstance(sub, ast.ClassDef):
            stack.extend(sub.decorator_list + sub.bases + [k.value for k in sub.keywords])
        elif not isinstance(
            sub, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
        ):
            stack.extend(ast.iter_child_nodes(sub))


def _imports(node: ast.AST, scoped: bool = True) -> Iterator[tuple[str, str]]:
    """``(bound name, dotted path)`` for each name an import binds: at module level, or anywhere
    in ``node`` when ``scoped`` is false."""
    for sub in _module_level(node) if scoped else ast.walk(node):
        if isinstance(sub, ast.Import):
            for alias in sub.names:
                if alias.asname:
                    yield alias.asname, alias.name
                else:
                    root = alias.name.split(".")[0]
                    yield root, root
        elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
            for alias in sub.names:
                if alias.name != "*":
                    yield alias.asname or alias.name, f"{sub.module}.{alias.name}"


# --- attribute chains ------------------------------------------------------------------------


def _chain(node: ast.expr) -> tuple[ast.expr, list[str]] | None:
    """``(root, [attr, ...])`` for ``root.a.b`` and ``getattr(root, "a").b``; ``None`` otherwise."""
    attrs: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and _literal(node.args[1]) is not None
        ):
            attrs.append(_literal(node.args[1]))  # type: ignore[arg-type]
            node = node.args[0]
        else:
            break
    if not attrs:
        return None
    return node, attrs[::-1]


def _matches(path: list[str], item: str) -> bool:
    """Whether the dotted ``path`` (``["torch", "nn", "PReLU"]``) uses forbidden ``item``."""
    if item.startswith("."):
        return item[1:] in path[1:]
    parts = item.split(".")
    if path[0] != parts[0]:
        return False
    # a module item (torch.autograd) also covers what lies below it
    return len(parts) == 1 or parts[-1] in path[1:]


class _Scanner:
    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def path(self, node: ast.expr) -> tuple[list[str], str] | None:
        """The dotted path an expression names through the imports, and its source text."""
        found = _chain(node)
        if found is None:
            if isinstance(node, ast.Name) and node.id in self.aliases:
                return self.aliases[node.id].split("."), node.id
            return None
        root, attrs = found
        if isinstance(root, ast.Name) and root.id in self.aliases:
            return self.aliases[root.id].split(".") + attrs, ast.unparse(node)
        return ["?", *attrs], ast.unparse(node)

    def forbidden(
        self, node: ast.stmt, items: list[tuple[str, str]]
    ) -> Iterator[tuple[str, str, str, int]]:
        """``(item, kind, code, line)`` for each use of a forbidden item in ``node``."""
        # imports inside the statement's functions bind names there: count them too
        inner = _Scanner({**self.aliases, **dict(_imports(node, scoped=False))})
        inside = {id(sub.value) for sub in ast.walk(node) if isinstance(sub, ast.Attribute)}
        for sub in ast.walk(node):
            paths: list[tuple[list[str], str]] = []
            if isinstance(sub, ast.Import):
                paths += [(a.name.split("."), f"import {a.name}") for a in sub.names]
            elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
                for a in sub.names:
                    if a.name != "*":  # star imports: see scan_cells
                        text = f"from {sub.module} import {a.name}"
                        paths.append(([*sub.module.split("."), a.name], text))
            elif isinstance(sub, ast.Attribute | ast.Call) and id(sub) not in inside:
                # the whole chain once (torch.nn.PReLU), not each of its prefixes
                found = inner.path(sub) if _chain(sub) is not None else None
                if found is not None:
                    paths.append(found)
            for path, text in paths:
                for item, kind in items:
                    if path[0] == "?" and not item.startswith("."):
                        continue
                    if _matches(path, item):
                        yield item, kind, text, getattr(sub, "lineno", 0)

    @staticmethod
    def hidden(node: ast.stmt) -> Iterator[tuple[str, str, int]]:
        """``(what, code, line)`` for each name the code builds at run time, which no scan can
        check."""
        for sub in ast.walk(node):
            code = ast.unparse(sub)[:80] if isinstance(sub, ast.expr) else ""
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                if sub.func.id in _HIDING_NAMES and (
                    len(sub.args) < 2 or _literal(sub.args[1]) is None
                ):
                    yield f"{sub.func.id}() with a computed name", code, sub.lineno
                elif sub.func.id == "vars" and sub.args:
                    yield "vars()", code, sub.lineno
            elif isinstance(sub, ast.Attribute) and sub.attr in (
                "__dict__",
                "__getattribute__",
                "attrgetter",
                "methodcaller",
            ):
                yield sub.attr, code, sub.lineno

    def tampering(self, node: ast.stmt) -> Iterator[tuple[str, str, int]]:
        """``(what, code, line)`` for each construct that reaches into the grading machinery."""
        module_level = {id(sub) for sub in _module_level(node)}
        for sub in ast.walk(node):
            line = getattr(sub, "lineno", 0)
            if isinstance(sub, ast.Name) and sub.id in _TAMPER_NAMES:
                yield f"uses {_TAMPER_NAMES[sub.id]}", sub.id, line
            elif isinstance(sub, ast.Name) and sub.id == "get_ipython":
                yield "uses the IPython shell", "get_ipython()", line
            elif (
                id(sub) in module_level
                and isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Name)
                and sub.func.id in ("locals", "vars")
                and not sub.args
            ):
                yield f"uses {sub.func.id}() at the top level", f"{sub.func.id}()", line
            elif isinstance(sub, ast.Import | ast.ImportFrom):
                yield from self._tamper_import(sub)
            elif isinstance(sub, ast.Attribute):
                found = self.path(sub)
                dotted = ".".join(found[0]) if found else ""
                if sub.attr in _TAMPER_ATTRIBUTES:
                    yield f"uses {sub.attr}", ast.unparse(sub), line
                elif dotted in ("sys.modules", "sys.monitoring") or dotted.startswith(
                    ("sys.modules.", "actlab.grading")
                ):
                    yield f"uses {dotted}", ast.unparse(sub), line
            elif (
                isinstance(sub, ast.Constant)
                and isinstance(sub.value, str)
                and "/proc/" in sub.value
            ):
                yield "reads the kernel's own process files (/proc)", repr(sub.value)[:60], line
            if isinstance(sub, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                targets = sub.targets if isinstance(sub, ast.Assign | ast.Delete) else [sub.target]
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Attribute):
                            yield from self._module_write(t, line)
            elif (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Name)
                and sub.func.id in ("setattr", "delattr")
                and sub.args
            ):
                root = sub.args[0]
                found = self.path(root) if isinstance(root, ast.Attribute | ast.Name) else None
                if found is not None and found[0][0] != "?":
                    yield f"modifies {'.'.join(found[0])}", ast.unparse(sub)[:80], line

    def _module_write(self, target: ast.Attribute, line: int) -> Iterator[tuple[str, str, int]]:
        found = self.path(target.value)
        if found is not None and found[0][0] != "?":
            yield f"modifies {'.'.join(found[0])}", ast.unparse(target), line

    @staticmethod
    def _tamper_import(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str, int]]:
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        else:
            if node.level or not node.module:
                return
            if node.module in ("actlab.grading", "actlab.grading.spec") and all(
                a.name == "check" for a in node.names
            ):
                return
            modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for module in modules:
            if module.startswith("actlab.grading") or module == "actlab.grading":
                yield "imports the grading machinery", module, node.lineno
                return
            if any(module == m or module.startswith(m + ".") for m in _TAMPER_MODULES):
                yield f"imports {module}", module, node.lineno
                return


def _items(test: Any) -> list[tuple[str, str]]:
    items = [(item, "shortcut") for item in getattr(test, "forbidden", ())]
    if getattr(test, "no_overflow", False):
        items += [(item, "silence") for item in NO_OVERFLOW_ITEMS]
    return items


_PARSE_LOCK = threading.Lock()


def scan_cells(cells: list[dict[str, Any]], tests: Iterable[Any]) -> Scan:
    """Scan the cells to run (:func:`actlab.grading.grader.build_cells`) for each test of ``tests``
    (the plan's :class:`~actlab.grading.plan.TestCell`, with ``forbidden`` and ``no_overflow``).

    The batch grades submissions in threads; CPython's ``ast.parse`` is not safe to call from
    several threads at once (3.11 raises ``SystemError: AST constructor recursion depth
    mismatch``), so one scan runs at a time. A scan takes milliseconds.
    """
    with _PARSE_LOCK:
        try:
            return _scan_cells(cells, tests)
        except (RecursionError, MemoryError):
            # Code nested deeper than the parser or the scan can follow (``1+1+...+1`` 5,000
            # times, 100,000 unary minuses). The kernel may still run it (after raising its
            # own recursion limit), so what it holds cannot be taken as harmless: it voids the
            # notebook, as other code the grader cannot read does.
            pass
    result = Scan()
    result.tamper.append(Finding(_UNREADABLE, "a cell", "", "tamper"))
    return result


_UNREADABLE = "holds code nested too deeply for the grader to read"


# The code of a submission the scan parses at most. CPython's ast takes about 600 bytes of memory
# per byte of short statements (10 MB of ``x=1`` lines: 6 GB and 30 s, in the grader's process,
# under the scan lock); an exercise's answers are a few kilobytes.
CODE_LIMIT = 512 * 2**10


def _scan_cells(cells: list[dict[str, Any]], tests: Iterable[Any]) -> Scan:
    by_id = {t.grade_id: t for t in tests}
    result = Scan()
    size = sum(
        len(c["source"].encode("utf-8", "surrogatepass")) for c in cells if c["kind"] == "student"
    )
    if size > CODE_LIMIT:
        what = f"holds more than {CODE_LIMIT // 2**10} KiB of code, more than the grader reads"
        result.tamper.append(Finding(what, "a cell", "", "tamper"))
        return result
    statements: list[_Statement] = []
    aliases_at: list[dict[str, str]] = []  # the import table in force after each cell
    aliases: dict[str, str] = {}
    probes: list[tuple[int, str]] = []
    for position, cell in enumerate(cells):
        if cell["kind"] == "probe":
            probes.append((position, cell["grade_id"]))
            aliases_at.append(dict(aliases))
            continue
        student = cell["kind"] == "student"
        try:
            tree = ast.parse(_transform(cell["source"]))
        except (SyntaxError, ValueError):
            aliases_at.append(dict(aliases))
            continue
        except (RecursionError, MemoryError):  # see scan_cells
            result.tamper.append(Finding(_UNREADABLE, _where(cell, 0), "", "tamper"))
            aliases_at.append(dict(aliases))
            continue
        body: list[ast.stmt] = []
        for node in tree.body:
            magic = _magic_code(node)
            if magic is None:
                body.append(node)
                continue
            code, complaint = magic
            if complaint and student:
                result.tamper.append(
                    Finding(complaint, _where(cell, node.lineno), ast.unparse(node)[:80], "tamper")
                )
            body += code
        for node in body:
            for name, path in _imports(node):
                aliases[name] = path
            for name in _binds(node) - {n for n, _ in _imports(node)}:
                aliases.pop(name, None)
            statements.append(
                _Statement(
                    node, position, cell.get("label", ""), _binds(node), _uses(node), student
                )
            )
        aliases_at.append(dict(aliases))
        if student:
            scanner = _Scanner(aliases)
            for node in body:
                for what, code, line in scanner.tampering(node):
                    result.tamper.append(Finding(what, _where(cell, line), code, "tamper"))
    for position, gid in probes:
        test = by_id.get(gid)
        items = _items(test) if test is not None else []
        if not items:
            continue
        objects = {name for call in test.calls for name in call.objects}
        scanner = _Scanner(aliases_at[position])
        findings: dict[tuple[str, str], Finding] = {}
        closure = _closure(statements, position, objects)
        bound = {n for st in statements if st.cell < position for n in st.binds}
        unbound = {n for st in closure for n in st.uses} - bound
        for stmt in statements:
            # a name the answer reads that only ``from M import *`` can have bound
            if stmt.cell >= position or not stmt.student or not unbound:
                continue
            for star in _star_imports(stmt.node):
                for item, kind in items:
                    last = item.rsplit(".", 1)[-1]
                    if item.split(".")[0] == star.split(".")[0] and last in unbound:
                        what = (
                            item
                            if kind == "shortcut"
                            else f"{item}, which turns floating-point errors off"
                        )
                        code = f"from {star} import *"
                        cell = {"label": stmt.label}
                        findings.setdefault(
                            (what, code), Finding(what, _where(cell, stmt.node.lineno), code, kind)
                        )
        for stmt in closure:
            if not stmt.student:
                continue
            cell = {"label": stmt.label}
            for item, kind, code, line in scanner.forbidden(stmt.node, items):
                what = (
                    f"{item}, which turns floating-point errors off"
                    if kind == "silence"
                    else item.lstrip(".")
                )
                findings.setdefault((what, code), Finding(what, _where(cell, line), code, kind))
            for what, code, line in scanner.hidden(stmt.node):
                text = f"{what}: a name built at run time, which the grader cannot check"
                findings.setdefault((text, code), Finding(text, _where(cell, line), code, "hidden"))
        result.per_test[gid] = list(findings.values())
    return result


def _star_imports(node: ast.stmt) -> list[str]:
    return [
        sub.module
        for sub in _module_level(node)
        if isinstance(sub, ast.ImportFrom)
        and sub.module
        and not sub.level
        and any(a.name == "*" for a in sub.names)
    ]


def _where(cell: dict[str, Any], line: int) -> str:
    label = cell.get("label") or "a cell"
    return f"{label}, line {line}" if line else label


def _closure(statements: list[_Statement], position: int, names: set[str]) -> list[_Statement]:
    """The statements before cell ``position`` that the objects ``names`` depend on: the last
    binding of each name, and transitively the last binding of every name those read."""
    before = [s for s in statements if s.cell < position]
    # one pass for the last binding of every name: walking back from the end for each name
    # costs (names x statements), minutes for a long chain of aliases followed by filler
    last: dict[str, int] = {}
    for i, stmt in enumerate(before):
        for name in stmt.binds:
            last[name] = i
    chosen: dict[int, _Statement] = {}
    todo = list(names)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        i = last.get(name)
        if i is not None and i not in chosen:
            chosen[i] = before[i]
            todo.extend(before[i].uses)
    return [chosen[i] for i in sorted(chosen)]
