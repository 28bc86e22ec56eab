"""The glossary's text, as data: every term's key, name, definition, symbol and places, by section.

``lessons.glossary`` reads this table and attaches each term's live value by its key. A row is
(key, name, definition, symbol, where), ``where`` being (page, place on that page) pairs. A name or
a definition may hold a ``{field}`` that ``lessons.glossary.build_terms`` fills from the engine's
registries as they are then (``{losses[cross_entropy]}``, ``{optimizer_labels}``, ``{flat_share}``).
A section's ``ACTIVATION_TERMS``, ``INIT_TERMS`` or ``OPTIMIZER_TERMS`` stands for every entry of that
registry, made into terms from the texts below it; an entry without a text of its own gets the
registry's default, filled from the entry's fields (``{label}``, ``{latex}``, ``{short}``).
"""

from __future__ import annotations

from .pages import ACTIVATIONS as ACTIVATIONS_PAGE
from .pages import BACKPROP, DATA, DRAW, EVALUATION, FORWARD, HOME, MODEL, TRAINING, WEIGHTS

# Where a registry's entries go in a section: one term per entry of nn_core's ACTIVATIONS, INITS, OPTIMIZERS.
ACTIVATION_TERMS = "activations"
INIT_TERMS = "initialisations"
OPTIMIZER_TERMS = "optimizers"

