"""Plain-text tables of experiment rows, rounded so that a stored chapter replays exactly.

A chapter prints a table with ``print(format_table(rows, columns))``. Floats are shown with three
significant digits (training results differ in the last bits between CPUs; rounding hides that),
booleans as ``yes``/``no`` and ``None`` as ``-``. A few labelled numbers print with
:func:`format_facts`.

A difference at rounding level (two float64 routes to the same number) has last digits that depend
on the CPU's vector instructions, so printing it as ``4.4e-16`` would not replay on another
machine. :class:`Below` prints it as an upper bound, ``< 1e-13``, which does.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Below", "format_cell", "format_facts", "format_table"]


class Below:
    """A non-negative magnitude known to be below ``bound``, shown as ``"< bound"``.

    Use it for rounding-level differences, whose exact value varies between CPUs. If the value
    is not below the bound it is shown as it is, so a real disagreement still prints.

    Args:
        value: the measured magnitude (>= 0, or NaN).
        bound: the bound, > 0.

    Examples::

        >>> str(Below(4.4e-16, 1e-13)), str(Below(2e-3, 1e-13))
        ('< 1e-13', '0.002')
    """

    def __init__(self, value: float, bound: float) -> None:
        value, bound = float(value), float(bound)
        if not bound > 0:
            raise ValueError(f"Below: bound must be > 0, got {bound!r}")
        if value < 0:
            raise ValueError(f"Below: value must be a magnitude (>= 0), got {value!r}")
        self.value = value
        self.bound = bound

    def __str__(self) -> str:
        if self.value < self.bound:
            return f"< {self.bound:g}"
        return format_cell(self.value)

    def __repr__(self) -> str:
        return f"Below({self.value!r}, {self.bound!r})"


def format_cell(value: Any, digits: int = 3) -> str:
    """One value as table text.

    Examples::

        >>> format_cell(0.123456), format_cell(True), format_cell(None), format_cell(2.0e-05)
        ('0.123', 'yes', '-', '2e-05')
    """
    if value is None:
        return "-"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}g}"
    return str(value)


def format_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    digits: int = 3,
) -> str:
    """Rows of dicts as an aligned text table.

    Args:
        rows: the rows, dicts sharing keys.
        columns: the keys to show, in order, or a mapping ``{key: header}``; default: the first
            row's keys.
        digits: significant digits of floats. Default: 3.

    Examples::

        >>> print(format_table([{"a": 1, "b": 0.5}, {"a": 10, "b": 0.25}]))
        a   b
        --  ----
        1   0.5
        10  0.25
    """
    if not rows:
        raise ValueError("format_table: rows must not be empty")
    if columns is None:
        columns = list(rows[0])
    headers = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    missing = [k for k in headers if any(k not in r for r in rows)]
    if missing:
        raise KeyError(f"format_table: some rows lack the columns {missing}")
    cells = [[format_cell(r[k], digits) for k in headers] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers.values())]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers.values(), widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def format_facts(facts: Mapping[str, Any], *, digits: int = 3) -> str:
    """Labelled values, one per line, the values aligned: ``label  value``.

    Args:
        facts: ``{label: value}`` in display order; values are formatted as table cells.
        digits: significant digits of floats. Default: 3.

    Examples::

        >>> print(format_facts({"rank of W": 3, "max |difference|": Below(4e-16, 1e-13)}))
        rank of W         3
        max |difference|  < 1e-13
    """
    if not facts:
        raise ValueError("format_facts: facts must not be empty")
    width = max(len(str(k)) for k in facts)
    return "\n".join(
        f"{str(k).ljust(width)}  {format_cell(v, digits)}".rstrip() for k, v in facts.items()
    )
