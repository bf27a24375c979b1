"""Rectifiers in an acoustic model, on synthetic vowel spectra.

Maas, Hannun & Ng (2013) replaced the sigmoid units of a deep acoustic model (frames of
filter-bank features in, phone states out) with rectified linear and leaky rectified units
and report about 2 % absolute lower word error rate on Switchboard. Nothing here is downloaded, so
the task is a synthetic stand-in with the same shape: classify one frame of log filter-bank
energies into one of ten vowels.

A frame is generated from a source-filter picture of a vowel:

* the vowel sets three formant frequencies (the average adult male values of Peterson & Barney
  1952);
* the speaker scales all formants by one vocal-tract factor (shorter tracts, higher formants) and
  jitters each a little;
* each formant is a resonance peak (a Gaussian bump on the dB scale) with a random bandwidth;
* the frame gets a random spectral tilt, overall level, a pitch-harmonic ripple and noise;
* the spectrum is read at ``n_bins`` mel-spaced filter centres between 100 Hz and 4 kHz.

The nuisance factors (speaker, level, tilt, pitch) make the classes overlap in a way a linear
classifier cannot undo, as in real speech.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actlab.experiments._fitting import error_rate, fit, make_mlp64
from actlab.i18n import t

__all__ = [
    "VOWEL_FORMANTS",
    "acoustic_model_comparison",
    "acoustic_table",
    "frame_facts",
    "vowel_frames",
]

#: F1, F2, F3 in Hz of ten American English vowels, adult male averages (Peterson & Barney 1952).
VOWEL_FORMANTS: dict[str, tuple[float, float, float]] = {
    "i": (270.0, 2290.0, 3010.0),
    "I": (390.0, 1990.0, 2550.0),
    "E": (530.0, 1840.0, 2480.0),
    "ae": (660.0, 1720.0, 2410.0),
    "A": (730.0, 1090.0, 2440.0),
    "O": (570.0, 840.0, 2410.0),
    "U": (440.0, 1020.0, 2240.0),
    "u": (300.0, 870.0, 2240.0),
    "V": (640.0, 1190.0, 2390.0),
    "3": (490.0, 1350.0, 1690.0),
}


def _mel(f: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def _mel_inverse(m: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def vowel_frames(
    n: int = 2000,
    *,
    n_bins: int = 40,
    noise_db: float = 8.0,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Synthetic log filter-bank frames of ten vowels.

    Args:
        n: number of frames. Default: 2000.
        n_bins: number of mel filter centres. Default: 40.
        noise_db: std of the per-bin Gaussian noise in dB. Default: 8.
        seed: seed of the generator. Default: 0.

    Returns:
        ``{"X": float32 (n, n_bins) in dB, "y": int64 (n,), "centres_hz": (n_bins,),
        "labels": array of vowel names}``.

    Examples::

        >>> d = vowel_frames(10, seed=1)
        >>> d["X"].shape, d["y"].dtype.name
        ((10, 40), 'int64')
    """
    for name, value, low in (("n", n, 1), ("n_bins", n_bins, 4)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"vowel_frames: {name} must be an int >= {low}, got {value!r}")
    if not (isinstance(noise_db, (int, float)) and 0 <= noise_db < np.inf):
        raise ValueError(f"vowel_frames: noise_db must be a finite number >= 0, got {noise_db!r}")
    from actlab.reproducibility import rng

    g = rng(seed)
    formants = np.array(list(VOWEL_FORMANTS.values()))  # (10, 3)
    centres = _mel_inverse(np.linspace(_mel(100.0), _mel(4000.0), int(n_bins)))
    y = g.integers(0, len(formants), int(n))
    tract = g.uniform(0.85, 1.25, (int(n), 1))  # vocal-tract scaling: men ~1, children ~1.25
    f = formants[y] * tract * (1.0 + 0.04 * g.standard_normal((int(n), 3)))
    bandwidth = g.uniform(80.0, 200.0, (int(n), 3)) * np.array([1.0, 1.5, 2.0])
    amplitude = np.array([30.0, 24.0, 18.0]) * g.uniform(0.8, 1.2, (int(n), 3))
    d = centres[None, None, :] - f[:, :, None]  # (n, 3, bins)
    envelope = (amplitude[:, :, None] * np.exp(-0.5 * (d / bandwidth[:, :, None]) ** 2)).sum(axis=1)
    tilt = -g.uniform(2.0, 8.0, (int(n), 1)) * centres[None, :] / 1000.0
    level = g.normal(0.0, 6.0, (int(n), 1))
    pitch = g.uniform(90.0, 260.0, (int(n), 1))
    ripple = 3.0 * np.cos(2.0 * np.pi * centres[None, :] / pitch)
    X = envelope + tilt + level + ripple + noise_db * g.standard_normal((int(n), int(n_bins)))
    return {
        "X": X.astype(np.float32),
        "y": y.astype(np.int64),
        "centres_hz": centres,
        "labels": np.array(list(VOWEL_FORMANTS)),
    }