# The terms, in glossary order.
TERMS_BY_SECTION: dict[str, tuple] = {
    "Data": (
        (
            "dataset",
            "dataset",
            "The labelled digits the network learns from and is judged on, each a picture and the class it shows.",
            "",
            ((DATA, "Data: what the network sees"), (HOME, "Data")),
        ),
        (
            "pixel",
            "pixel",
            "One number per dot of the picture, divided by the value of full ink so that it lies between 0 "
            "(paper) and 1 (ink).",
            r"x_i \in [0, 1]",
            ((DATA, "One row becomes an image"), (DRAW, "What the network receives")),
        ),
        (
            "label",
            "label",
            "The class a digit really is, as the dataset records it: the answer the network should learn to give.",
            "y",
            ((DATA, "One row becomes an image"),),
        ),
        (
            "one_hot",
            "one-hot",
            "The label written as one number per class, 1 at the label's position and 0 everywhere else, so that "
            "it can be compared with the probabilities.",
            r"Y = [0, \dots, 0, 1, 0, \dots, 0]",
            ((DATA, "The label, one-hot"), (BACKPROP, "2. Softmax with cross-entropy")),
        ),
        (
            "training_set",
            "training set",
            "The digits the network learns from: every step's batch is drawn from them.",
            "",
            ((DATA, "Train, validation, test"),),
        ),
        (
            "validation_set",
            "validation set",
            "Digits kept out of training and scored while it runs, to show how the network does on digits it "
            "has never seen.",
            "",
            ((DATA, "Train, validation, test"), (EVALUATION, "Judge it on")),
        ),
        (
            "test_set",
            "test set",
            "Digits kept out of training and out of every choice made while training, for the final verdict.",
            "",
            ((DATA, "Train, validation, test"), (EVALUATION, "Judge it on")),
        ),
    ),
    "The network": (
        (
            "unit",
            "unit (neuron)",
            "One cell of a layer: it multiplies each input by a weight, adds up the products and its bias, and "
            "passes the sum through an activation.",
            r"a = g\left(\sum_i w_i x_i + b\right)",
            ((WEIGHTS, "One neuron, turned by hand"), (FORWARD, "Inside one hidden unit")),
        ),
        (
            "layer",
            "layer",
            "A set of units that all read the same inputs, the previous layer's outputs, computed together as "
            "one matrix product.",
            r"A^{[l]} = g\left(A^{[l-1]} W_l^\top + b_l\right)",
            ((FORWARD, "Layer by layer, with the shapes"), (HOME, "Your network, on one digit")),
        ),
        (
            "hidden_layer",
            "hidden layer",
            "A layer between the pixels and the output, whose units learn features (strokes, loops) that the "
            "next layer combines.",
            "",
            ((WEIGHTS, "Your network's first layer"), (TRAINING, "Sidebar: Hidden layers (units)")),
        ),
        (
            "output_layer",
            "output layer",
            "The last layer, with one unit per class, whose scores softmax turns into probabilities.",
            "A^{[L]}",
            ((WEIGHTS, "The output layer and the biases"),),
        ),
        (
            "weight",
            "weight",
            "A number that multiplies one input of one unit: how much that input matters, and in which direction.",
            r"W_l[j, i]",
            ((WEIGHTS, "Your network's first layer"), (TRAINING, "What training added to the first layer's weights")),
        ),
        (
            "bias",
            "bias",
            "A number added to a unit's weighted sum, which sets how easily the unit switches on.",
            r"b_l[j]",
            ((WEIGHTS, "The output layer and the biases"),),
        ),
        (
            "parameter",
            "parameter",
            "Any weight or bias: the numbers training changes, and nothing else.",
            r"\theta",
            ((MODEL, "Save"),),
        ),
        (
            "activation_function",
            "activation function",
            "The bend g every hidden unit applies to its sum, without which any number of layers would collapse "
            "into one linear function.",
            "g(z)",
            ((ACTIVATIONS_PAGE, "Why bend at all: two linear layers are one"), (TRAINING, "Sidebar: Activation")),
        ),
        ACTIVATION_TERMS,
        (
            "initialisation",
            "initialisation",
            "How the weights are drawn before the first step: at random, at a scale that keeps the sums from "
            "exploding or fading layer after layer.",
            "",
            ((WEIGHTS, "Where the knobs start: initialisation"), (TRAINING, "Sidebar: Initialisation")),
        ),
        INIT_TERMS,
    ),
    "Forward pass": (
        (
            "forward_pass",
            "forward pass",
            "Computing the answer: each layer's weighted sum and then its activation, from the pixels to the "
            "probabilities.",
            "",
            ((FORWARD, "Forward pass: a digit goes through"),),
        ),
        (
            "pre_activation",
            "pre-activation",
            "A unit's weighted sum plus its bias, before the activation bends it.",
            r"Z^{[l]} = A^{[l-1]} W_l^\top + b_l",
            ((FORWARD, "Layer by layer, with the shapes"), (FORWARD, "Inside one hidden unit")),
        ),
        (
            "activation",
            "activation",
            "A unit's output: its pre-activation passed through the activation function.",
            r"A^{[l]} = g(Z^{[l]})",
            ((FORWARD, "Layer by layer, with the shapes"),),
        ),
        (
            "logit",
            "logit",
            "The output layer's raw score for one class, before softmax: the larger, the more likely the class.",
            r"z_k = Z^{[L]}_k",
            ((ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"), (FORWARD, "the logits")),
        ),
        (
            "softmax",
            "softmax",
            "The function that turns the logits into probabilities by dividing each one's exponential by the "
            "sum of them all, so that they are positive and add up to 1.",
            r"A_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
            (
                (ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"),
                (BACKPROP, "2. Softmax with cross-entropy"),
            ),
        ),
        (
            "temperature",
            "temperature",
            "A number T that divides the logits before softmax: above 1 it flattens the probabilities, below 1 "
            "it sharpens them, and training uses 1.",
            r"\mathrm{softmax}(z / T)",
            ((ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"),),
        ),
        (
            "probability",
            "probability",
            "The network's belief that a digit is one class, between 0 and 1, with a digit's probabilities "
            "adding up to 1.",
            r"A^{[L]}_k",
            ((FORWARD, "Layer by layer, with the shapes"), (HOME, "Your network, on one digit")),
        ),
        (
            "prediction",
            "answer (prediction)",
            "The class with the highest probability: what the network says the digit is.",
            r"\hat{y} = \arg\max_k A_k",
            ((DRAW, "Why that answer"), (EVALUATION, "Its most confident mistakes")),
        ),
    ),
    "Loss": (
        (
            "loss",
            "loss",
            "One number that says how wrong the network's answers are on a batch: training is making it smaller.",
            "L",
            ((TRAINING, "Loss"), (BACKPROP, "Apply one step")),
        ),
        (
            "cross_entropy",
            "{losses[cross_entropy]}",
            "The loss −log of the probability given to the true class: near 0 when the network is sure and "
            "right, large when it is sure and wrong.",
            r"L = -\sum_k Y_k \log A_k = -\log A_y",
            ((BACKPROP, "2. Softmax with cross-entropy"), (EVALUATION, "Loss (cross-entropy)")),
        ),
        (
            "squared_error",
            "squared error",
            "The notebook's loss: the squared differences between the probabilities and the one-hot label, "
            "summed over the classes.",
            r"E = \sum_k (A_k - Y_k)^2",
            ((WEIGHTS, "One neuron, turned by hand"), (BACKPROP, "5. What went wrong in the notebook")),
        ),
    ),
    "Learning": (
        (
            "gradient",
            "gradient",
            "The slope of the loss with respect to one weight: its sign says which way is uphill, its size how steep.",
            r"\frac{\partial L}{\partial W}",
            ((BACKPROP, "4. Check every gradient"), (TRAINING, "Gradient norm ‖dW‖")),
        ),
        (
            "backpropagation",
            "backpropagation",
            "Working out every weight's gradient in one sweep backwards, from the loss to the first layer, by "
            "the chain rule.",
            r"dZ^{[l-1]} = dZ^{[l]} W_l \odot g'(Z^{[l-1]})",
            ((BACKPROP, "Backpropagation: which way is down"),),
        ),
        (
            "chain_rule",
            "chain rule",
            "The slope through a chain of steps is the product of each step's own slope.",
            r"\frac{\partial E}{\partial w} = \frac{\partial E}{\partial A}\,\frac{\partial A}{\partial Z}\,"
            r"\frac{\partial Z}{\partial w}",
            ((BACKPROP, "1. One neuron, by the chain rule"),),
        ),
        (
            "gradient_check",
            "gradient check",
            "Testing backpropagation without calculus: nudge one weight by ±ε, measure the loss both times, and "
            "divide the difference by 2ε.",
            r"\frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}{2\varepsilon}",
            ((BACKPROP, "4. Check every gradient"),),
        ),
        (
            "gradient_descent",
            "gradient descent",
            "Moving every weight a little against its gradient, again and again, so that the loss falls.",
            r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}",
            ((TRAINING, "Training"), (BACKPROP, "Nudge one weight")),
        ),
        (
            "learning_rate",
            "learning rate",
            "How far each step moves the weights against the gradient: too small and learning crawls, too large "
            "and the loss blows up.",
            r"\eta",
            ((TRAINING, "Learning rate"), (TRAINING, "Find a learning rate"), (BACKPROP, "Nudge one weight")),
        ),
        (
            "optimizer",
            "optimizer",
            "The rule that turns the gradients into each step's change of the weights (this app offers "
            "{optimizer_labels}).",
            "",
            ((TRAINING, "Sidebar: Optimizer"),),
        ),
        OPTIMIZER_TERMS,
        (
            "l2",
            "L2 (weight decay)",
            "A penalty added to the loss that grows with the square of every weight, pulling the weights towards "
            "0 against overfitting.",
            r"L + \frac{\lambda}{2} \sum W^2",
            ((TRAINING, "Sidebar: L2 (weight decay)"),),
        ),
        (
            "update_ratio",
            "update ratio",
            "How much one step changes a layer's weights, relative to their size.",
            r"\lVert \Delta W \rVert / \lVert W \rVert",
            ((TRAINING, "Update / weight ‖ΔW‖/‖W‖"),),
        ),
    ),
    "Training": (
        (
            "step",
            "step",
            "One update: a batch goes forward, its loss is measured, backpropagation gives the gradients, and "
            "every weight moves once.",
            "",
            ((TRAINING, "Step"), (BACKPROP, "Apply one step")),
        ),
        (
            "batch",
            "batch",
            "The training digits one step uses together, their gradients averaged into one.",
            "m",
            ((TRAINING, "Batch size"),),
        ),
        (
            "epoch",
            "epoch",
            "One pass over every training digit, in a fresh random order each time.",
            "",
            ((TRAINING, "+1 epoch"), (HOME, "Train 1 epoch")),
        ),
        (
            "evaluation",
            "evaluation",
            "A pause in training to score the network on the validation digits and on a sample of training "
            "digits, for the learning curves.",
            "",
            ((TRAINING, "Accuracy"),),
        ),
        (
            "learning_curve",
            "learning curve",
            "The loss or the accuracy drawn against the steps, batch by batch for training and at each "
            "evaluation for validation.",
            "",
            ((TRAINING, "Loss"), (TRAINING, "Accuracy")),
        ),
        (
            "divergence",
            "blow-up (divergence)",
            "A loss that overflows or jumps far above its start because the steps are too large, after which "
            "training stops and the last healthy weights come back.",
            "",
            ((TRAINING, "Training stopped: the loss blew up"),),
        ),
        (
            "flat_region",
            "flat region",
            "Where an activation's slope is under {flat_share:.0%} of its peak, so that almost no gradient "
            "gets through: ReLU below 0, the far tails of sigmoid and tanh.",
            "",
            ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),),
        ),
        (
            "dead_unit",
            "dead unit",
            "A unit whose sum lies in its activation's flat region for every validation digit, so that it passes "
            "no gradient and stops learning.",
            "",
            (
                (ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),
                (TRAINING, "Dead hidden units"),
            ),
        ),
        (
            "saturation",
            "saturation",
            "A sigmoid or tanh unit driven far into a flat tail, where its output barely moves and its gradient "
            "is almost 0.",
            "",
            ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),),
        ),
        (
            "overfitting",
            "overfitting",
            "Doing better and better on the training digits while the validation digits stop improving: the "
            "network memorises instead of generalising.",
            "",
            ((TRAINING, "Accuracy"),),
        ),
        (
            "moment",
            "moment (snapshot)",
            "The weights as they were at one step of the run, kept so that the time slider can show every page "
            "as it was then.",
            "",
            ((TRAINING, "Through time"),),
        ),
        (
            "seed",
            "seed",
            "The number that fixes every random draw, the starting weights and the order of the batches, so "
            "that a run can be repeated exactly.",
            "",
            ((TRAINING, "Sidebar: Seed"),),
        ),
    ),
    "Evaluation": (
        (
            "accuracy",
            "accuracy",
            "The share of digits whose answer is right.",
            r"\frac{\text{right answers}}{\text{digits}}",
            ((EVALUATION, "Accuracy"), (TRAINING, "Accuracy")),
        ),
        (
            "confusion_matrix",
            "confusion matrix",
            "A table of counts with one row per true digit and one column per answer, so that the diagonal holds "
            "the right answers and every other cell one kind of mistake.",
            r"C_{ij}",
            ((EVALUATION, "Confusion matrix"),),
        ),
        (
            "precision",
            "precision",
            "Of the digits the network answered as one class, the share that really are that class.",
            "",
            ((EVALUATION, "Precision"),),
        ),
        (
            "recall",
            "recall",
            "Of the digits of one class, the share the network answered correctly, which is its accuracy on "
            "that class.",
            "",
            ((EVALUATION, "Recall"),),
        ),
        (
            "confidence",
            "confidence",
            "The probability of the answer the network gives: how sure it is, which is not always how right.",
            r"\max_k A_k",
            ((EVALUATION, "Confidence"),),
        ),
        (
            "calibration",
            "calibration",
            "How well confidence matches accuracy: of the answers given 80% sure, about 80% should be right.",
            "",
            ((EVALUATION, "Confidence"),),
        ),
        (
            "pca",
            "principal components (PCA)",
            "A way to lay many numbers per digit out on a flat map, along the two directions in which the "
            "digits differ most.",
            "",
            ((EVALUATION, "The digits as the network sees them"),),
        ),
    ),
}

