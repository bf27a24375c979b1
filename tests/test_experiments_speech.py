"""Synthetic vowel frames, and the acoustic-model comparison on them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.speech import VOWEL_FORMANTS, acoustic_model_comparison, vowel_frames

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_frames_have_formant_peaks_where_the_vowel_puts_them():
    d = vowel_frames(400, noise_db=0.0, seed=0)
    assert d["X"].shape == (400, 40) and d["X"].dtype == np.float32
    centres = d["centres_hz"]
    i_class, a_class = list(VOWEL_FORMANTS).index("i"), list(VOWEL_FORMANTS).index("A")
    low = (centres > 200) & (centres < 450)  # F1 of /i/ is 270 Hz, of /A/ 730 Hz
    mid = (centres > 600) & (centres < 1000)
    i_mean = d["X"][d["y"] == i_class].mean(axis=0)
    a_mean = d["X"][d["y"] == a_class].mean(axis=0)
    assert i_mean[low].mean() > a_mean[low].mean()
    assert a_mean[mid].mean() > i_mean[mid].mean()


def test_frames_are_seeded():
    np.testing.assert_array_equal(vowel_frames(5, seed=2)["X"], vowel_frames(5, seed=2)["X"])
    assert not np.array_equal(vowel_frames(5, seed=2)["X"], vowel_frames(5, seed=3)["X"])


def test_rectifier_net_beats_the_linear_baseline():
    r = acoustic_model_comparison(("relu",), n_train=2000, n_test=500, steps=400)
    by = {s["model"]: s["mean"] for s in r["summary"]}
    assert by["relu"] < by["linear"] - 0.02
    assert by["linear"] < 0.8  # the task is learnable, not noise


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"n": 0}, "n must be"), ({"noise_db": -1.0}, "noise_db")]
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vowel_frames(**{"n": 5, **kwargs})
