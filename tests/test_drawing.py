import numpy as np
import pytest
from PIL import Image

from nn_core import drawing


def canvas(height=280, width=280):
    """A transparent RGBA canvas, like the drawing component's."""
    return np.zeros((height, width, 4), dtype=np.uint8)


def ink_rows_cols(image, level=0.1):
    rows, cols = np.flatnonzero(image.max(axis=1) > level), np.flatnonzero(image.max(axis=0) > level)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_an_off_centre_oversized_stroke_becomes_a_centred_20_pixel_digit():
    image = canvas()
    image[5:275, 200:260, 3] = 255  # black ink at the far right, the full height of the canvas
    image[5:60, 120:260, 3] = 255  # and a bar at the top: a 7
    prepared = drawing.prepare(image)
    height, width = ink_rows_cols(prepared.framed)
    assert max(height, width) == 20
    r, c = drawing.centre_of_mass(prepared.framed)
    assert abs(r - 13.5) <= 0.5 and abs(c - 13.5) <= 0.5
    assert prepared.pixels.shape == (784,) and prepared.pixels.dtype == np.float32
    assert prepared.pixels.max() == 1.0 and prepared.pixels.min() == 0.0
    assert prepared.box == (5, 275, 120, 260)


def test_the_aspect_ratio_is_kept():
    image = canvas()
    image[40:240, 100:150, 3] = 255  # 200 tall, 50 wide
    height, width = ink_rows_cols(drawing.prepare(image).framed)
    assert height == 20 and width == 5


@pytest.mark.parametrize("paper, ink", [(255, 0), (0, 255)])
def test_black_on_white_and_white_on_black_give_the_same_digit(paper, ink):
    image = np.full((100, 100, 3), paper, dtype=np.uint8)
    image[20:80, 45:55] = ink
    prepared = drawing.prepare(image)
    assert ink_rows_cols(prepared.framed) == (20, 3) or ink_rows_cols(prepared.framed) == (20, 4)
    assert prepared.framed[0, 0] == 0  # paper is 0, whichever colour it was


@pytest.mark.parametrize("image", [canvas(), np.full((50, 50), 255, dtype=np.uint8)])
def test_an_empty_canvas_asks_for_a_digit(image):
    with pytest.raises(drawing.EmptyDrawingError, match="draw a digit"):
        drawing.prepare(image)


def test_a_speck_is_not_a_digit():
    image = canvas()
    image[100:102, 100:102, 3] = 255
    with pytest.raises(drawing.EmptyDrawingError):
        drawing.prepare(image)


def test_an_mnist_digit_drawn_large_comes_back_as_itself(mnist):
    digit = mnist.X_test[0].reshape(28, 28)
    big = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((280, 280), Image.Resampling.BILINEAR))
    prepared = drawing.prepare(255 - big)  # drawn dark on white
    assert np.corrcoef(prepared.pixels, mnist.X_test[0])[0, 1] > 0.8


def test_8x8_frames_for_the_small_digits():
    image = canvas()
    image[50:230, 120:160, 3] = 255
    prepared = drawing.prepare(image, size=8)
    assert prepared.framed.shape == (8, 8) and max(ink_rows_cols(prepared.framed)) == 6


def test_a_bad_image_shape_is_refused():
    with pytest.raises(ValueError, match="height, width"):
        drawing.ink_of(np.zeros((4, 4, 2)))
