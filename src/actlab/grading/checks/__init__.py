"""The exercise checks: one module per exercise, each registering its checks on import.

==========================  =============================================================
exercise                    checks
==========================  =============================================================
01_dense_layer              dense_forward, compose_affine, compose_many
02_stable_sigmoid_tanh      sigmoid, sigmoid_grad, tanh, tanh_grad
03_relu_backprop            relu_forward, relu_backward, dense_backward
04_leaky_prelu              leaky_relu_forward, leaky_relu_backward, prelu_forward,
                            prelu_backward, prelu_module, prelu_trains, fit_slope
05_cross_validation         cross_validate_activations
06_dead_units               dead_fraction, dead_units_fix
07_gelu_transformer         gelu, gelu_tanh, gelu_sigmoid, gelu_approximation_errors,
                            ffn_forward
08_softmax_cross_entropy    softmax, log_softmax, cross_entropy, softmax_backward
==========================  =============================================================

Shared pieces live in ``_common``; the answers the judges compare with, where the package has none,
live in ``_references`` (which every exercise lists as forbidden, so it is poisoned while grading).

Importing this package is cheap: torch, scikit-learn and the reference implementations are imported
inside the probes and judges that need them.
"""

from actlab.grading.checks import (  # noqa: F401
    cross_validation,
    dead_units,
    dense_layer,
    gelu_transformer,
    leaky_prelu,
    relu_backprop,
    softmax_cross_entropy,
    stable_sigmoid_tanh,
)
