"""nn_core: a from-scratch NumPy neural network engine for the digit explainer app.

No UI code here: pages import this package, never the other way round.
"""

from .data import DataFormatError, Dataset, load_dataset
from .network import MLP

__all__ = ["MLP", "Trainer", "load_dataset", "Dataset", "DataFormatError"]


def __getattr__(name: str):
    # Trainer is imported on first use, so that `python -m nn_core.train` runs the module
    # once, as __main__, instead of finding it already imported by the package.
    if name == "Trainer":
        from .train import Trainer

        return Trainer
    raise AttributeError(f"module 'nn_core' has no attribute {name!r}")
