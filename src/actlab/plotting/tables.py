"""Plain-text tables of experiment rows, rounded so that a stored chapter replays exactly.

A chapter prints a table with ``print(format_table(rows, columns))``. Floats are shown with three
significant digits (training results differ in the last bits between CPUs; rounding hides that),
booleans as ``yes``/``no`` and ``None`` as ``-``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["format_cell", "format_table"]


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
