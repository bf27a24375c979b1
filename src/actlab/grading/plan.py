"""The grading plan: what each test cell of an instructor's source notebook checks.

A test cell is trusted code written by the instructor, but the grader never executes it. It is
parsed here, in the grader's process, into a list of :class:`CheckCall`: the check's name, the names
of the student objects it is given, and its case keywords, evaluated with :func:`ast.literal_eval`
(hidden cases included). The probe in the student's kernel and the judge in the grader both receive
the case after a JSON round trip, so they see identical values (a tuple becomes a list on both sides).

A test cell may contain only: a docstring, ``from actlab.grading import check`` (or ``...spec``),
comments, and ``check("name", obj, ..., key=literal, ...)`` calls. A call may also pass
``lang=LANG``, the notebook's language, which is not part of the case: it sets the language of
``check``'s own feedback in the notebook.

A bilingual source (:mod:`actlab.grading.languages`) gives one plan: its tests are read from the
English view, and the Chinese view has the same cells, code and tests; only the tests'
descriptions, and the text of the cells that are not code, differ.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actlab.grading.languages import language_view, source_languages
from actlab.grading.notebook import (
    InvalidNotebook,
    cell_source,
    exercise_metadata,
    grade_id,
    is_locked,
    is_solution,
    is_test,
    points,
    read_notebook,
)

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "CheckCall",
    "ExercisePlan",
    "PlanError",
    "TestCell",
    "load_plan",
    "parse_test_cell",
]

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
_CHECK_MODULES = frozenset({"actlab.grading", "actlab.grading.spec"})


class PlanError(ValueError):
    """The instructor's source notebook cannot be turned into a grading plan."""


@dataclass(frozen=True)
class CheckCall:
    """One ``check(...)`` call of a test cell."""

    name: str
    objects: tuple[str, ...]
    case: dict[str, Any]
    hidden: bool
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "objects": list(self.objects), "case": self.case}


@dataclass(frozen=True)
class TestCell:
    """A graded test cell: its id, points, description and checks, and what its question forbids.

    ``forbidden`` and ``no_overflow`` come from the cell's metadata ``actlab: {forbidden: [...],
    no_overflow: true}`` (see :mod:`actlab.grading.shortcuts`): library shortcuts the answer may
    not use, and whether turning floating-point errors off counts as an overflow.
    """

    grade_id: str
    points: float
    index: int
    description: str
    calls: tuple[CheckCall, ...]
    forbidden: tuple[str, ...] = ()
    no_overflow: bool = False
    descriptions: tuple[tuple[str, str], ...] = ()

    def describe(self, lang: str = "en") -> str:
        """The test's description in ``lang`` (from that language's docstring), else English."""
        from actlab.i18n import normalize_lang

        return dict(self.descriptions).get(normalize_lang(lang), self.description)


