"""The trainer's command line: ``python -m nn_core.train --help`` (or ``nn-digits-train``) trains a
network on a dataset and prints its learning curve's numbers, epoch by epoch."""

from __future__ import annotations

import argparse
import time

from .activations import ACTIVATIONS, DEFAULT_ACTIVATION
from .data import load_dataset
from .io import save_model
from .network import DEFAULT_INIT, INITS, MLP, ArchitectureError, parse_hidden
from .optim import DEFAULT_OPTIMIZER, OPTIMIZERS
from .recipes import RECIPES, build
from .train import Trainer


def _hidden_argument(text: str) -> tuple[int, ...]:
    try:
        return parse_hidden(text)
    except ArchitectureError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nn_core.train", description="Train an MLP on digits with nn_core.")
    parser.add_argument(
        "--dataset", default="mnist-5k", help="mnist-5k (default), digits-8x8, mnist (downloads once) or fashion-mnist"
    )
    parser.add_argument(
        "--data", help="a Kaggle train.csv (or .csv.gz) or a folder of MNIST IDX files; overrides --dataset"
    )
    parser.add_argument(
        "--hidden", type=_hidden_argument, default=(128,), help="hidden layer sizes, e.g. 128 or 256,64"
    )
    parser.add_argument(
        "--recipe",
        choices=["robust"],
        help="train a recipe's network (robust: reads new handwriting well; see nn_core/recipes.py); "
        "--hidden, --lr, --optimizer and the rest are then the recipe's",
    )
    parser.add_argument("--epochs", type=int, help="passes over the training digits (10; a recipe's own by default)")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--optimizer", default=DEFAULT_OPTIMIZER, choices=list(OPTIMIZERS))
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--activation", default=DEFAULT_ACTIVATION, choices=list(ACTIVATIONS))
    parser.add_argument("--init", default=DEFAULT_INIT, choices=list(INITS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", help="write the trained model to this .npz file")
    args = parser.parse_args(argv)

    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    try:
        dataset = load_dataset(args.data or args.dataset)
        if args.recipe:
            recipe = RECIPES[args.recipe].for_epochs(args.epochs or RECIPES[args.recipe].epochs)
            trainer = build(recipe, dataset, args.seed)
            epochs = recipe.epochs
        else:
            model = MLP([dataset.n_features, *args.hidden, dataset.n_classes], args.activation, args.init, args.seed)
            trainer = Trainer(
                model, dataset, args.lr, args.batch_size, args.optimizer, args.momentum, args.l2, args.seed
            )
            epochs = args.epochs or 10
    except ValueError as error:
        parser.error(str(error))
    model = trainer.model
    print(f"{dataset.description}: {dataset.sizes()}; network {model.layer_sizes}, {model.n_params:,} parameters")
    if args.recipe:
        print(
            f"recipe {args.recipe}: {trainer.optimizer_name} lr {trainer.lr:g}, batch {trainer.batch_size}, "
            f"dropout {trainer.dropout:g}, schedule {trainer.schedule.describe()}, "
            f"augmentation {trainer.augmentation.describe()}, {epochs} epochs"
        )
    for _ in range(epochs):
        started = time.perf_counter()
        trainer.epoch()
        if trainer.diverged:
            print(trainer.diverged.message)
            return 1
        evals = trainer.history["evals"]
        print(
            f"epoch {trainer.epochs_done:3d}  loss {evals.last('train_loss'):.4f}  "
            f"train acc {evals.last('train_accuracy'):.4f}  val loss {evals.last('val_loss'):.4f}  "
            f"val acc {evals.last('val_accuracy'):.4f}  ({time.perf_counter() - started:.2f} s)"
        )
    test = trainer.evaluate("test")
    print(f"test accuracy {test['accuracy']:.4f}  test loss {test['loss']:.4f}")
    if args.save:
        save_model(model, args.save, {"dataset": dataset.name, "step": trainer.steps, "recipe": args.recipe})
        print(f"saved to {args.save}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
