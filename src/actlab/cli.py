"""The ``actlab`` command: ``start``, ``release``, ``grade``, ``validate`` and ``info``.

Exit codes: 0 success; 1 the work ran but something failed (a test in ``validate``, a grader error
in ``grade``); 2 a usage error (bad arguments, missing files, an unknown exercise); 3 no sandbox.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_SANDBOX = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {text!r}")
    return value


def _mebibytes(text: str) -> int:
    return _positive_int(text) * 2**20


# --- start ------------------------------------------------------------------------------------


def _lang(text: str) -> str:
    from actlab.i18n import normalize_lang

    try:
        return normalize_lang(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_start(args: argparse.Namespace) -> int:
    from actlab.i18n import t
    from actlab.lab import lab_command, lab_environment, start_page
    from actlab.workspace import copy_exercises, course_root

    try:
        course = course_root(args.course)
    except FileNotFoundError as exc:
        raise UsageError(f"start: {exc}") from None
    lang = args.lang or "en"
    copies = copy_exercises(course)
    where = copies.folder.relative_to(course)
    if copies.copied:
        # an exercise comes in two notebooks, NAME.ipynb and NAME.zh-CN.ipynb: count exercises
        exercises = {path.name.split(".", 1)[0] for path in copies.copied}
        print(t("start.copied", lang, n=len(exercises), where=where))
    if copies.kept:
        print(t("start.kept", lang, n=len(copies.kept), where=where))
    if args.no_lab:
        return EXIT_OK
    page = start_page(course, args.lang)
    print(t("start.opening", lang, page=page))
    cmd = lab_command(course, port=args.port, open_path=page)
    env = lab_environment(lang=args.lang)
    sys.stdout.flush()
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)  # JupyterLab takes over this process, and Ctrl-C with it
    import subprocess

    return subprocess.call(cmd, env=env)


# --- release ----------------------------------------------------------------------------------


def cmd_release(args: argparse.Namespace) -> int:
    from actlab.grading.release import ReleaseError, release_all

    source = Path(args.source)
    if not source.is_dir():
        raise UsageError(f"release: the source directory {source} does not exist")
    try:
        written = release_all(source, args.release, args.exercise, force=args.force)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except (ReleaseError, ValueError) as exc:
        print(f"actlab release: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


# --- grade ------------------------------------------------------------------------------------


def cmd_grade(args: argparse.Namespace) -> int:
    from actlab.grading.batch import grade_batch
    from actlab.grading.grader import Grader, Settings
    from actlab.grading.plan import PlanError, load_plan
    from actlab.grading.results import ResultStore
    from actlab.grading.sandbox import Limits, SandboxUnavailable

    source = Path(args.source) / f"{args.exercise}.ipynb"
    regrade = _regrade_statuses(args)
    if not args.submissions:
        raise UsageError("grade: give at least one SUBMISSION.ipynb")
    if not source.is_file():
        known = sorted(p.stem for p in Path(args.source).glob("*.ipynb"))
        raise UsageError(
            f"grade: no source notebook {source} for exercise {args.exercise!r} "
            f"(exercises in {args.source}: {', '.join(known) or 'none'})"
        )
    try:
        plan = load_plan(source, args.exercise)
    except PlanError as exc:
        raise UsageError(f"grade: {exc}") from None
    limits = Limits(
        memory_bytes=args.memory,
        processes=args.max_processes,
        disk_bytes=args.disk,
        disk_entries=args.max_files,
    )
    settings = Settings(
        timeout=args.timeout,
        cell_timeout=min(args.cell_timeout, args.timeout),
        sandbox=not args.no_sandbox,
        limits=limits,
        preload=not args.no_preload,
        lang=args.lang,
    )
    if args.no_sandbox:
        print(
            "actlab grade: WARNING: --no-sandbox runs student code with your permissions; "
            "it can read the hidden tests and change the grades",
            file=sys.stderr,
        )
    try:
        store = ResultStore(args.out, plan.exercise, plan.grade_ids, args.feedback)
    except ValueError as exc:
        raise UsageError(f"grade: {exc}") from None
    try:
        grader = Grader(plan, settings)
    except SandboxUnavailable as exc:
        print(f"actlab grade: {exc}", file=sys.stderr)
        return EXIT_NO_SANDBOX
    with grader:
        report = grade_batch(
            grader, list(args.submissions), store, args.jobs, progress=None, regrade=regrade
        )
    counts: dict[str, int] = {}
    for r in report.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    states = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(
        f"{len(report.results)} submission(s) of {plan.exercise}: {states}"
        + (f" ({report.resumed} already graded)" if report.resumed else "")
        + f"; {report.seconds:.1f} s; grades in {args.out}"
        + (f", feedback in {args.feedback}" if args.feedback else "")
    )
    if report.errors:
        print(
            f"actlab grade: {report.errors} submission(s) could not be graded (status error): "
            f"{report.first_error}\n"
            "  This is a problem of the grading machine, not of the submissions: fix it (run "
            "'actlab info --self-test' to check the sandbox), then run the same command again "
            "with --regrade error.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def _regrade_statuses(args: argparse.Namespace) -> set[str] | None:
    """The statuses ``--regrade`` names (``{"all"}`` for all); a value that is no status list is
    taken as a submission that came after a bare ``--regrade``."""
    from actlab.grading.grader import STATUSES

    value = args.regrade
    if value is None:
        return None
    names = {v.strip() for v in value.split(",") if v.strip()}
    if value == "all" or (names and names <= set(STATUSES)):
        return names or {"all"}
    if value.endswith(".ipynb") or Path(value).exists():
        args.submissions = [value, *args.submissions]
        return {"all"}
    raise UsageError(
        f"grade: --regrade takes 'all' or statuses separated by commas "
        f"({', '.join(STATUSES)}), got {value!r}"
    )


# --- validate ---------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from actlab.grading.validate import validate_notebook

    path = Path(args.notebook)
    if not path.is_file():
        raise UsageError(f"validate: no notebook {path}")
    try:
        report = validate_notebook(path, timeout=args.timeout, lang=args.lang)
    except ValueError as exc:
        raise UsageError(f"validate: {exc}") from None
    print(report.text())
    return EXIT_OK if report.all_passed else EXIT_FAILED


# --- info -------------------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    import actlab
    from actlab.grading.sandbox import sandbox_status

    print(f"actlab {actlab.__version__} (python {sys.version.split()[0]}, {sys.executable})")
    try:
        from actlab.activations.registry import REGISTRY

        print(f"activations in the registry: {len(REGISTRY)}")
    except Exception as exc:  # noqa: BLE001 -- info reports whatever state the package is in
        print(f"activations in the registry: unavailable ({type(exc).__name__}: {exc})")
    try:
        from actlab.grading.spec import registered_checks

        print(f"registered checks: {len(registered_checks())}")
    except Exception as exc:  # noqa: BLE001
        print(f"registered checks: unavailable ({type(exc).__name__}: {exc})")
    source = Path(args.source)
    names = sorted(p.stem for p in source.glob("*.ipynb")) if source.is_dir() else []
    print(f"exercises in {source}: {', '.join(names) if names else 'none'}")
    status = sandbox_status()
    state = "available" if status.available else "NOT available"
    print(f"sandbox: {state} (bwrap: {status.bwrap or 'not found'}; {status.reason})")
    print(f"process limit: {status.process_limit}")
    print(f"memory limit: {status.memory_limit}")
    print(f"cpu limit: {status.cpu_limit}; cores: {os.cpu_count()}")
    if not status.memory_limit.startswith("memory cgroup"):
        print(
            "  without cgroups the grader polls the sandbox: a submission can exceed its memory "
            "or process limit for up to a fifth of a second before it is stopped, and nothing "
            "keeps one submission to one core (see docs/grading.md, 'Without root')"
        )
    if args.self_test:
        return _self_test(status.available, source)
    return EXIT_OK


def _self_test(sandbox: bool, source: Path) -> int:
    import tempfile

    from actlab.grading import selftest
    from actlab.grading.grader import Grader, Settings, exercise_imports
    from actlab.grading.notebook import write_notebook
    from actlab.grading.plan import PlanError, load_plan
    from actlab.grading.release import release_notebook
    from actlab.grading.session import SandboxFailed

    if not sandbox:
        print("self-test: skipped, no sandbox", file=sys.stderr)
        return EXIT_NO_SANDBOX
    ok = True
    with tempfile.TemporaryDirectory(prefix="actlab-selftest-") as tmp:
        src = Path(tmp) / f"{selftest.EXERCISE}.ipynb"
        write_notebook(selftest.source_notebook(), src)
        plan = load_plan(src)
        with Grader(plan, Settings(timeout=120, cell_timeout=30)) as grader:
            for label, nb, want in (
                ("solution", selftest.solution_notebook(), plan.max_points),
                ("release", release_notebook(selftest.source_notebook()), 0.0),
            ):
                path = Path(tmp) / f"{label}.ipynb"
                write_notebook(nb, path)
                t0 = time.monotonic()
                result = grader.grade(str(path))
                good = result.status == "graded" and result.points == want
                ok &= good
                print(
                    f"self-test {label}: {result.points:g}/{result.max_points:g} "
                    f"({result.status}, {time.monotonic() - t0:.2f} s) "
                    f"{'ok' if good else 'UNEXPECTED: ' + result.message}"
                )
    # Every exercise's own imports, in a sandbox made as for grading it (its poison included).
    for path in sorted(source.glob("*.ipynb")) if source.is_dir() else []:
        try:
            plan = load_plan(path)
        except PlanError as exc:
            ok = False
            print(f"self-test {path.stem}: UNEXPECTED: {exc}")
            continue
        t0 = time.monotonic()
        with Grader(plan, Settings(timeout=300, cell_timeout=300, preload=False)) as grader:
            grader.required = exercise_imports(plan)
            try:
                run = grader.run_cells([])
                good, why = run.status == "graded", run.message
            except SandboxFailed as exc:
                good, why = False, str(exc)
        ok &= good
        print(
            f"self-test {path.stem}: {len(grader.required)} modules import in the sandbox "
            f"({time.monotonic() - t0:.2f} s) {'ok' if good else 'UNEXPECTED: ' + why}"
        )
    return EXIT_OK if ok else EXIT_FAILED


# --- the parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actlab",
        description="Start the actlab course, and release, grade and validate its exercises.",
        epilog="Exit codes: 0 ok, 1 something failed, 2 usage error, 3 no sandbox available.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "start",
        help="copy the exercises into work/ and open the course in JupyterLab",
        description="Copy each exercise of the course into work/ (once: a notebook already "
        "there is never replaced), then open JupyterLab on the start page.",
    )
    p.add_argument("--course", default=".", metavar="DIR", help="the course folder (%(default)s)")
    p.add_argument("--port", type=_positive_int, metavar="N", help="JupyterLab's port")
    p.add_argument(
        "--lang",
        type=_lang,
        metavar="LANG",
        help="the course's language, en or zh (zh-CN): JupyterLab's interface, the start page "
        "(index.zh-CN.ipynb when the course has it) and these messages; default: JupyterLab's "
        "own setting and the English start page",
    )
    p.add_argument("--no-lab", action="store_true", help="only copy the exercises")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser(
        "release",
        help="write the student versions of the exercises",
        description="Write exercises/release/NAME.ipynb (and NAME.zh-CN.ipynb for a source with "
        "both languages) from exercises/source/NAME.ipynb: solutions become '# YOUR CODE HERE' / "
        "'raise NotImplementedError()', hidden tests are removed, outputs are cleared.",
    )
    p.add_argument("--exercise", metavar="NAME", help="only this exercise (default: all)")
    p.add_argument("--source", default="exercises/source", metavar="DIR", help="%(default)s")
    p.add_argument("--release", default="exercises/release", metavar="DIR", help="%(default)s")
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite release notebooks that differ from what would be written (without it, "
        "such a notebook, which a learner may have worked in, is left alone and the command "
        "fails)",
    )
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "grade",
        help="grade submissions in sandboxed kernels",
        description="Grade submitted notebooks of one exercise. Test cells come from the "
        "instructor's source; each submission runs in a fresh sandboxed kernel; outputs are "
        "judged outside it. Results are written as each submission finishes, and a re-run with "
        "the same --out skips submissions already graded.",
        epilog="Exit codes: 0 every submission got a row, 1 a grader error occurred (the row "
        "says so), 2 usage error, 3 no sandbox (install bubblewrap).",
    )
    p.add_argument("submissions", nargs="*", metavar="SUBMISSION.ipynb")
    p.add_argument("--exercise", required=True, metavar="NAME", help="the exercise graded")
    p.add_argument("--out", required=True, metavar="CSV", help="the grades file to write")
    p.add_argument("--source", default="exercises/source", metavar="DIR", help="%(default)s")
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="kernels at a time (default: the number of cores, %(default)s)",
    )
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=600.0,
        metavar="S",
        help="seconds for a whole notebook (default %(default)g)",
    )
    p.add_argument(
        "--cell-timeout",
        type=_positive_float,
        default=60.0,
        metavar="S",
        help="seconds for one cell (default %(default)g)",
    )
    p.add_argument("--feedback", metavar="DIR", help="write one feedback .txt per submission here")
    p.add_argument(
        "--memory",
        type=_mebibytes,
        default=3 * 1024 * 2**20,
        metavar="MIB",
        help="memory of a submission's whole process tree in MiB (default 3072)",
    )
    p.add_argument(
        "--max-processes",
        type=_positive_int,
        default=64,
        metavar="N",
        help="processes and threads of a kernel (default %(default)s)",
    )
    p.add_argument(
        "--disk",
        type=_mebibytes,
        default=256 * 2**20,
        metavar="MIB",
        help="what a submission may write to its home, /tmp and /dev/shm, in MiB, directories "
        "counted (default 256)",
    )
    p.add_argument(
        "--max-files",
        type=_positive_int,
        default=20_000,
        metavar="N",
        help="files and directories a submission may make there (default %(default)s)",
    )
    p.add_argument(
        "--no-preload",
        action="store_true",
        help="start a fresh interpreter per submission instead of forking it from a warm sandbox "
        "that has the exercise's imports loaded (slower; same isolation)",
    )
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="UNSAFE: run student code without bubblewrap, with your own permissions",
    )
    p.add_argument(
        "--lang",
        type=_lang,
        metavar="LANG",
        help="the language of the feedback files, en or zh (zh-CN), for every submission; "
        "default: each submission's own (its metadata actlab.lang, as the release notebooks "
        "NAME.ipynb and NAME.zh-CN.ipynb set it)",
    )
    p.add_argument(
        "--regrade",
        nargs="?",
        const="all",
        metavar="STATUS[,STATUS]",
        help="grade again submissions already in the journal: all of them (bare --regrade), or "
        "those whose last status is one of these (e.g. --regrade error,crashed)",
    )
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser(
        "validate",
        help="run a notebook and report its visible tests",
        description="Run NOTEBOOK top to bottom (as Jupyter would, with its tests as written) "
        "and report each test cell: pass, or fail with the check's message.",
    )
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=120.0,
        metavar="S",
        help="seconds for one cell (default %(default)g)",
    )
    p.add_argument(
        "--lang",
        type=_lang,
        metavar="LANG",
        help="run the notebook and report in this language, en or zh (zh-CN); default: the "
        "notebook's own (its metadata actlab.lang)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "info",
        help="versions, exercises and whether grading can be sandboxed here",
        description="Print the version, the registry and check counts, the exercises found and "
        "whether the grading sandbox is available.",
    )
    p.add_argument("--source", default="exercises/source", metavar="DIR", help="%(default)s")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="also grade the built-in two-question exercise in the sandbox",
    )
    p.set_defaults(func=cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"actlab {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("actlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
