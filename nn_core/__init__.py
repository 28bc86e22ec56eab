"""nn_core: a from-scratch NumPy neural network engine for the digit explainer app.

No UI code and no lessons here: ``lessons`` and ``ui`` import this package, never the other way
round. The trainer is ``nn_core.train.Trainer`` (not imported here, so that
``python -m nn_core.train`` runs that module once).
"""

from .data import DataFormatError, Dataset, load_dataset
from .network import MLP

__all__ = ["MLP", "load_dataset", "Dataset", "DataFormatError"]
