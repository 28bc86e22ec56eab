import pandas as pd
import streamlit as st

from lessons import pages
from lessons import summaries as lines
from nn_core import evaluation
from ui import glossary, guide, moments, page, robustness, selections
from ui.figures import common, images
from ui.figures import evaluation as figures
from ui.widgets import fold, folded, show_code

SURE_SHARE = "sure_share"  # the path's question: how much it answers when it must be 90% sure

page.setup(pages.EVALUATION)
st.title("Evaluation: where does it fail?")
# Predict first: the question comes before the page's text, which would give the answer away.
guide.here(pages.EVALUATION.path)
guide.train_first()
guide.checkpoints_of(pages.EVALUATION.path)
moment = moments.moment()  # the time slider's moment: the confusion matrix follows it
model, data = moment.model, moment.dataset
split = (
    st.segmented_control(
        "Judge it on",
        ["test", "val"],
        format_func={"test": "the test digits (never used while training)", "val": "the validation digits"}.get,
        default="test",
        key="eval_split",
    )
    or "test"
)
X, y = data.split(split)
result = evaluation.evaluate(model, X, y)
names = data.class_names
if moment.steps == 0 and moment.is_past:  # the present network's lack of training is said above
    st.info("At step 0 the network had not trained yet, so it guessed: this is where it started.")

guide.key_idea(
    f"judge a network on digits it never trained on: your network gets **{result.accuracy:.1%}** of the "
    f"{len(y):,} {'test' if split == 'test' else 'validation'} digits right. Where it fails says what it has not learned."
)
glossary.terms_row(("accuracy", "confusion_matrix", "precision", "recall", "confidence", "calibration"))
cols = st.columns(4)
cols[0].metric("Accuracy", f"{result.accuracy:.1%}")
cols[1].metric("Loss (cross-entropy)", f"{result.loss:.3f}")
cols[2].metric("Mistakes", f"{evaluation.mistake_count(result):,} of {len(y):,}")
cols[3].metric("Trained", f"{moment.steps:,} steps")


