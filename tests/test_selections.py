"""ui.selections: reading what the learner clicked."""

from ui.selections import clicked_cell, clicked_row


def test_a_clicked_square_is_read_from_its_customdata_in_either_form():
    assert clicked_cell([{"curve_number": 0, "customdata": {"0": 3, "1": 5, "2": 7}}]) == (3, 5)
    assert clicked_cell([{"curve_number": 0, "customdata": [4, 9, 2]}]) == (4, 9)
    assert clicked_cell([{"curve_number": 1, "customdata": [4, 9]}, {"x": 1}]) is None  # the outline, no data
    assert clicked_cell([]) is None


def test_a_clicked_dot_gives_its_row():
    assert clicked_row([{"customdata": {"0": 17, "1": 3}}]) == 17
    assert clicked_row([{"customdata": [5, 1]}]) == 5
    assert clicked_row([{"x": 1.0}]) is None and clicked_row([]) is None
