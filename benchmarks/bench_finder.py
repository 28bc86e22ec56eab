"""The learning-rate range test (``nn_core.lr_finder``) on the bundled digits, one BLAS thread as
the app's server runs it: its time against the same number of plain training steps in the same
process (the baseline), as a ratio. The finder's button answers in well under a second when the
ratio is near 1 and the steps are fast.

    python benchmarks/bench_finder.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from nn_core import MLP, load_dataset  # noqa: E402
from nn_core.lr_finder import STEPS, find_learning_rate  # noqa: E402
from nn_core.train import Trainer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    data = load_dataset("mnist-5k")
    finder, steps = [], []
    for _ in range(repeats):
        trainer = Trainer(MLP([784, 128, 10]), data, batch_size=64, blas_threads=1, eval_every=None)
        started = time.perf_counter()
        find_learning_rate(trainer)
        finder.append(time.perf_counter() - started)
        started = time.perf_counter()
        trainer.step(STEPS)
        steps.append(time.perf_counter() - started)
    f, s = statistics.median(finder), statistics.median(steps)
    print(
        f"range test ({STEPS} rates): {f * 1000:.0f} ms; {STEPS} training steps: {s * 1000:.0f} ms; ratio {f / s:.2f}"
    )


if __name__ == "__main__":
    main()