def per_digit_section() -> None:
    """Precision and recall of each digit, as a chart and a table."""
    left, right = st.columns(2)
    left.plotly_chart(figures.per_class_scores(result.precision, result.recall, names), key="per_class_scores")
    left.caption(lines.per_digit(result.recall, names, "recall"))
    right.dataframe(
        pd.DataFrame(
            {
                "digit": names,
                "samples": evaluation.class_counts(result),
                "precision": 100 * result.precision,
                "recall": 100 * result.recall,
                "accuracy": 100 * result.per_class_accuracy,
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "digit": st.column_config.TextColumn(width="small"),
            "samples": st.column_config.NumberColumn(width="small"),
            **{
                c: st.column_config.ProgressColumn(format="%.0f%%", min_value=0.0, max_value=100.0, width="small")
                for c in ("precision", "recall", "accuracy")
            },
        },
    )
    never_answered = [names[c] for c in evaluation.never_answered(result)]
    st.caption(
        "**Precision** of a digit: of the answers *it is a 3*, the share that were 3s. **Recall**: of the 3s, the share "
        "answered 3, which is also the accuracy on 3s."
        + (
            f" A blank precision: the network never answered {', '.join(never_answered)}, so there is nothing to be right about."
            if never_answered
            else ""
        )
    )

    st.page_link(pages.TRAINING.path, label="Per-digit accuracy over training is on the Training page", icon="📈")


@st.fragment
def confusion_section() -> None:
    """The confusion grid: a click, the toggle or a picker reruns only this part."""
    st.header("Confusion matrix")
    true_class, answered = selections.chosen_cell(evaluation.worst_confusion(result.confusion))
    left, right = st.columns([3, 2])
    with left:
        normalised = st.toggle("Share of each row (instead of counts)", key="confusion_normalised")
        st.plotly_chart(
            figures.confusion_grid(result.confusion, names, normalised, selected=(true_class, answered)),
            key="confusion_chart",
            on_select=lambda: selections.cell_from_chart("confusion_chart"),
            selection_mode="points",
        )
        st.caption(lines.confusion(result.confusion, names, of=split))
    with right:
        st.markdown(
            "Row = the true digit, column = the network's answer; the diagonal (green outline) is right. "
            "**Click a square** to see those digits, or pick it here:"
        )
        a, b = st.columns(2)
        a.selectbox("True digit", range(len(names)), format_func=lambda c: names[c], key=selections.KEY_CELL_TRUE)
        b.selectbox("Answered", range(len(names)), format_func=lambda c: names[c], key=selections.KEY_CELL_PREDICTED)
        members = evaluation.cell_members(result, true_class, answered)
        verb = "answered correctly" if true_class == answered else f"answered {names[answered]}"
        st.markdown(
            f"**{len(members)}** {names[true_class]}s {verb}" + (", most confident first:" if len(members) else ".")
        )
        shown = members[:12]
        if len(shown):
            st.image(
                [images.digit_rgb(X[i], data.image_shape) for i in shown],
                caption=[f"{result.probs[i, answered]:.0%} {names[answered]}" for i in shown],
                alt=[
                    f"a handwritten {names[true_class]}; the network says {names[answered]} "
                    f"({result.probs[i, answered]:.0%})"
                    for i in shown
                ],
                width=76,
            )


confusion_section()
fold("**Each digit**: precision and recall", per_digit_section)


@st.fragment
def mistakes_section() -> None:
    """The mistakes: the browser's buttons rerun only this part."""
    mistakes = evaluation.confident_mistakes(result)
    if len(mistakes) == 0:
        st.success("No mistakes on these digits.")
    else:
        top = mistakes[:16]
        st.image(
            [images.digit_rgb(X[i], data.image_shape) for i in top],
            caption=[f"{names[y[i]]} → {names[result.predicted[i]]} ({result.confidence[i]:.0%})" for i in top],
            alt=[
                f"a handwritten {names[y[i]]}; the network says {names[result.predicted[i]]} ({result.confidence[i]:.0%})"
                for i in top
            ],
            width=76,
        )
        st.caption("Each caption: true digit → the answer (its probability). Some of these labels are arguable.")
        st.subheader("Browse the mistakes")
        position = selections.mistake_position(len(mistakes))
        row = int(mistakes[position])
        controls = st.columns([1, 1, 4], vertical_alignment="center")
        controls[0].button(
            "Previous", icon="⬅️", on_click=selections.move_mistake, args=(-1, len(mistakes)), width="stretch"
        )
        controls[1].button(
            "Next mistake", icon="➡️", on_click=selections.move_mistake, args=(1, len(mistakes)), width="stretch"
        )
        controls[2].markdown(
            f"Mistake **{position + 1}** of {len(mistakes)} (by confidence): {split} row {row}, a "
            f"**{names[y[row]]}** answered **{names[result.predicted[row]]}**."
        )
        left, right = st.columns([1, 2])
        left.plotly_chart(
            common.image_figure(X[row], data.image_shape, f"{split} row {row}", height=280), key="mistake_image"
        )
        right.plotly_chart(
            common.probability_bars(result.probs[row], names, int(y[row]), "Its probabilities (true digit outlined)"),
            key="mistake_probs",
        )


fold("**Its most confident mistakes**, and each one up close", mistakes_section)


@st.fragment
def confidence_section() -> None:
    """Confidence: the threshold reruns only this part."""
    threshold = st.slider("Answer *not sure* below this top probability", 0.0, 1.0, 0.5, 0.01, key="eval_threshold")
    kept = evaluation.abstain_below(result, threshold)
    st.markdown(
        f"Answering only when at least **{threshold:.0%}** sure, it answers **{kept.coverage:.1%}** of the digits "
        + ("and none is left to score." if kept.answered == 0 else f"and gets **{kept.accuracy:.1%}** of those right")
        + f" (against {result.accuracy:.1%} when it must answer all)."
    )
    thresholds, coverage, accuracy = evaluation.abstention_curve(result)
    calibration = evaluation.reliability(result, bins=10)
    cols = st.columns(3)
    cols[0].plotly_chart(
        figures.confidence_histogram(result.confidence, result.correct, threshold), key="confidence_histogram"
    )
    cols[1].plotly_chart(figures.coverage_figure(thresholds, coverage, accuracy, threshold), key="coverage")
    cols[2].plotly_chart(
        figures.reliability_figure(calibration.edges, calibration.confidence, calibration.accuracy, calibration.counts),
        key="reliability",
    )
    st.caption(
        "Right: when it says 80%, is it right 80% of the time? "
        f"Expected calibration error: **{calibration.expected_calibration_error:.3f}** (the mean gap between confidence "
        "and accuracy, weighted by answers). Bars below the diagonal: over-confident; above: under-confident."
    )


part = folded("**Confidence**: how sure it is, and how right it is then")
if part.open:
    with part:
        if guide.held_back(SURE_SHARE, "How often it is sure, and how right it is then,"):
            confidence_section()


@st.fragment
def layer_map_section() -> None:
    """The layer map: the layer slider or a click reruns only this part."""
    layers = list(range(model.n_layers + 1))
    layer_names = {0: "input pixels", model.n_layers: "output probabilities"}
    layer = st.select_slider(
        "Space",
        layers,
        value=min(1, model.n_layers),
        format_func=lambda l: layer_names.get(l, f"hidden layer {l}") + f" ({model.layer_sizes[l]} numbers)",
        key="pca_layer",
    )
    shown_rows = min(len(y), 2000)
    projection = evaluation.pca_2d(evaluation.layer_outputs(model, X[:shown_rows], layer))
    left, right = st.columns([3, 1])
    picked = left.plotly_chart(
        figures.pca_map(
            projection.points,
            y[:shown_rows],
            result.predicted[:shown_rows],
            names,
            projection.explained,
            f"{shown_rows:,} {split} digits in the space of the {layer_names.get(layer, f'hidden layer {layer}')}",
        ),
        key="pca_map",
        on_select="rerun",
        selection_mode="points",
    )
    row = selections.clicked_row(picked.selection.points if picked else [])
    with right:
        if row is None:
            st.info("Click a dot to see its digit.")
        else:
            st.image(
                images.digit_rgb(X[row], data.image_shape, scale=6),
                width=170,
                alt=f"a handwritten {names[y[row]]}; the network says {names[result.predicted[row]]} "
                f"({result.confidence[row]:.0%})",
            )
            st.markdown(
                f"{split} row {row}: a **{names[y[row]]}**, answered **{names[result.predicted[row]]}** "
                f"({result.confidence[row]:.0%})."
            )
    st.caption(
        "Each dot is a digit, placed by the first two principal components (PCA, by NumPy's SVD) of the numbers that "
        "layer holds for it; colour = the true digit. From layer to layer the classes pull apart: that is what the "
        "network has learned. Click a digit in the legend to hide it."
    )


fold("**The digits as the network sees them**, layer by layer", layer_map_section)
part = folded("**How it holds up**: digits moved, turned, redrawn")
if part.open:
    with part:
        if moment.is_past:  # the curves are of the network now (a past moment has no ledger entry of its own)
            st.info("These curves are of the network now: press **Back to now** to see them.")
        else:
            st.fragment(robustness.robustness_section)(split)
show_code(evaluation.evaluate, evaluation.reliability, evaluation.pca_2d)
