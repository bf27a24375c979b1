"""actlab: activation functions of fully-connected layers, taught by experiment."""

__version__ = "0.1.0"
