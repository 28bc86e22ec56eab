"""The ``robust`` recipe (nn_core/recipes.py): its accuracy and training time, each part's share,
and what augmentation costs a training step.

1. The recipe trained on the bundled mnist-5k training digits on this machine: the seconds it
   takes, its accuracy on the bundled test split (target: at least 97% within 60 s), on the
   validation split, and on digits from other writers: scikit-learn's 1,797 8x8 digits (43
   writers, none of them MNIST's), each prepared as the Draw page prepares a drawing
   (``nn_core.drawing.prepare``). Then the same recipe without each of augmentation, dropout and
   the schedule (an ablation), in the same process, with its time as a ratio of the recipe's.
2. Augmentation's cost per batch against the training step it feeds, at batch sizes 32, 64 and
   128, for the default 784-128-10 network and the recipe's, with the recipe's ranges and with
   every range on (ratios below 1: augmenting costs less than the step).

    python benchmarks/bench_recipe.py [--seeds 0] [--skip-ablation] [--cost-only]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from nn_core import MLP  # noqa: E402
from nn_core.augment import Augmentation, augment  # noqa: E402
from nn_core.data import load_dataset  # noqa: E402
from nn_core.drawing import prepare  # noqa: E402
from nn_core.recipes import ROBUST, build, train  # noqa: E402
from nn_core.train import Trainer  # noqa: E402

TARGET_ACCURACY, TARGET_SECONDS = 0.97, 60.0
EVERY_RANGE = Augmentation(shift=2, rotate=12, scale=0.1, shear=8, thicker=0.5, thinner=0.5, noise=0.05)


def other_writers() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, every split, as 28x28 inputs prepared like a drawing."""
    small = load_dataset("digits-8x8")
    X = np.concatenate([small.X_train, small.X_val, small.X_test])
    y = np.concatenate([small.y_train, small.y_val, small.y_test])
    prepared = np.stack([prepare((x.reshape(8, 8) * 255).astype(np.uint8)).pixels for x in X])
    return prepared, y


def run(recipe, data, others, seed: int) -> dict:
    trainer = build(recipe, data, seed)
    started = time.perf_counter()
    train(trainer, recipe.epochs)
    seconds = time.perf_counter() - started
    X_other, y_other = others
    return {
        "seconds": seconds,
        "test": trainer.evaluate("test")["accuracy"],
        "val": trainer.evaluate("val")["accuracy"],
        "other": float((trainer.model.predict(X_other) == y_other).mean()),
    }


def accuracy_and_ablation(seeds: list[int], ablation: bool) -> None:
    data, others = load_dataset("mnist-5k"), other_writers()
    variants = {"the recipe": ROBUST}
    if ablation:
        variants |= {f"without {part}": ROBUST.without(part) for part in ("augmentation", "dropout", "schedule")}
    print(f"Recipe {ROBUST.name!r}: {', '.join(what for what, _ in ROBUST.parts)}; {ROBUST.epochs} epochs")
    print(f"on {data.description}, {len(data.y_train):,} training digits; seeds {seeds}\n")
    header = f"{'':22s} {'test':>7s} {'val':>7s} {'other writers':>14s} {'seconds':>8s} {'time ratio':>10s}"
    print(header)
    base_seconds = None
    for name, recipe in variants.items():
        results = [run(recipe, data, others, seed) for seed in seeds]
        mean = {k: statistics.mean(r[k] for r in results) for k in results[0]}
        base_seconds = base_seconds or mean["seconds"]
        print(
            f"{name:22s} {mean['test']:7.2%} {mean['val']:7.2%} {mean['other']:14.2%} {mean['seconds']:8.1f} "
            f"{mean['seconds'] / base_seconds:10.2f}"
        )
        if name == "the recipe":
            one = build(recipe, data, seeds[0], blas_threads=1)
            started = time.perf_counter()
            one.epoch()
            print(
                f"{'':22s} one epoch with one BLAS thread, as the app trains it: {time.perf_counter() - started:.2f} s"
            )
            met = mean["test"] >= TARGET_ACCURACY and mean["seconds"] <= TARGET_SECONDS
            print(
                f"{'':22s} target: {TARGET_ACCURACY:.0%} on the test split within {TARGET_SECONDS:.0f} s: "
                + ("met" if met else "NOT met")
            )


def seconds_per_call(call, repeats: int = 300) -> float:
    call()
    started = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - started) / repeats


def augmentation_cost() -> None:
    data = load_dataset("mnist-5k")
    rng = np.random.default_rng(0)
    print("\nAugmentation per batch against the training step it feeds (ms; ratio below 1: cheaper than the step)")
    print(
        f"{'network':>14s} {'batch':>6s} {'step':>7s} {'recipe aug':>11s} {'ratio':>6s} {'every range':>12s} {'ratio':>6s}"
    )
    for hidden in ((128,), ROBUST.hidden):
        for batch in (32, 64, 128):
            trainer = Trainer(MLP([784, *hidden, 10], seed=0), data, batch_size=batch, eval_every=None)
            trainer.step(10)
            step = seconds_per_call(lambda t=trainer: t.step(1), 200 if hidden == (128,) else 50)
            X = data.X_train[:batch]
            recipe = seconds_per_call(lambda X=X: augment(X, data.image_shape, ROBUST.augmentation, rng))
            every = seconds_per_call(lambda X=X: augment(X, data.image_shape, EVERY_RANGE, rng))
            name = "-".join(map(str, (784, *hidden, 10)))
            print(
                f"{name:>14s} {batch:6d} {step * 1e3:7.3f} {recipe * 1e3:11.3f} {recipe / step:6.2f} "
                f"{every * 1e3:12.3f} {every / step:6.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, averaged (default 0)")
    parser.add_argument("--skip-ablation", action="store_true")
    parser.add_argument("--cost-only", action="store_true", help="only the augmentation's cost")
    args = parser.parse_args()
    if not args.cost_only:
        accuracy_and_ablation([int(s) for s in args.seeds.split(",")], not args.skip_ablation)
    augmentation_cost()


if __name__ == "__main__":
    main()
