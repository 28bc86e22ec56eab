"""Each lesson page's "Try this": one experiment the learner can do on the page, and what they will
find. Every claim here is what ``tests/test_try_this.py`` does and finds, on the default network
and the bundled digits; a claim the app cannot back is not made."""

from __future__ import annotations

from . import pages

TRY_THIS = {
    pages.DATA.path: (
        "Choose **4** under *Random of class* and press **Random** a few times: each digit shown is a 4, and some "
        "are open at the top, some closed, some slanted. The network must recognise all of them, not the average 4 "
        "(in *Every digit, many hands* above)."
    ),
    pages.WEIGHTS.path: (
        "Train one epoch, then switch the tiles to *the weights now*: the strokes are gone and every unit looks like "
        "noise again. For every unit, what one epoch added to its weights is smaller than the random start it added "
        "it to."
    ),
    pages.ACTIVATIONS.path: (
        "Choose *sigmoid* above: from your network's He start, almost none of its first layer's sums sit in "
        "sigmoid's flat tails. Now set the initialisation to *standard normal (the notebook's code)* in the sidebar, "
        "press **New network** and come back: over half of them do, and those units would barely learn."
    ),
    pages.FORWARD.path: (
        "Press **Next mistake**: the digit shown is one your network gets wrong. Are its probability bars torn "
        "between two classes, or confidently wrong? Train an epoch on the Training page and come back: most "
        "mistakes of an untrained network are right by then."
    ),
    pages.BACKPROP.path: (
        "In the chain on two units (on a ReLU network, the default), drag $w_1$ below 0: $z_1$ turns negative, the "
        "unit switches off ($a_1 = 0$, $g' = 0$) and the gradients of $w_1$, $b_1$, $x$ and even $w_2$ (its slope is "
        "$a_1$) are exactly 0: only $b_2$ still learns."
    ),
}
