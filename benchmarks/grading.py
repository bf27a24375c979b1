"""Grade the same submissions with ``actlab grade`` and with nbgrader's ``autograde``; print the ratio.

Usage: ``python benchmarks/grading.py [--exercise NAME] [--n 24] [--jobs N]`` (needs the ``compat``
extra for nbgrader: ``pip install -e '.[compat]'``). Takes a few minutes: nbgrader is serial.

The submissions are made the way students make them: nbgrader's ``generate_assignment`` writes the
student version of ``exercises/source/NAME.ipynb``; half of the submissions then get the source's
solution cells filled in (full marks), the other half are handed in untouched (zero). Both graders
get the very same files. Each grader runs as its own command, timed end to end (interpreter start,
imports, kernels, writing grades): ``actlab grade --jobs N`` with its sandbox, and ``nbgrader
autograde`` (serial, no sandbox). The script also checks that both graders give every submission the
same score, and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(cmd: list[str], cwd: Path) -> float:
    # nbgrader runs the 'alembic' and 'jupyter' commands of its environment from PATH.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"grading benchmark: {cmd[0]} failed with exit code {proc.returncode}")
    return elapsed


def _make_course(root: Path, exercise: str, n: int) -> list[Path]:
    course = root / "course"
    (course / "source" / exercise).mkdir(parents=True)
    source_nb = REPO / "exercises" / "source" / f"{exercise}.ipynb"
    shutil.copy(source_nb, course / "source" / exercise / f"{exercise}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.course_id = 'actlab'\n"
        "c.Execute.timeout = 600\n"
    )
    _run([str(BIN / "nbgrader"), "generate_assignment", exercise, "--force"], course)
    release = json.loads((course / "release" / exercise / f"{exercise}.ipynb").read_text())
    source = json.loads(source_nb.read_text())
    solutions = {
        c["metadata"]["nbgrader"]["grade_id"]: c["source"]
        for c in source["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    paths = []
    for i in range(n):
        nb = json.loads(json.dumps(release))
        if i % 2 == 0:
            for cell in nb["cells"]:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in solutions:
                    cell["source"] = solutions[gid]
        student = f"student{i:02d}"
        path = course / "submitted" / student / exercise / f"{exercise}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(nb, indent=1))
        paths.append(path)
    return paths


def _nbgrader_scores(course: Path, exercise: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(exercise)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--exercise",
        default="04_leaky_prelu",
        help="%(default)s by default: it imports torch, the costly case for both graders",
    )
    parser.add_argument("--n", type=int, default=24, help="number of submissions (%(default)s)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        raise SystemExit(
            "grading benchmark: nbgrader is not installed (pip install -e '.[compat]')"
        ) from None
    sources = sorted((REPO / "exercises" / "source").glob("*.ipynb"))
    if not sources:
        raise SystemExit("grading benchmark: no exercises in exercises/source")
    exercise = args.exercise
    if not (REPO / "exercises" / "source" / f"{exercise}.ipynb").is_file():
        known = ", ".join(p.stem for p in sources)
        raise SystemExit(f"grading benchmark: no exercise {exercise!r} (known: {known})")
    with tempfile.TemporaryDirectory(prefix="actlab-bench-") as tmp:
        root = Path(tmp)
        paths = _make_course(root, exercise, args.n)
        course = root / "course"
        out = root / "grades.csv"
        t_ours = _run(
            [
                str(BIN / "actlab"),
                "grade",
                *map(str, paths),
                "--exercise",
                exercise,
                "--source",
                str(REPO / "exercises" / "source"),
                "--out",
                str(out),
                "--jobs",
                str(args.jobs),
            ],
            REPO,
        )
        t_nbgrader = _run([str(BIN / "nbgrader"), "autograde", exercise, "--force"], course)
        with open(out, newline="") as fh:
            ours = {Path(r["submission"]).parts[-3]: float(r["points"]) for r in csv.DictReader(fh)}
        theirs = _nbgrader_scores(course, exercise)
    agree = sum(ours.get(s) == theirs.get(s) for s in theirs)
    print(f"exercise {exercise}: {args.n} submissions, {os.cpu_count()} cores")
    print(f"{'grader':<28}{'seconds':>10}{'per submission':>16}")
    print(f"{'actlab grade --jobs ' + str(args.jobs):<28}{t_ours:>10.1f}{t_ours / args.n:>16.2f}")
    print(f"{'nbgrader autograde':<28}{t_nbgrader:>10.1f}{t_nbgrader / args.n:>16.2f}")
    print(f"ratio (nbgrader / actlab): {t_nbgrader / t_ours:.2f}x")
    print(f"same score from both graders: {agree} of {len(theirs)} submissions")
    if agree != len(theirs):
        diff = {s: (ours.get(s), theirs[s]) for s in theirs if ours.get(s) != theirs[s]}
        print(f"scores that differ (actlab, nbgrader): {diff}")


if __name__ == "__main__":
    main()
