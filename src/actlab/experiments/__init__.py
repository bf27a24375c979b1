"""The experiments the chapters call. Each is seeded, deterministic, returns plain data (dicts, numpy
arrays, lists of dicts) and runs in seconds on one CPU thread.

Modules load on first use (``actlab.experiments.overview``), so importing one topic never pays for
the others. Functions that label results for printing (``*_table``, ``*_rows``, ``*_facts``) take
``lang``, ``"en"`` or ``"zh"`` (:mod:`actlab.i18n`).

Chapter 1: ``overview`` (linear collapse, decision boundaries, the properties of an activation,
bounded outputs), ``approximation`` (one hidden layer approximating a function as its width grows)
and ``gates`` (sigmoid and tanh inside GRU and LSTM cells).
Chapter 2: ``gradients`` (the backward signal and weight gradients per layer, dead units,
exploding gradients), ``saturation`` (Glorot and Bengio's
saturation, how fast sigmoid and tanh saturate), ``centring`` (why a zero-centred hidden unit
trains better), ``stability`` (textbook formulas against the package's) and ``profiles`` (the
numbers of the four steps for one activation: range, derivative peak, kink values).
Chapter 3: ``selection`` and ``timing`` (the criteria and the compute cost), ``output_layers``,
``dead_units``, ``learnable`` (PReLU's slope and Swish's beta), ``initialisation``, ``propagation``
and ``self_normalisation`` (Xavier, He and SELU's fixed point, with Dropout and AlphaDropout),
``dropout`` (a ReLU network trained with Dropout, against noisy inputs and lost units), ``tuning``
and ``cross_validation``.
Chapter 4: ``image_recognition``, ``speech``, ``transformer``, ``recurrent`` and
``gelu_approximations``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from actlab.reproducibility import seed_everything

__all__ = ["seed_everything"]


def __getattr__(name: str) -> ModuleType:
    if not name.startswith("_") and any(m.name == name for m in pkgutil.iter_modules(__path__)):
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'actlab.experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(
        [*__all__, *(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))]
    )
