"""The machinery of ``benchmarks/exhaustive_f32.py`` on small ranges of float32 inputs.

The full run (all 2**32 patterns, about an hour) is a benchmark; these tests check its parts:
chunking, resuming from the chunk files, ULP counting, the detection of float32 rounding boundaries
(and their resolution by mpmath or an exact rule), the bound check, and that the script's float64
bounds are the ones the accuracy tests hold the kernels to.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
from fractions import Fraction
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import exhaustive_f32 as E

F32 = np.float32


def _accuracy_tests():
    spec = importlib.util.spec_from_file_location("_accuracy", Path(__file__).parent / "test_activations_accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _case(name: str) -> E.Case:
    return next(c for c in E.cases([name.rstrip("'")]) if c.name == name)


# --------------------------------------------------------------------------------------------
# chunks and resume
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "stop"), [(0x7F7FFFC0, 0x7F800080), (0xFF7FFF90, 0xFF800040),
                                             (0x00000000, 0x00000100), (0x3F800011, 0x3F8000F3)])
def test_chunks_cover_the_range_once_and_skip_only_inf_and_nan(start: int, stop: int) -> None:
    chunks = E.chunk_ranges(start, stop, 6)
    sizes = [hi - lo for lo, hi in chunks]
    covered = {b for lo, hi in chunks for b in range(lo, hi)}
    assert sum(sizes) == len(covered)  # no pattern twice
    assert all(lo // 64 == (hi - 1) // 64 for lo, hi in chunks)  # aligned chunks of 64
    every = np.arange(start, stop, dtype=np.uint64).astype(np.uint32)
    finite = np.isfinite(every.view(F32))
    assert {int(b) for b in every[finite]} <= covered  # every finite pattern is checked
    assert covered <= {int(b) for b in every}  # nothing outside the range
    assert sum(E.chunk_inputs(lo, hi).size for lo, hi in chunks) == int(finite.sum())


def test_chunk_inputs_are_the_finite_floats_of_the_patterns() -> None:
    x = E.chunk_inputs(0x7F7FFFFE, 0x7F800002)
    assert x.dtype == F32 and x.tolist() == [np.nextafter(F32(np.finfo(F32).max), F32(0)),
                                             np.finfo(F32).max]
    assert E.chunk_inputs(0xFF800000, 0xFF800010).size == 0


def test_a_run_resumes_from_its_chunk_files(tmp_path: Path) -> None:
    args = (0x3F800000, 0x3F800000 + 4 * 64, 6, tmp_path, ["relu", "sigmoid"], 2, 1)
    total, info = E.run(*args, progress=False)
    assert info["chunks"] == 4 and info["computed"] == 4
    assert total["sigmoid"].n == 256 and total["relu'"].correct == 256
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 4
    files[2].unlink()
    again, info2 = E.run(*args, progress=False)
    assert info2["computed"] == 1  # only the missing chunk
    strip = {f.name for f in dataclasses.fields(E.Stats)} - {"cpu"}
    for k in total:
        a, b = dataclasses.asdict(total[k]), dataclasses.asdict(again[k])
        assert {f: a[f] for f in strip} == {f: b[f] for f in strip}
    _, info3 = E.run(*args, progress=False)
    assert info3["computed"] == 0


def test_the_parallel_run_matches_the_serial_one(tmp_path: Path) -> None:
    args = (0xBF000000, 0xBF000000 + 6 * 32, 5, None, ["gelu"], 1)
    serial, _ = E.run(*args[:3], tmp_path / "a", *args[4:], jobs=1, progress=False)
    parallel, info = E.run(*args[:3], tmp_path / "b", *args[4:], jobs=2, progress=False)
    assert info["computed"] == 6
    for k in serial:
        assert (serial[k].n, serial[k].correct, serial[k].over1, serial[k].max_err) == (
            parallel[k].n, parallel[k].correct, parallel[k].over1, parallel[k].max_err)


# --------------------------------------------------------------------------------------------
# counting and deciding
# --------------------------------------------------------------------------------------------


def _shifted(case: E.Case, ulps: int) -> E.Case:
    """``case`` with ours moved ``ulps`` float32 units up from the correctly rounded result."""

    def ours(x: np.ndarray) -> np.ndarray:
        y = case.ours(x)
        for _ in range(ulps):
            y = np.nextafter(y, F32(np.inf))
        return y

    return dataclasses.replace(case, name=f"{case.name}+{ulps}", ours=ours)


@pytest.mark.parametrize("ulps", [0, 1, 2])
def test_ulp_counting(ulps: int) -> None:
    """Counts and the largest error against errors computed here with mpmath, input by input."""
    base = _case("sigmoid")
    case = _shifted(base, ulps)
    lo = 0x3F000000  # x in [0.5, 0.5 + 2^-17): sigmoid about 0.62, inside one binade
    res = E.run_chunk(lo, lo + 1024, [case], n_verify=4)[case.name]
    x = E.chunk_inputs(lo, lo + 1024)
    ours = case.ours(x)
    errs, correct = [], 0
    with mp.workdps(40):
        for xi, oi in zip(x, ours, strict=True):
            exact = base.exact(mp.mpf(float(xi)))
            cr, ulp = E.mp_round32(exact)
            correct += float(oi) == cr
            errs.append(float(abs(mp.mpf(float(oi)) - exact) / ulp))
    errs = np.array(errs)
    assert res.n == 1024
    assert res.correct == correct == (1024 if ulps == 0 else 0)
    assert res.over1 == int(np.count_nonzero(errs > 1))
    assert 0 < res.over1 < 1024 if ulps == 1 else res.over1 == (1024 if ulps == 2 else 0)
    assert res.max_err == pytest.approx(errs.max(), abs=1e-6)
    assert res.worst == float(x[np.argmax(errs)])
    assert res.violations == 0 and res.verified >= 4


def test_a_nan_for_a_finite_value_is_an_infinite_error() -> None:
    base = _case("tanh")

    def ours(x: np.ndarray) -> np.ndarray:
        y = base.ours(x)
        y[3] = np.nan
        return y

    res = E.run_chunk(0x3F000000, 0x3F000000 + 64, [dataclasses.replace(base, ours=ours)], 0)["tanh"]
    assert res.over1 == 1 and res.correct == 63 and math.isinf(res.max_err)
    assert res.worst == float(E.chunk_inputs(0x3F000000, 0x3F000000 + 64)[3])


def test_midpoints_go_to_mpmath_and_exact_ties_round_to_even() -> None:
    """x/2 at odd subnormal x is halfway between two float32 numbers: the bound cannot decide."""
    half = E.Case("half", lambda x: (x.astype(np.float64) / 2).astype(F32),
                  lambda x: x / 2, lambda x: x / 2, E.Bound(rel=1.0))
    lo = 0x00000100
    res = E.run_chunk(lo, lo + 64, [half], n_verify=0)["half"]
    assert res.resolved == 32  # the 32 odd patterns
    assert res.correct == 64 and res.max_err == 0.5  # float32's own rounding breaks ties to even
    wrong = dataclasses.replace(half, ours=lambda x: np.nextafter((x.astype(np.float64) / 2).astype(F32),
                                                                   F32(np.inf)))
    res = E.run_chunk(lo, lo + 64, [wrong], n_verify=0)["half"]
    # one unit up: exactly 1 ULP off at the even patterns (where only mpmath can tell 1 from
    # 1 + delta), 0.5 or 1.5 at the odd ones (the tie went down or up to the even neighbour)
    assert res.correct == 0 and res.resolved == 64
    assert res.over1 == 16 and res.max_err == 1.5


def test_the_taylor_rule_decides_the_ties_near_zero() -> None:
    """SiLU at odd subnormals: the float64 value x/2 is a midpoint; the exact value lies above it."""
    case = _case("silu")
    assert case.taylor == {1: (0.5, 1.0), -1: (0.5, 1.0)}
    assert _case("tanh").taylor is None  # f(x) = x - x^3/3: a2 = 0, no rule
    lo = 0x00000200
    res = E.run_chunk(lo, lo + 64, [case], n_verify=2)["silu"]
    assert res.by_rule == 32 and res.resolved == 0 and res.correct == 64
    assert res.violations == 0 and res.verified > 2
    # a result rounded as float32 rounds the float64 value x/2 (ties to even) is caught
    naive = dataclasses.replace(case, ours=lambda x: (x.astype(np.float64) / 2).astype(F32))
    res = E.run_chunk(lo, lo + 64, [naive], n_verify=0)["silu"]
    assert res.correct == 48 and res.over1 == 0  # half of the 32 ties went the wrong way


def test_exact_pairs_are_exact() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2**32, 2000, dtype=np.uint64).astype(np.uint32).view(F32)
    x = x[np.isfinite(x)].astype(np.float64)
    for key, p, exact in [
        ("leaky_relu", {"negative_slope": 0.01}, lambda v: v if v > 0 else v * Fraction(0.01)),
        ("rrelu", {"lower": 0.125, "upper": 1 / 3}, lambda v: v if v > 0 else v * Fraction((0.125 + 1 / 3) / 2)),
        ("softshrink", {"lambd": 0.5}, lambda v: v - Fraction(1, 2) if v > 0.5 else (v + Fraction(1, 2) if v < -0.5 else 0)),
    ]:
        hi, lo = E.exact_pairs(key, p)(x)
        for xi, h, low in zip(x, hi, lo, strict=True):
            assert Fraction(h) + Fraction(low) == exact(Fraction(xi)), (key, xi)


def test_round_to_odd_then_to_float32_is_correct_rounding() -> None:
    rng = np.random.default_rng(2)
    m = rng.integers(1 << 24, 1 << 25, 3000)  # 25-bit values: float32 numbers and midpoints
    hi = np.ldexp(m.astype(np.float64), rng.integers(-150, 100, m.size))
    lo = rng.choice([-1.0, 0.0, 1.0], m.size) * np.ldexp(np.abs(hi), -60)
    got = E.round_to_odd(hi, lo).astype(F32)
    with mp.workdps(60):  # h + low exactly
        for h, low, g in zip(hi, lo, got, strict=True):
            cr, _ = E.mp_round32(mp.mpf(h) + mp.mpf(low))
            assert float(g) == cr, (h, low)


def test_mp_round32_ties_subnormals_and_overflow() -> None:
    with mp.workdps(50):
        one = mp.mpf(1)
        assert E.mp_round32(one + mp.mpf(2) ** -24) == (1.0, 2.0**-23)  # tie to even: down
        assert E.mp_round32(one + 3 * mp.mpf(2) ** -24)[0] == 1.0 + 2.0**-22  # tie to even: up
        assert E.mp_round32(one + mp.mpf(2) ** -24 + mp.mpf(10) ** -40)[0] == 1.0 + 2.0**-23
        assert E.mp_round32(mp.mpf(2) ** -150)[0] == 0.0  # halfway to the smallest subnormal
        assert E.mp_round32(3 * mp.mpf(2) ** -150)[0] == 2.0**-148
        assert E.mp_round32(mp.mpf(E.OVERFLOW32))[0] == math.inf
        assert E.mp_round32(mp.mpf(E.OVERFLOW32) * (1 - mp.mpf(10) ** -30))[0] == float(np.finfo(F32).max)


def test_a_wrong_bound_is_caught() -> None:
    """A float64 reference off by 64 ULP against a bound of 4: the checks report it."""
    case = _case("tanh")

    def bad_ref(x: np.ndarray) -> np.ndarray:
        y = case.ref(x)
        return y + 64 * np.spacing(np.abs(y))

    res = E.run_chunk(0x3F000000, 0x3F000000 + 256, [dataclasses.replace(case, ref=bad_ref)], 8)["tanh"]
    assert res.violations >= 8 and res.max_ratio > 10


def test_the_bounds_are_those_of_the_accuracy_tests() -> None:
    acc = _accuracy_tests()
    for (key, which), (rel, abs_eps, centre, half_width) in acc.EXEMPT_BOUNDS.items():
        assert E.BOUNDS[(key, which)] == E.Bound(rel, abs_eps, centre, half_width)
    assert set(E.BOUNDS) == set(acc.EXEMPT_BOUNDS)
    assert E.Bound().rel == acc.BOUND[np.dtype(np.float64)]  # the stretch goal's 4 ULP elsewhere
    exempt_defaults = {(cid, w) for cid, w in acc.STRETCH_EXEMPT if "[" not in cid}
    assert exempt_defaults == set(E.BOUNDS)


def test_the_report_names_the_functions_short_of_the_goal(tmp_path: Path, capsys) -> None:
    code = E.main(["--start", "0x3f800000", "--stop", "0x3f800100", "--chunk-bits", "7",
                   "--only", "relu,gelu", "--jobs", "1", "--verify", "1", "--cache", str(tmp_path),
                   "--no-progress", "--markdown", str(tmp_path / "t.md")])
    out = capsys.readouterr().out
    assert code == 0 and "2 chunks (2 computed now" in out and "4 of 4" in out
    table = (tmp_path / "t.md").read_text()
    assert table.count("\n| ") == 4 and "| gelu' |" in table
    good, bad = E.summary({"a": E.Stats(n=1000, correct=999), "b": E.Stats(n=1000, correct=998),
                           "c": E.Stats(n=10, correct=10, over1=1)})
    assert good == ["a"] and bad == ["b", "c"]


def test_exact_quotient_pairs_give_the_side_of_the_exact_value() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-3.5, 3.5, 3000), rng.uniform(-1e-3, 1e-3, 500)]).astype(F32)
    x = np.concatenate([x, [-3.0, 3.0, 0.0], E.chunk_inputs(0x3EC00000, 0x3EC00000 + 500)]).astype(np.float64)
    for key, which, exact in [
        ("hardsigmoid", "fwd", lambda v: min(max((v + 3) / 6, Fraction(0)), Fraction(1))),
        ("hardswish", "grad", lambda v: Fraction(0) if v <= -3 else (Fraction(1) if v >= 3 else (2 * v + 3) / 6)),
    ]:
        hi, lo = E.exact_pairs(key, {}, which)(x)
        for xi, h, low in zip(x, hi, lo, strict=True):
            if np.isnan(h):
                assert abs(xi) < 2.0**-26  # x + 3 not exact in float64: left to the other tiers
                continue
            d = exact(Fraction(xi)) - Fraction(h)
            assert (d > 0) == (low > 0) and (d < 0) == (low < 0), (key, xi)


def test_errors_among_the_subnormals_use_their_constant_ulp() -> None:
    """silu(-2^-149) = -2^-150 + 2^-300/4 rounds to -0: half an ULP (2^-149), not a whole one."""
    res = E.run_chunk(0x80000001, 0x80000002, [_case("silu")], n_verify=1)["silu"]
    assert res.correct == 1 and res.by_rule == 1 and res.max_err == 0.5


def test_overflow_to_inf_is_correct_rounding() -> None:
    """selu(x) = 1.0507 x exceeds the float32 range for the largest x: inf is correctly rounded."""
    lo = 0x7F7FFF00
    res = E.run_chunk(lo, lo + 256, [_case("selu")], n_verify=2)["selu"]
    assert res.n == 256 and res.correct == 256 and res.max_err == 0 and res.resolved == 0
    wrong = dataclasses.replace(_case("selu"), ours=lambda x: np.full_like(x, np.finfo(F32).max))
    res = E.run_chunk(lo, lo + 256, [wrong], n_verify=0)["selu"]
    assert res.correct == 0 and res.over1 == 256


def test_tanhshrink_ties_of_x_minus_one_are_decided_by_its_tail() -> None:
    """tanhshrink(x) = x - 1 + 2e^(-2x)/(1 + e^(-2x)): for 2^24 <= x < 2^25, x - 1 is a float32
    midpoint and mpmath sees no tail at any usable precision; the identity puts it above."""
    case = _case("tanhshrink")
    lo = 0x4BC00000  # x = 2^24 * 1.5, float32 spacing 2
    res = E.run_chunk(lo, lo + 64, [case], n_verify=0)["tanhshrink"]
    assert res.by_rule == 64 and res.resolved == 0 and res.correct == 64
    naive = dataclasses.replace(case, ours=lambda x: (x.astype(np.float64) - 1).astype(F32))
    res = E.run_chunk(lo, lo + 64, [naive], n_verify=0)["tanhshrink"]
    assert res.correct == 32  # ties to even: half of them went below x - 1
    # the identity's side, against mpmath where the tail is still visible (|x| in [20, 40])
    hi, lo_ = case.pair(np.array([20.0, -23.5, 31.25, -40.0]))
    with mp.workdps(100):
        for h, s, v in zip(hi, lo_, [20.0, -23.5, 31.25, -40.0], strict=True):
            assert mp.sign(mp.mpf(v) - mp.tanh(mp.mpf(v)) - mp.mpf(h)) == s


def test_mp_midpoint() -> None:
    with mp.workdps(60):
        assert E.mp_midpoint(1 + mp.mpf(2) ** -24) and E.mp_midpoint(-(3 * mp.mpf(2) ** -150))
        assert not E.mp_midpoint(1 + mp.mpf(2) ** -23) and not E.mp_midpoint(mp.mpf(0))
        assert not E.mp_midpoint(1 + mp.mpf(2) ** -24 + mp.mpf(10) ** -50)
