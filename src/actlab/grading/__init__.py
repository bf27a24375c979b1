"""Grading: instant feedback in the notebook (``check``), release, and the sandboxed batch grader.

``from actlab.grading import check`` is what a test cell imports; it is cheap (numpy only). The
release, grader and CLI modules load on use.
"""

from actlab.grading.spec import CheckSpec, ProbeError, Verdict, check, get_check, register

__all__ = ["CheckSpec", "ProbeError", "Verdict", "check", "get_check", "register"]
