"""ui.figures.evaluation: the traces and shapes each builder promises."""

import numpy as np

from ui.figures import evaluation

NAMES = ("a", "b", "c")
CONFUSION = np.array([[8, 2, 0], [1, 9, 0], [0, 0, 0]])


def test_the_confusion_grid_is_a_clickable_scatter_with_one_square_per_cell():
    fig = evaluation.confusion_grid(CONFUSION, NAMES)
    squares = fig.data[0]
    assert squares.type == "scatter" and squares.marker.symbol == "square" and len(squares.x) == 9
    assert squares.customdata[1].tolist() == [0, 1, 2]  # true a, answered b, 2 digits
    assert list(squares.text[:3]) == ["8", "2", "0"]
    assert squares.y[0] == 2 and list(fig.layout.yaxis.ticktext) == ["c", "b", "a"]  # first class on top


def test_the_normalised_grid_shows_row_shares_and_the_selection_is_outlined():
    fig = evaluation.confusion_grid(CONFUSION, NAMES, normalised=True, selected=(1, 0))
    assert list(fig.data[0].text[:3]) == ["80%", "20%", "0%"] and fig.data[0].text[6] == "0%"
    assert (fig.data[1].x[0], fig.data[1].y[0]) == (0, 1)  # true b (row 1 of 3, drawn at y = 1)


def test_mistakes_are_coloured_on_their_own_scale_and_the_diagonal_is_not():
    colours = np.asarray(evaluation.confusion_grid(CONFUSION, NAMES).data[0].marker.color)
    assert colours[1] == 1.0 and colours[3] == 0.5 and colours[0] == 0 and colours[4] == 0


def test_per_class_scores_in_percent():
    fig = evaluation.per_class_scores(np.array([0.5, 1.0, np.nan]), np.array([1.0, 0.25, 0.0]), NAMES)
    assert [t.name.split(" ")[0] for t in fig.data] == ["precision", "recall"]
    assert np.allclose(fig.data[1].y, [100, 25, 0])


def test_confidence_histogram_separates_right_and_wrong_answers():
    confidence = np.array([0.95, 0.9, 0.4, 0.3])
    correct = np.array([True, True, False, True])
    fig = evaluation.confidence_histogram(confidence, correct, 0.5, bins=10)
    assert fig.data[0].name == "right (3)" and fig.data[0].y.sum() == 3 and fig.data[1].y.sum() == 1
    assert fig.layout.shapes[0].x0 == 0.5


def test_coverage_and_reliability_figures():
    fig = evaluation.coverage_figure(np.array([0.0, 0.5]), np.array([1.0, 0.6]), np.array([0.8, 0.9]), 0.5)
    assert np.allclose(fig.data[0].y, [100, 60])
    edges = np.linspace(0, 1, 3)
    rel = evaluation.reliability_figure(edges, np.array([np.nan, 0.8]), np.array([np.nan, 0.75]), np.array([0, 4]))
    assert np.allclose(rel.data[1].y, [0, 75]) and rel.data[0].name == "perfectly calibrated"


def test_the_pca_map_has_a_trace_per_present_class_with_rows_to_hover():
    points = np.arange(8.0).reshape(4, 2)
    fig = evaluation.pca_map(points, np.array([0, 2, 0, 2]), np.array([0, 1, 0, 2]), NAMES, np.array([0.5, 0.2]), "t")
    assert [t.name for t in fig.data] == ["a", "c"]
    assert fig.data[1].customdata.tolist() == [[1, 1], [3, 2]]
    assert "50%" in fig.layout.xaxis.title.text
