"""ui.figures.images: the traces and shapes each builder promises."""

import numpy as np

from ui.figures import images


def test_tile_grid_places_each_unit_and_leaves_nan_gaps():
    W = np.arange(5 * 4, dtype=np.float32).reshape(5, 4)  # 5 units of 2x2 images
    grid = images.tile_grid(W, (2, 2), columns=3)
    assert grid.shape == (2 * 3 - 1, 3 * 3 - 1)
    np.testing.assert_array_equal(grid[0:2, 0:2], W[0].reshape(2, 2))
    np.testing.assert_array_equal(grid[3:5, 3:5], W[4].reshape(2, 2))  # unit 4: row 1, column 1
    assert np.isnan(grid[2]).all() and np.isnan(grid[3:5, 6:8]).all()  # the gap row, the empty last tile


def test_diverging_rgb_maps_sign_to_colour():
    grid = np.array([[-1.0, 0.0, 1.0, np.nan]], dtype=np.float32)
    image = images.diverging_rgb(grid, scale=1)
    assert image.shape == (1, 4, 3) and image.dtype == np.uint8
    blue, white, red, gap = image[0]
    assert blue[2] > blue[0] and red[0] > red[2] and (white == 255).all() and (gap == 237).all()


def test_gray_rgb_draws_ink_dark_and_gaps_grey():
    rgb = images.gray_rgb(np.array([[0.0, 1.0, np.nan]]), scale=2)
    assert rgb.shape == (2, 6, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0].tolist() == [255] * 3 and rgb[0, 2].tolist() == [0] * 3 and rgb[0, 4].tolist() == [236] * 3


def test_a_picture_as_a_data_url_decodes_to_the_same_size():
    import base64
    import io

    import numpy as np
    from PIL import Image

    from ui.figures.images import jpeg_data_url

    rgb = np.zeros((20, 30, 3), np.uint8)
    rgb[:, :15] = 255
    url = jpeg_data_url(rgb)
    assert url.startswith("data:image/jpeg;base64,")
    back = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    assert back.shape == rgb.shape and abs(int(back[:, :10].mean()) - 255) < 8 and back[:, 20:].mean() < 8
