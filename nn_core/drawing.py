"""Turning a drawing (or a photo of a digit) into what the network was trained on.

MNIST's digits were prepared like this: the ink cropped to its bounding box, scaled so the
longer side is 20 pixels (keeping the aspect ratio), and placed in a 28x28 frame so that the
centre of mass of the ink is the frame's centre. A drawing prepared the same way looks like a
training digit; a raw drawing, shrunk as a whole, does not (thin, off-centre, too small).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

Array = np.ndarray
INK_LEVEL = 0.1  # a pixel with less ink than this is paper
MIN_INK_SHARE = 0.002  # below this share of inked pixels a canvas counts as empty


class EmptyDrawingError(ValueError):
    """Nothing (or almost nothing) is drawn."""


class PictureError(ValueError):
    """A file that is not a picture this module can read."""


MAX_PICTURE_SIDE = 1000  # a huge photo is shrunk first: nothing needs more pixels


def read_picture(source) -> Array:
    """An uploaded picture (a path or a file-like object of PNG or JPEG bytes) as RGBA pixels,
    (H, W, 4) uint8, its longer side at most MAX_PICTURE_SIDE; raises PictureError."""
    from PIL import UnidentifiedImageError

    try:
        with Image.open(source) as picture:
            picture.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
            return np.asarray(picture.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PictureError(f"that file is not a picture this page can read ({error})") from None


@dataclass(frozen=True)
class Prepared:
    """Each preprocessing step's image, for showing; ``pixels`` is what the network gets."""

    ink: Array  # (H, W) in [0, 1], the drawing as ink
    box: tuple[int, int, int, int]  # top, bottom, left, right (exclusive) of the ink
    cropped: Array
    scaled: Array  # longer side = inner
    centre_of_mass: tuple[float, float]  # of ``scaled``, (row, column)
    framed: Array  # (size, size), centre of mass at the centre
    pixels: Array  # framed, flattened, float32 in [0, 1]


def ink_of(image: Array) -> Array:
    """Ink in [0, 1] from a grey, RGB or RGBA image (uint8 or float in [0, 255]).

    Transparent pixels are paper. Whichever of dark or light covers the image's border is taken
    as paper, so black-on-white and white-on-black drawings both work.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 2:
        grey, alpha = image / 255, np.ones(image.shape)
    elif image.ndim == 3 and image.shape[2] in (3, 4):
        grey = image[..., :3] @ np.array([0.299, 0.587, 0.114]) / 255
        alpha = image[..., 3] / 255 if image.shape[2] == 4 else np.ones(image.shape[:2])
    else:
        raise ValueError(f"an image is (height, width) or (height, width, 3 or 4), not {image.shape}")
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    border_alpha = np.concatenate([alpha[0], alpha[-1], alpha[:, 0], alpha[:, -1]])
    paper_is_dark = np.median(border[border_alpha > 0.5]) < 0.5 if (border_alpha > 0.5).any() else False
    ink = grey if paper_is_dark else 1 - grey
    return np.clip(ink * alpha, 0, 1)


def _resize(image: Array, height: int, width: int) -> Array:
    shrinking = height < image.shape[0] or width < image.shape[1]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    resized = Image.fromarray(image.astype(np.float32), mode="F").resize((width, height), method)
    return np.clip(np.asarray(resized, dtype=np.float64), 0, 1)


def prepare(image: Array, size: int = 28, inner: int | None = None) -> Prepared:
    """The drawing in ``image`` prepared like MNIST in a ``size`` x ``size`` frame, the longer
    side of the ink scaled to ``inner`` (20 for 28). Raises EmptyDrawingError for a blank canvas."""
    inner = inner or max(1, round(size * 20 / 28))
    ink = ink_of(image)
    inked = ink > INK_LEVEL
    if inked.mean() < MIN_INK_SHARE:
        raise EmptyDrawingError("draw a digit: the canvas is (almost) empty")
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    cropped = ink[top:bottom, left:right]
    h, w = cropped.shape
    scale = inner / max(h, w)
    scaled = _resize(cropped, max(1, round(h * scale)), max(1, round(w * scale)))
    com = centre_of_mass(scaled)
    sh, sw = scaled.shape
    at_row = int(np.clip(round(size / 2 - 0.5 - com[0]), 0, size - sh))
    at_col = int(np.clip(round(size / 2 - 0.5 - com[1]), 0, size - sw))
    framed = np.zeros((size, size))
    framed[at_row : at_row + sh, at_col : at_col + sw] = scaled
    framed /= framed.max()
    return Prepared(
        ink, (top, bottom, left, right), cropped, scaled, com, framed, framed.reshape(-1).astype(np.float32)
    )


def centre_of_mass(image: Array) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass."""
    image = np.asarray(image, dtype=np.float64)
    r, c = np.indices(image.shape)
    return float((r * image).sum() / image.sum()), float((c * image).sum() / image.sum())
