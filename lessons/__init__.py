"""lessons: what the app teaches, computed from the engine. The glossary, the why-answers and
hints, the guided path's checkpoints, the chain-rule and neuron lessons, the notebook and its
experiments, the timeline of a run and the one-line summaries beside the charts.

It sits between ``ui`` and ``nn_core``: it imports the engine (never ``ui`` or streamlit), and it
is the one package below the pages that knows the pages exist (``lessons.pages``).
"""
