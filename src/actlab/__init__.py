"""actlab: activation functions of fully-connected layers, taught by experiment.

``import actlab as al`` is cheap: the subpackages load on first use, so the grader and the command
line do not pay for torch or matplotlib until they need them.

Subpackages and modules:

- ``al.activations``: numpy forwards and derivatives, torch autograd functions and modules, and the
  registry of activation records;
- ``al.networks``: a numpy dense layer and MLP with backward passes, and the torch ``make_mlp``;
- ``al.data``: seeded synthetic sets and scikit-learn's bundled sets;
- ``al.experiments``: the functions the chapters call, each returning plain data;
- ``al.plotting``: the only place that styles a figure;
- ``al.widgets``: the interactive explorers;
- ``al.grading``: instant feedback (``check``), release and the batch grader;
- ``al.gradient_check`` and ``al.reproducibility``: small helpers.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "activations",
    "data",
    "experiments",
    "gradient_check",
    "grading",
    "networks",
    "plotting",
    "reproducibility",
    "widgets",
]
_SUBMODULES = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'actlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