_ITEM = re.compile(r"^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _question_rules(cell: dict[str, Any], where: str) -> tuple[tuple[str, ...], bool]:
    meta = cell.get("metadata", {}).get("actlab", {})
    if not isinstance(meta, dict):
        raise PlanError(f"{where}: cell metadata 'actlab' must be an object")
    forbidden = meta.get("forbidden", [])
    if not (
        isinstance(forbidden, list)
        and all(isinstance(i, str) and _ITEM.match(i) for i in forbidden)
    ):
        raise PlanError(
            f"{where}: cell metadata actlab.forbidden must be a list of dotted names "
            "('scipy', 'torch.nn.PReLU') or methods ('.backward')"
        )
    no_overflow = meta.get("no_overflow", False)
    if not isinstance(no_overflow, bool):
        raise PlanError(f"{where}: cell metadata actlab.no_overflow must be true or false")
    return tuple(forbidden), no_overflow


@dataclass(frozen=True)
class ExercisePlan:
    """Everything the grader takes from an instructor's source notebook."""

    exercise: str
    path: Path
    notebook: dict[str, Any] = field(repr=False)
    forbidden: tuple[str, ...]
    check_modules: tuple[str, ...]
    tests: tuple[TestCell, ...]
    source: dict[str, Any] = field(default_factory=dict, repr=False)
    views: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.views) or ("en",)

    def view(self, lang: str = "en") -> dict[str, Any]:
        """The source in ``lang`` (:func:`~actlab.grading.languages.language_view`); the English
        view for a language the source does not have. ``notebook`` is the English view."""
        from actlab.i18n import normalize_lang

        try:
            code = normalize_lang(lang)
        except (TypeError, ValueError):
            code = "en"
        return self.views.get(code, self.notebook)

    @property
    def max_points(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def grade_ids(self) -> tuple[str, ...]:
        return tuple(t.grade_id for t in self.tests)

    def test(self, gid: str) -> TestCell:
        for t in self.tests:
            if t.grade_id == gid:
                return t
        raise KeyError(f"ExercisePlan.test: no test cell {gid!r} in {self.exercise}")

    def probe_plan(self) -> dict[str, list[dict[str, Any]]]:
        """The JSON the probe reads in the kernel: per grade_id, its check calls."""
        return {t.grade_id: [c.to_json() for c in t.calls] for t in self.tests}


def _hidden_lines(source: str) -> set[int]:
    hidden: set[int] = set()
    inside = False
    for lineno, line in enumerate(source.split("\n"), start=1):
        if HIDDEN_BEGIN in line:
            if inside:
                raise PlanError("nested '### BEGIN HIDDEN TESTS'")
            inside = True
        elif HIDDEN_END in line:
            if not inside:
                raise PlanError("'### END HIDDEN TESTS' without a BEGIN")
            inside = False
        elif inside:
            hidden.add(lineno)
    if inside:
        raise PlanError("'### BEGIN HIDDEN TESTS' without an END")
    return hidden


def _literal(node: ast.expr, what: str) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise PlanError(f"{what} is not a literal") from None
    try:
        return json.loads(json.dumps(value, allow_nan=True))
    except (TypeError, ValueError):
        raise PlanError(f"{what} is not JSON-serialisable") from None


def parse_test_cell(source: str, gid: str = "?") -> tuple[str, tuple[CheckCall, ...]]:
    """Parse a test cell into its docstring and its ``check`` calls.

    Args:
        source: the cell's source, hidden block included.
        gid: the cell's grade_id, for messages.

    Returns:
        ``(description, calls)``.

    Raises:
        PlanError: the cell contains something other than a docstring, the ``check`` import and
            ``check`` calls with a string name, bare-name objects and literal keywords.

    Examples:
        >>> desc, calls = parse_test_cell("'''Check f'''\\ncheck('f', f, x=[1.0])")
        >>> desc, calls[0].name, calls[0].objects, calls[0].case
        ('Check f', 'f', ('f',), {'x': [1.0]})
    """
    where = f"test cell {gid!r}"
    try:
        hidden = _hidden_lines(source)
        tree = ast.parse(source)
    except PlanError as exc:
        raise PlanError(f"{where}: {exc}") from None
    except SyntaxError as exc:
        raise PlanError(f"{where}: syntax error on line {exc.lineno}: {exc.msg}") from None
    description = ""
    calls: list[CheckCall] = []
    for pos, stmt in enumerate(tree.body):
        at = f"{where}, line {stmt.lineno}"
        if (
            pos == 0
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            description = stmt.value.value.strip()
            continue
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            if (
                isinstance(stmt, ast.ImportFrom)
                and stmt.module in _CHECK_MODULES
                and [a.name for a in stmt.names] == ["check"]
                and not stmt.names[0].asname
            ):
                continue
            raise PlanError(f"{at}: only 'from actlab.grading import check' may be imported")
        if not (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "check"
        ):
            raise PlanError(
                f"{at}: a test cell may contain only a docstring and check(...) calls, "
                f"found {type(stmt).__name__}"
            )
        call = stmt.value
        if not call.args or not (
            isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
        ):
            raise PlanError(f"{at}: check's first argument must be the check's name as a string")
        objects = []
        for arg in call.args[1:]:
            if not isinstance(arg, ast.Name):
                raise PlanError(
                    f"{at}: check's positional arguments must be bare names of student objects"
                )
            objects.append(arg.id)
        case: dict[str, Any] = {}
        for kw in call.keywords:
            if kw.arg is None:
                raise PlanError(f"{at}: check(**kwargs) is not allowed; spell the case keywords")
            if kw.arg == "lang":
                if not (isinstance(kw.value, ast.Name) and kw.value.id == "LANG"):
                    raise PlanError(f"{at}: lang= takes the notebook's LANG, as lang=LANG")
                continue
            case[kw.arg] = _literal(kw.value, f"{at}: keyword {kw.arg!r}")
        lines = set(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
        is_hidden = bool(lines & hidden)
        if is_hidden and not lines <= hidden:
            raise PlanError(f"{at}: a check call straddles the hidden-tests markers")
        calls.append(CheckCall(call.args[0].value, tuple(objects), case, is_hidden, stmt.lineno))
    if not calls:
        raise PlanError(f"{where}: no check(...) call")
    return description, tuple(calls)


def _validate_checks(plan_tests: list[TestCell], where: str) -> None:
    from actlab.grading.spec import get_check

    for test in plan_tests:
        for call in test.calls:
            try:
                get_check(call.name)
            except KeyError as exc:
                raise PlanError(f"{where}: test cell {test.grade_id!r}: {exc.args[0]}") from None


def import_check_modules(modules: tuple[str, ...]) -> None:
    """Import the extra modules that register an exercise's checks (``check_modules``)."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def load_plan(
    path: str | os.PathLike[str], exercise: str | None = None, validate: bool = True
) -> ExercisePlan:
    """Read an instructor's source notebook and build its :class:`ExercisePlan`.

    Args:
        path: ``exercises/source/NAME.ipynb``.
        exercise: the expected exercise name; the notebook's ``actlab.exercise`` metadata must match.
        validate: also check that every check named in a test cell is registered.

    Raises:
        PlanError: missing metadata, duplicate grade_ids, a malformed test cell or an unknown check.
    """
    path = Path(path)
    try:
        source = read_notebook(path)
        views = {lang: language_view(source, lang) for lang in source_languages(source)}
    except InvalidNotebook as exc:
        raise PlanError(str(exc)) from None
    except ValueError as exc:
        raise PlanError(f"{path}: {exc}") from None
    nb = views.get("en", source)
    meta = exercise_metadata(nb)
    name = meta.get("exercise")
    if not isinstance(name, str) or not name:
        raise PlanError(f"{path}: notebook metadata has no 'actlab': {{'exercise': NAME}}")
    if exercise is not None and name != exercise:
        raise PlanError(f"{path}: this is exercise {name!r}, not {exercise!r}")
    forbidden = meta.get("forbidden", [])
    modules = meta.get("check_modules", [])
    for key, value in (("forbidden", forbidden), ("check_modules", modules)):
        if not (isinstance(value, list) and all(isinstance(m, str) for m in value)):
            raise PlanError(f"{path}: metadata actlab.{key} must be a list of module names")
    seen: set[str] = set()
    tests: list[TestCell] = []
    for index, cell in enumerate(nb["cells"]):
        gid = grade_id(cell)
        if gid is None:
            if is_test(cell) or is_solution(cell) or is_locked(cell):
                raise PlanError(f"{path}: cell {index} is an nbgrader cell without a grade_id")
            continue
        if gid in seen:
            raise PlanError(f"{path}: grade_id {gid!r} appears twice")
        seen.add(gid)
        if is_test(cell):
            description, calls = parse_test_cell(cell_source(cell), gid)
            rules = _question_rules(cell, f"{path}: test cell {gid!r}")
            descriptions = []
            for lang, view in views.items():
                other = view["cells"][index] if index < len(view["cells"]) else {}
                if grade_id(other) != gid:
                    raise PlanError(f"{path}: the {lang} view has no test cell {gid!r} at {index}")
                described, same = parse_test_cell(cell_source(other), gid)
                if [c.to_json() for c in same] != [c.to_json() for c in calls]:
                    raise PlanError(f"{path}: test cell {gid!r} checks other things in {lang}")
                descriptions.append((lang, described))
            tests.append(
                TestCell(gid, points(cell), index, description, calls, *rules, tuple(descriptions))
            )
    if not tests:
        raise PlanError(f"{path}: no test cells (code cells with nbgrader grade: true)")
    if validate:
        import_check_modules(tuple(modules))
        _validate_checks(tests, str(path))
    return ExercisePlan(
        exercise=name,
        path=path,
        notebook=nb,
        forbidden=tuple(forbidden),
        check_modules=tuple(modules),
        tests=tuple(tests),
        source=source,
        views=views,
    )
