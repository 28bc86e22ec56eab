"""ui.figures.timeline: the moment's mark, runs overlaid, the probe digits' small multiples."""

import numpy as np

from ui.figures import timeline, training
from ui.figures.theme import RUN_COLOURS

STEPS = np.arange(1, 101)
LOSSES = np.linspace(2.3, 0.3, 100)


def curve(label, colour, present=False, scale=1.0):
    return {
        "label": label,
        "colour": colour,
        "steps": STEPS,
        "losses": LOSSES * scale,
        "eval_steps": np.array([0, 50, 100]),
        "val_accuracy": np.array([0.1, 0.6, 0.8]) / scale,
        "present": present,
    }


def test_the_moment_is_a_dashed_line_at_its_step_with_a_label():
    fig = timeline.mark_moment(training.loss_figure(STEPS, LOSSES, STEPS[:2], LOSSES[:2]), 37)
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 37 and line.line.dash == "dash"
    assert any("step 37" in a.text for a in fig.layout.annotations)


def test_runs_overlay_draws_each_run_in_its_colour_with_one_legend_entry_each():
    fig = timeline.runs_overlay([curve("lr 0.1", "#0072B2", present=True), curve("lr 0.01", "#E69F00", scale=2)])
    assert [t.name for t in fig.data] == ["lr 0.1", "lr 0.1", "lr 0.01", "lr 0.01"]
    assert [t.showlegend is not False for t in fig.data] == [True, False, True, False]
    assert fig.data[0].line.color == fig.data[1].line.color == "#0072B2"
    assert fig.data[0].line.width > fig.data[2].line.width  # the present run stands out
    np.testing.assert_allclose(fig.data[1].y, [10, 60, 80], rtol=1e-6)  # accuracy in percent
    assert fig.data[0].xaxis == "x" and fig.data[1].xaxis == "x2"  # loss left, accuracy right


def test_a_run_with_no_steps_still_shows_its_accuracy_in_the_legend():
    empty = {**curve("run 3", "#009E73"), "steps": np.empty(0), "losses": np.empty(0)}
    fig = timeline.runs_overlay([empty])
    assert [t.name for t in fig.data] == ["run 3"] and fig.data[0].showlegend


def test_run_colours_follow_the_run_number_and_repeat_after_eight():
    assert timeline.run_colour(1) == RUN_COLOURS[0]
    assert timeline.run_colour(9) == timeline.run_colour(1) and len(set(RUN_COLOURS)) == 8


def test_probe_figure_has_one_panel_per_probe_with_its_numbers_and_the_moment():
    steps = np.array([0, 1, 2, 5, 10])
    probabilities = np.linspace(0.1, 0.9, 50).reshape(5, 10)
    titles = [f"{d} (#{d})" for d in range(10)]
    fig = timeline.probe_figure(steps, probabilities, titles, shown_step=2)
    assert len(fig.data) == 10
    np.testing.assert_allclose(fig.data[3].y, probabilities[:, 3] * 100, rtol=1e-6)
    np.testing.assert_array_equal(fig.data[3].x, steps)
    assert [t.xaxis for t in fig.data[:2]] == ["x", "x2"]
    assert [a.text for a in fig.layout.annotations] == titles
    assert len(fig.layout.shapes) == 10 and all(s.x0 == 2 for s in fig.layout.shapes)
    domains = [fig.layout[f"xaxis{'' if i == 0 else i + 1}"].domain for i in range(10)]
    assert all(0 <= low < high <= 1 for low, high in domains)
    assert domains[0] == domains[5]  # two rows of five
    # green where the probe ends learned, orange where it does not
    low = timeline.probe_figure(steps, 1 - probabilities, titles)
    assert fig.data[9].line.color != low.data[9].line.color and not low.layout.shapes
