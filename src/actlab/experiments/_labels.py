"""Names that experiments print and plots draw, in the language asked (see :mod:`actlab.i18n`).

Names of activations (``relu``, ``gelu``), initialisations (``xavier``, ``he``) and recurrent
cells (``gru``) are identifiers and stay as they are in every language; the words among the names
of runs are translated: ``identity`` (no activation), ``linear`` (a linear model) and the dropout
variants. The names of data sets are :func:`actlab.data.dataset_label`.
"""

from __future__ import annotations

from actlab.i18n import t

__all__ = ["dropout_label", "run_label"]


def run_label(name: str, lang: str = "en") -> str:
    """The name of a run in ``lang``: ``identity`` and ``linear`` are words, any other name (an
    activation's key) is returned as it is.

    Examples::

        >>> run_label("identity", "zh"), run_label("leaky_relu", "zh")
        ('恒等函数', 'leaky_relu')
    """
    labels = {
        "identity": t("result.name.identity", lang),
        "linear": t("result.name.linear", lang),
    }
    return labels.get(name, name)


def dropout_label(name: str, lang: str = "en") -> str:
    """A dropout variant of :func:`actlab.experiments.propagation.propagate_statistics` in
    ``lang``: ``none``, ``standard`` (``torch.nn.Dropout``) or ``alpha`` (``AlphaDropout``)."""
    labels = {
        "none": t("result.none", lang),
        "standard": t("result.dropout.standard", lang),
        "alpha": t("result.dropout.alpha", lang),
    }
    return labels.get(name, name)
