"""Throughput of the numpy activations against ``np.copyto`` and torch, on one thread.

For every elementwise activation (registry defaults) at 2**24 float32 elements, in one process:

* ``ours``: forward and derivative writing into a preallocated ``out=`` buffer, and the forward
  returning a fresh array (``new``);
* ``torch``: ``torch.nn.functional`` called normally (a fresh output each call), and its derivative
  through autograd (the backward kernel alone, graph kept between runs);
* ``copy``: ``np.copyto`` of the same size, the memory-bandwidth ceiling.

Each time is the median of ``--reps`` runs, in CPU time of the process (``--wall`` for
wall-clock time). GB/s counts one read and one write of the array. The
``vs torch`` ratios are torch's time over ours (above 1: we are faster); the summary gives their
geometric means. Timings on a shared machine are noisy: compare ratios from one run.

Run: ``python benchmarks/throughput.py [--n 16777216] [--reps 5] [--only relu,gelu]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from actlab.activations.registry import records

# CPU time of this process (user + system, so page faults count): on a shared machine wall-clock
# time mostly measures the other processes. --wall switches to time.perf_counter.
CLOCK = time.process_time


def median_time(fn: Callable[[], object], reps: int) -> float:
    fn()  # warm up: first-touch page faults, lazy imports
    times = []
    for _ in range(reps):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return statistics.median(times)


def torch_callables(rec, p: dict):
    import torch
    import torch.nn.functional as F

    if rec.key == "swish":
        return lambda t: t * torch.sigmoid(p["beta"] * t)
    if rec.key == "prelu":
        w = torch.tensor([p["weight"]])
        return lambda t: F.prelu(t, w)
    fn = rec.torch_functional
    return lambda t: fn(t, **p)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1 << 24, help="elements (default 2**24)")
    ap.add_argument("--reps", type=int, default=5, help="runs per measurement (default 5)")
    ap.add_argument("--only", default="", help="comma-separated registry keys")
    ap.add_argument("--no-torch", action="store_true", help="skip the torch columns")
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = ap.parse_args(argv)
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter

    torch = None
    if not args.no_torch:
        import torch

        torch.set_num_threads(1)

    n, reps = args.n, args.reps
    rng = np.random.default_rng(0)
    x = (rng.normal(size=n) * 3).astype(np.float32)
    out = np.empty_like(x)
    out.fill(0)  # touch the pages once
    nbytes = 2 * x.nbytes
    t_copy = median_time(lambda: np.copyto(out, x), reps)
    clock = "wall-clock" if args.wall else "CPU"
    print(f"n = {n} float32, one thread, median {clock} time of {reps}; np.copyto: {t_copy * 1e3:.1f} ms = "
          f"{nbytes / t_copy / 1e9:.2f} GB/s")
    head = (f"{'activation':12s} | {'fwd ms':>7s} {'GB/s':>5s} {'%copy':>5s} {'new ms':>7s} | "
            f"{'grad ms':>7s} {'GB/s':>5s} | {'torch fwd':>9s} {'torch grad':>10s} | "
            f"{'vs torch fwd':>12s} {'vs torch grad':>13s}")
    print(head)
    print("-" * len(head))
    only = {k for k in args.only.split(",") if k}
    ratios_f, ratios_g, ratios_new = [], [], []
    tx = torch.from_numpy(x.copy()) if torch is not None else None
    for rec in records("elementwise"):
        if only and rec.key not in only:
            continue
        p = dict(rec.defaults)
        t_f = median_time(lambda rec=rec, p=p: rec.forward(x, **p, out=out), reps)
        t_g = median_time(lambda rec=rec, p=p: rec.derivative(x, **p, out=out), reps)
        t_new = median_time(lambda rec=rec, p=p: rec.forward(x, **p), reps)
        line = (f"{rec.key:12s} | {t_f * 1e3:7.1f} {nbytes / t_f / 1e9:5.2f} {100 * t_copy / t_f:5.0f} "
                f"{t_new * 1e3:7.1f} | {t_g * 1e3:7.1f} {nbytes / t_g / 1e9:5.2f} | ")
        if torch is not None:
            f = torch_callables(rec, p)
            tt_f = median_time(lambda f=f: f(tx), reps)
            tg = tx.clone().requires_grad_(True)
            y = f(tg)
            ones = torch.ones_like(y)
            tt_g = median_time(lambda y=y, tg=tg, ones=ones: torch.autograd.grad(y, tg, ones, retain_graph=True), reps)
            del y
            ratios_f.append(tt_f / t_f)
            ratios_g.append(tt_g / t_g)
            ratios_new.append(tt_f / t_new)
            line += f"{tt_f * 1e3:9.1f} {tt_g * 1e3:10.1f} | {tt_f / t_f:12.2f} {tt_g / t_g:13.2f}"
        print(line, flush=True)
    if ratios_f:
        def gm(v: list[float]) -> float:
            return float(np.exp(np.mean(np.log(v))))

        print(f"\ngeometric mean vs torch: forward (out=) {gm(ratios_f):.2f}x, forward (new array) "
              f"{gm(ratios_new):.2f}x, derivative (out=) {gm(ratios_g):.2f}x   [required >= 0.7x, goal >= 1.0x]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