# What each registry entry is, in one sentence; an entry without one gets its registry's default below.
ACTIVATION_DEFINITIONS = {
    "relu": "The activation max(0, z): a positive sum passes unchanged and a negative one becomes 0.",
    "leaky_relu": "ReLU with a small slope a below 0 instead of a flat 0, so a unit whose sums are negative still "
    "gets a little gradient.",
    "sigmoid": "The activation that squashes any sum into (0, 1), steep near 0 and almost flat in both tails.",
    "tanh": "The activation that squashes any sum into (−1, 1), centred on 0 and almost flat in both tails.",
    "identity": "No bend at all, g(z) = z: a network with it is one linear function however many layers it has.",
}
INIT_DEFINITIONS = {
    "he": "Starting weights drawn from a normal distribution with standard deviation √(2 / inputs), which keeps "
    "ReLU units' sums the same size from layer to layer.",
    "xavier": "Starting weights drawn from a normal distribution with standard deviation √(2 / (inputs + outputs)), "
    "suited to sigmoid and tanh.",
    "uniform": "Starting weights and biases drawn evenly between −0.5 and 0.5, as the notebook's text describes.",
    "randn": "Starting weights and biases drawn from a standard normal (std 1), as the notebook's code does: far too "
    "wide for hundreds of inputs.",
}
INIT_SYMBOLS = {
    "he": r"W \sim \mathcal{N}\!\left(0, \tfrac{2}{n_{in}}\right)",
    "xavier": r"W \sim \mathcal{N}\!\left(0, \tfrac{2}{n_{in} + n_{out}}\right)",
    "uniform": r"W, b \sim U(-0.5, 0.5)",
    "randn": r"W, b \sim \mathcal{N}(0, 1)",
}
OPTIMIZER_DEFINITIONS = {
    "sgd": "Stochastic gradient descent: each step moves every weight by −η times its gradient on one batch.",
    "momentum": "A running sum of past gradients that each step follows instead of the latest gradient alone, so "
    "steps build up speed along a steady slope and zig-zag less.",
    "adam": "An optimizer that divides each weight's step by a running average of its gradient's size, so every "
    "weight moves at a similar pace.",
}
OPTIMIZER_SYMBOLS = {
    "sgd": r"W \leftarrow W - \eta\, dW",
    "momentum": r"v \leftarrow \mu v + dW, \quad W \leftarrow W - \eta v",
    "adam": r"W \leftarrow W - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}",
}

ACTIVATION_DEFAULT = "The activation the sidebar calls {label}, {latex}."
ACTIVATION_PLACES = ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),)
INIT_NAME = "{short} initialisation"
INIT_DEFAULT = "A way to draw the starting weights: {label}."
INIT_PLACES = ((WEIGHTS, "Where the knobs start: initialisation"),)
OPTIMIZER_DEFAULT = "The optimizer the sidebar calls {label}."
OPTIMIZER_PLACES = ((TRAINING, "Sidebar: Optimizer"),)
MOMENTUM_PLACES = ((TRAINING, "Sidebar: Momentum"),)  # momentum's term is the setting, its value the trainer's
