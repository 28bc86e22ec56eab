"""Arrays to pictures: weight tiles in a grid, diverging and grey RGB images, square previews (no Plotly)."""

from __future__ import annotations

import numpy as np

from .theme import symmetric_limit

Array = np.ndarray


def tile_grid(W: Array, image_shape: tuple[int, int], columns: int = 16, gap: int = 1) -> Array:
    """Rows of ``W`` (units, pixels) as image tiles in a grid, NaN between tiles: (rows*(h+gap), columns*(w+gap))."""
    h, w = image_shape
    units = W.shape[0]
    columns = max(1, min(columns, units))
    rows = -(-units // columns)
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, dtype=np.float32)
    for unit in range(units):
        r, c = divmod(unit, columns)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = W[unit].reshape(h, w)
    return grid


TILE_PERCENTILE = 99.0  # each tile's colour range: this percentile of its own |values|


def per_tile_scaled(W: Array, percentile: float = TILE_PERCENTILE) -> Array:
    """Each row of ``W`` divided by the ``percentile`` of its own absolute values, so every tile
    uses its full colour range (a row of zeros stays zeros), float32 (units, pixels).

    What training adds to a first-layer unit in its first epoch is small beside He's random
    start, and differs from unit to unit by ten times: on one shared scale most tiles are blank.
    Scaled one by one, every unit's strokes show from the first epoch."""
    W = np.asarray(W, dtype=np.float32)
    limits = np.percentile(np.abs(W), percentile, axis=1, keepdims=True)
    return np.divide(W, limits, out=np.zeros_like(W), where=limits > 0)


def diverging_rgb(grid: Array, scale: int = 3, limit: float | None = None) -> Array:
    """``grid`` as an RGB image (uint8): blue for negative, white for 0, red for positive, full
    colour at +-``limit`` (by default the grid's ``symmetric_limit``); NaN gaps are light grey.
    Each cell becomes ``scale`` x ``scale`` pixels."""
    limit = limit or symmetric_limit(grid) or 1.0
    t = np.clip(np.nan_to_num(grid, nan=0.0) / limit, -1, 1)[..., None]
    white, red, blue = np.array([1.0, 1.0, 1.0]), np.array([0.70, 0.09, 0.17]), np.array([0.13, 0.40, 0.67])
    rgb = np.where(t >= 0, white + t * (red - white), white - t * (blue - white))
    rgb[np.isnan(grid)] = 0.93
    image = (rgb * 255).round().astype(np.uint8)
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def gray_rgb(grid: Array, scale: int = 3) -> Array:
    """A grid of [0, 1] pixels as a uint8 RGB image, ink dark on white, NaN gaps light grey."""
    ink = np.clip(np.nan_to_num(grid, nan=0.0), 0, 1)
    rgb = np.repeat((255 * (1 - ink))[..., None], 3, axis=2)
    rgb[np.isnan(grid)] = 236
    return rgb.round().astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)


def square_preview(image: Array, side: int = 150, box: tuple[int, int, int, int] | None = None) -> Array:
    """A [0, 1] ink image padded to a square (paper around it), enlarged to ``side`` pixels, as
    uint8 RGB; ``box`` (top, bottom, left, right in the image's pixels) is outlined in red."""
    from PIL import Image, ImageDraw

    h, w = image.shape
    n = max(h, w)
    top, left = (n - h) // 2, (n - w) // 2
    square = np.zeros((n, n))
    square[top : top + h, left : left + w] = image
    picture = Image.fromarray(gray_rgb(square, scale=1)).resize((side, side), Image.Resampling.NEAREST)
    if box is not None:
        scale = side / n
        b_top, b_bottom, b_left, b_right = box
        ImageDraw.Draw(picture).rectangle(
            [
                (left + b_left) * scale,
                (top + b_top) * scale,
                (left + b_right) * scale - 1,
                (top + b_bottom) * scale - 1,
            ],
            outline=(214, 39, 40),
            width=2,
        )
    return np.asarray(picture)


def digit_rgb(pixels: Array, image_shape: tuple[int, int], scale: int = 3) -> Array:
    """One flat image of [0, 1] pixels as a uint8 RGB picture, ink dark on white."""
    return gray_rgb(np.asarray(pixels).reshape(image_shape), scale)


def weight_tiles_rgb(
    W: Array, image_shape: tuple[int, int], columns: int = 16, scale: int = 1, each_tile: bool = False
) -> Array:
    """Rows of ``W`` (units, pixels) as tiles in a grid, in diverging colours (red up, blue down):
    on one colour scale, or with ``each_tile`` each on its own (``per_tile_scaled``)."""
    if each_tile:
        return diverging_rgb(tile_grid(per_tile_scaled(W), image_shape, columns), scale, limit=1.0)
    return diverging_rgb(tile_grid(W, image_shape, columns), scale)


def jpeg_data_url(rgb: Array) -> str:
    """An RGB picture as a ``data:image/jpeg`` URL (what Streamlit sends an RGB array as; under a
    millisecond, about 110 kB for 128 units' tiles): the page holds the picture itself, so it cannot
    be gone when the browser asks for it (an image Streamlit keeps as a media file was removed by
    the next Play tick before a slow browser fetched it, and showed as its alternative text)."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