def acoustic_model_comparison(
    activations: Sequence[str] = ("relu", "leaky_relu", "sigmoid"),
    *,
    n_train: int = 3000,
    n_test: int = 1000,
    depth: int = 2,
    width: int = 64,
    steps: int = 500,
    lr: float = 0.01,
    momentum: float = 0.9,
    optimizer: str = "sgd",
    noise_db: float = 8.0,
    batch_size: int = 64,
    seeds: Sequence[int] = (0,),
) -> dict[str, object]:
    """Frame error of an MLP acoustic model on :func:`vowel_frames`, per activation.

    Every model is ``n_bins → width x depth → 10`` (He init for rectifiers, Xavier for the rest),
    trained with the same optimizer, number of steps and batch order on the same standardised
    frames. A linear softmax classifier (no hidden layer) is included as the baseline
    ``"linear"``.

    Args:
        activations: registry keys. Default: ("relu", "leaky_relu", "sigmoid"); leaky_relu uses
            torch's slope 0.01, the value Maas et al. introduced.
        n_train: training frames. Default: 3000.
        n_test: test frames. Default: 1000.
        depth: hidden layers. Default: 2.
        width: hidden width. Default: 64.
        steps: optimizer steps. Default: 500.
        lr: learning rate. Default: 0.01.
        momentum: SGD momentum. Default: 0.9.
        optimizer: ``"sgd"`` or ``"adam"``. Default: ``"sgd"``.
        noise_db: per-bin noise of the frames, in dB. Default: 8.
        batch_size: mini-batch size. Default: 64.
        seeds: seeds of the data, the weights and the batch order. Default: (0,).

    Returns:
        ``{"rows": [{"model", "seed", "train_error", "test_error"}...], "summary": [{"model",
        "mean", "std"}...]}``.
    """
    import torch

    from actlab.data import standardise

    rows: list[dict[str, object]] = []
    models = ["linear", *activations]
    for seed in seeds:
        train_d = vowel_frames(n_train, noise_db=noise_db, seed=int(seed))
        test_d = vowel_frames(n_test, noise_db=noise_db, seed=int(seed) + 10_000)
        X_tr, X_te = standardise(train_d["X"], test_d["X"])
        X_tr_t = torch.from_numpy(X_tr.astype(np.float64))
        X_te_t = torch.from_numpy(X_te.astype(np.float64))
        y_tr_t, y_te_t = torch.from_numpy(train_d["y"]), torch.from_numpy(test_d["y"])
        classes = len(VOWEL_FORMANTS)
        for model in models:
            if model == "linear":
                net = make_mlp64([X_tr.shape[1], classes], "relu", init="xavier", seed=int(seed))
            else:
                sizes = [X_tr.shape[1], *([width] * int(depth)), classes]
                init = "he" if "relu" in model else "xavier"
                net = make_mlp64(sizes, model, init=init, seed=int(seed))
            fit(
                net,
                X_tr_t,
                y_tr_t,
                steps=steps,
                lr=lr,
                optimizer=optimizer,
                momentum=momentum,
                batch_size=batch_size,
                seed=int(seed),
            )
            rows.append(
                {
                    "model": model,
                    "seed": int(seed),
                    "train_error": error_rate(net, X_tr_t, y_tr_t),
                    "test_error": error_rate(net, X_te_t, y_te_t),
                }
            )
    summary = []
    for model in models:
        errs = [r["test_error"] for r in rows if r["model"] == model]
        summary.append({"model": model, "mean": float(np.mean(errs)), "std": float(np.std(errs))})
    return {"rows": rows, "summary": summary}


def acoustic_table(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """The rows of :func:`acoustic_model_comparison` for printing, one per (model, seed), labelled
    in ``lang`` (the seed column is left out; ``linear``, the baseline, is named in ``lang``)."""
    from actlab.experiments._labels import run_label

    return [
        {
            t("result.speech.model", lang): run_label(str(r["model"]), lang),
            t("result.col.train_error", lang): r["train_error"],
            t("result.col.test_error", lang): r["test_error"],
        }
        for r in result["rows"]
    ]


def frame_facts(data: dict[str, np.ndarray], *, lang: str = "en") -> dict[str, object]:
    """The size of a :func:`vowel_frames` set, for printing, labelled in ``lang`` (the vowels by
    their ASCII phonetic symbols)."""
    return {
        t("result.speech.frames", lang): int(data["X"].shape[0]),
        t("result.speech.energies", lang): int(data["X"].shape[1]),
        t("result.speech.vowels", lang): " ".join(str(v) for v in data["labels"]),
    }
