"""nn_core: a from-scratch NumPy neural network engine for the digit explainer app.

No UI code here: pages import this package, never the other way round.
"""

from .data import DataFormatError, Dataset, load_dataset
from .network import MLP
from .train import Trainer

__all__ = ["MLP", "Trainer", "load_dataset", "Dataset", "DataFormatError"]
