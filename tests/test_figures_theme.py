"""ui.figures.theme: the traces and shapes each builder promises."""

import numpy as np
import pytest

from ui.figures import theme


def test_ema_is_bias_corrected_and_smooths():
    smoothed = theme.ema(np.array([2.0, 2.0, 2.0, 0.0]), 0.5)
    np.testing.assert_allclose(smoothed[:3], 2.0)
    assert 0 < smoothed[3] < 2


@pytest.mark.parametrize("values", [np.array([0.0, 0.0]), np.array([np.nan])])
def test_symmetric_limit_never_breaks_on_flat_or_empty_data(values):
    assert theme.symmetric_limit(values) >= 0
