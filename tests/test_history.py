import numpy as np

from nn_core.history import SMOOTHING, Trace, debiased, ema, ema_step


def test_trace_stays_bounded_and_spans_the_whole_run():
    trace = Trace(cap=100)
    for step in range(1, 100_001):
        trace.append(step=step, value=np.array([step, -step]))
    steps = trace.column("step")
    assert 50 <= len(trace) < 100
    assert steps[0] == 1 and steps[-1] > 100_000 - trace.stride
    assert np.all(np.diff(steps) == trace.stride)
    assert trace.column("value").shape == (len(trace), 2)


def test_short_runs_keep_every_row():
    trace = Trace()
    for step in range(10):
        trace.append(step=step)
    assert list(trace.column("step")) == list(range(10)) and trace.last("step") == 9


def test_empty_trace_columns_are_empty():
    trace = Trace()
    assert trace.column("loss").size == 0 and trace.last("loss", 3.0) == 3.0


def test_trace_table_spreads_array_columns_over_named_columns():
    from nn_core.history import trace_table

    trace = Trace()
    trace.append(step=0, accuracy=np.array([0.1, 0.2]), dead=np.array([0.5]))
    trace.append(step=50, accuracy=np.array([0.3, 0.4]), dead=np.array([0.25]))
    table = trace_table(trace, {"accuracy": ["acc_0", "acc_1"]})
    assert list(table.columns) == ["step", "acc_0", "acc_1", "dead_0"]
    assert table["acc_1"].tolist() == [0.2, 0.4] and table["step"].tolist() == [0, 50]


def test_a_moving_average_starts_at_its_first_value_and_then_leans_on_its_past():
    assert ema_step(None, 3.0) == 3.0
    assert ema_step(3.0, 1.0) == SMOOTHING * 3.0 + (1 - SMOOTHING) * 1.0
    assert ema_step(3.0, 1.0, smoothing=0.5) == 2.0


def test_ema_is_the_debiased_average_of_its_steps_bit_for_bit():
    values = np.random.default_rng(0).random(50) * 3
    average, expected = 0.0, []
    for i, value in enumerate(values):
        average = SMOOTHING * average + (1 - SMOOTHING) * value
        expected.append(average / (1 - SMOOTHING ** (i + 1)))
    np.testing.assert_array_equal(ema(values), expected)
    assert debiased(0.2, 0.9, 1) == 0.2 / (1 - 0.9)
