"""Augmentation: each training batch, as it is drawn, gets random shifts, rotations, scaling,
shear, thicker or thinner strokes and pixel noise (never the stored data, which stays as it is).

A network that has only seen the training digits where they are learns where their ink is; one
that has seen them moved, turned and redrawn a little learns what a 3 looks like. Every range is
"up to this much, either way", drawn anew for each digit of each batch, and all of it from one
``numpy.random.Generator``: the trainer gives each step its own, made from its seed and the step
number, so a run, its replay and a run continued from a snapshot see the same batches.

The whole batch is transformed at once (``transform``): one affine map per digit, read back by
bilinear interpolation with a single gather per corner, so a batch of 64 costs about as much as
the training step it feeds (``benchmarks/bench_augment.py``); ``scipy.ndimage`` image by image
is several times slower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from .tables import SettingTable

Array = np.ndarray

# The largest range each setting accepts (a setting outside it is refused, not clipped).
LIMITS = {
    "shift": 6.0,  # pixels
    "rotate": 45.0,  # degrees
    "scale": 0.4,  # fraction: sizes from 60% to 140%
    "shear": 45.0,  # degrees
    "thicker": 1.0,  # fraction of the way to a stroke one pixel wider all round
    "thinner": 1.0,  # fraction of the way to a stroke one pixel narrower all round
    "noise": 0.5,  # standard deviation of the pixel noise, in ink (0 to 1)
}


@dataclass(frozen=True)
class Augmentation(SettingTable):
    """The ranges: each digit of a batch is moved, turned, ... by a random amount up to these."""

    WHAT = "augmentation"

    shift: float = 0.0  # pixels, in each direction
    rotate: float = 0.0  # degrees, either way
    scale: float = 0.0  # a size from 1 - scale to 1 + scale
    shear: float = 0.0  # degrees, either way
    thicker: float = 0.0  # strokes up to this far toward one pixel wider
    thinner: float = 0.0  # ... toward one pixel narrower
    noise: float = 0.0  # pixel noise (uniform) of standard deviation up to this

    def __post_init__(self):
        for name, most in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"augmentation {name} must be a number, not {value!r}")
            if not 0 <= value <= most:
                raise ValueError(f"augmentation {name} must be between 0 and {most:g}, not {value:g}")
            object.__setattr__(self, name, float(value))

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def describe(self) -> str:
        """In words, for a legend or a caption: "shift ±2 px, rotate ±10°" (or "none")."""
        parts = [
            f"shift ±{self.shift:g} px" if self.shift else "",
            f"rotate ±{self.rotate:g}°" if self.rotate else "",
            f"scale ±{self.scale:.0%}" if self.scale else "",
            f"shear ±{self.shear:g}°" if self.shear else "",
            f"thicker {self.thicker:.0%}" if self.thicker else "",
            f"thinner {self.thinner:.0%}" if self.thinner else "",
            f"noise {self.noise:g}" if self.noise else "",
        ]
        return ", ".join(p for p in parts if p) or "none"


NONE = Augmentation()
MNIST_SIDE = 28  # the pixel ranges here are for 28-pixel digits


def for_image(aug: Augmentation, image_shape: tuple[int, int]) -> Augmentation:
    """``aug`` for digits of ``image_shape``: its shift (in pixels) scaled from 28-pixel digits."""
    side = min(image_shape)
    return aug if side == MNIST_SIDE else replace(aug, shift=round(aug.shift * side / MNIST_SIDE, 2))


# Moves and redrawings of the size people's handwriting differs by: the strong-reader recipe's, and
# what the overfitting hint offers.
STANDARD = Augmentation(shift=2, rotate=12, scale=0.1, shear=8, thicker=0.5, thinner=0.5)


@dataclass(frozen=True)
class Draw:
    """The amounts drawn for each digit of a batch (arrays of its length)."""

    dy: Array  # pixels down
    dx: Array  # pixels right
    angle: Array  # degrees, anticlockwise
    scale: Array  # size factor
    shear: Array  # degrees
    thickness: Array  # -1 (toward thinner) to +1 (toward thicker)
    noise: Array  # standard deviation


def draw(aug: Augmentation, n: int, rng: np.random.Generator) -> Draw:
    """Random amounts for ``n`` digits within ``aug``'s ranges (always the same number of draws,
    so a range changed from 0 does not shift what the others get)."""
    u = rng.uniform(-1.0, 1.0, size=(7, n))
    thickness = np.where(u[5] >= 0, u[5] * aug.thicker, u[5] * aug.thinner)
    return Draw(
        u[0] * aug.shift,
        u[1] * aug.shift,
        u[2] * aug.rotate,
        1.0 + u[3] * aug.scale,
        u[4] * aug.shear,
        thickness,
        (u[6] + 1.0) / 2.0 * aug.noise,
    )


def framed(images: Array) -> Array:
    """(n, h + 3, w + 3): ``images`` (n, h, w) in a frame of blank paper, 1 pixel wide above and
    left, 2 below and right. In a flat row of it, the pixels either side of a pixel are 1 apart
    and those above and below ``w + 3`` apart, and none of them wraps into another row."""
    n, h, w = images.shape
    out = np.zeros((n, h + 3, w + 3), np.float32)
    out[:, 1 : h + 1, 1 : w + 1] = images
    return out


def _blank_frame(frame: Array) -> None:
    frame[:, 0, :] = 0
    frame[:, -2:, :] = 0
    frame[:, :, 0] = 0
    frame[:, :, -2:] = 0


def _neighbours(frame: Array, pick) -> Array:
    """Each pixel of a ``framed`` batch combined (``np.maximum`` or ``np.minimum``) with its four
    neighbours'. The whole batch is one flat row: the frame keeps pictures and their rows apart,
    and what spills into it is blanked afterwards (``_blank_frame``)."""
    wp = frame.shape[2]
    flat = frame.reshape(-1)
    out = flat.copy()
    for k in (1, wp):
        pick(out[k:], flat[:-k], out=out[k:])
        pick(out[:-k], flat[k:], out=out[:-k])
    return out.reshape(frame.shape)


def widen_strokes(frame: Array, thickness: Array) -> None:
    """A ``framed`` batch's strokes, in place, a fraction of the way to one pixel wider
    (thickness > 0) or narrower (< 0): a blend toward a dilation or an erosion by the
    four-neighbour cross. (Each picture moves one way only, so the erosion may be taken after
    the dilation: the pictures that were dilated are not eroded.)"""
    t = thickness.astype(np.float32)[:, None, None]
    for pick, amount in ((np.maximum, np.maximum(t, 0)), (np.minimum, np.minimum(t, 0))):
        if amount.any():
            toward = _neighbours(frame, pick)
            toward -= frame
            toward *= np.abs(amount)
            frame += toward
    _blank_frame(frame)  # a stroke widened past the picture's edge is not in the picture


def stroke_width(images: Array, thickness: Array) -> Array:
    """``images`` (n, h, w) with strokes a fraction of the way to one pixel wider or narrower
    (``widen_strokes``), as a new array."""
    frame = framed(images)
    widen_strokes(frame, thickness)
    h, w = images.shape[1:]
    return frame[:, 1 : h + 1, 1 : w + 1].astype(images.dtype)


def affine_matrices(angle: Array, scale: Array, shear: Array) -> Array:
    """(n, 2, 2): per digit, the map of (row, column) offsets from the centre that rotates
    anticlockwise by ``angle`` degrees, shears by ``shear`` and scales by ``scale``."""
    a, s = np.radians(angle), np.radians(shear)
    cos, sin = np.cos(a), np.sin(a)
    # In (x = column, y = up = -row) a rotation is [[cos, -sin], [sin, cos]]; in (row, column) it is
    # row' = row cos - column sin, column' = row sin + column cos. The shear slants columns with the
    # row: column += tan(s) * row.
    rotation = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    shearing = np.zeros_like(rotation)
    shearing[:, 0, 0] = 1.0
    shearing[:, 1, 0] = np.tan(s)
    shearing[:, 1, 1] = 1.0
    return scale[:, None, None] * (rotation @ shearing)


def warp_framed(frame: Array, matrices: Array, dy: Array, dx: Array) -> Array:
    """(n, h, w): each picture of a ``framed`` batch moved by its matrix about the centre, then by
    (dy, dx). Each output pixel reads the input where the inverse map sends it, by bilinear
    interpolation, with blank paper outside the picture."""
    n, hp, wp = frame.shape
    if n * hp * wp >= 2**24:  # the index below is built in float32, exact below 2**24: in parts
        part = max(1, (2**24 - 1) // (hp * wp))
        return np.concatenate(
            [
                warp_framed(frame[i : i + part], matrices[i : i + part], dy[i : i + part], dx[i : i + part])
                for i in range(0, n, part)
            ]
        )
    h, w = hp - 3, wp - 3
    inverse = np.linalg.inv(matrices).astype(np.float32)
    r = (np.arange(h, dtype=np.float32) - (h - 1) / 2)[None, :] - dy.astype(np.float32)[:, None]  # (n, h)
    c = (np.arange(w, dtype=np.float32) - (w - 1) / 2)[None, :] - dx.astype(np.float32)[:, None]  # (n, w)
    # Where each output pixel reads, in the frame's coordinates (the picture starts at 1): the map
    # is affine, so a row's part and a column's part are added once per pixel.
    src_r = np.add((inverse[:, 0, 0, None] * r + (h + 1) / 2)[:, :, None], (inverse[:, 0, 1, None] * c)[:, None, :])
    src_c = np.add((inverse[:, 1, 0, None] * r + (w + 1) / 2)[:, :, None], (inverse[:, 1, 1, None] * c)[:, None, :])
    # Outside the picture, read blank paper: a position is kept within the frame.
    np.clip(src_r, 0, h + 1, out=src_r)
    np.clip(src_c, 0, w + 1, out=src_c)
    r0, c0 = np.floor(src_r), np.floor(src_c)
    src_r -= r0  # now the fractions
    src_c -= c0
    r0 *= wp
    r0 += c0
    r0 += (np.arange(n, dtype=np.float32) * (hp * wp))[:, None, None]  # exact: below 2**24 (see above)
    index = r0.astype(np.intp)
    flat = frame.reshape(-1)
    # The four corners: the same index into views that start 0, 1, wp and wp + 1 further on (no
    # index arithmetic). Every index is in range (positions stay within the frame); "wrap" only
    # spares numpy's bounds check, a fifth of the cost of a gather.
    top = np.take(flat, index, mode="wrap")
    right = np.take(flat[1:], index, mode="wrap")
    bottom = np.take(flat[wp:], index, mode="wrap")
    corner = np.take(flat[wp + 1 :], index, mode="wrap")
    right -= top  # top + (right - top) * fc, the same below, then between the two rows
    right *= src_c
    top += right
    corner -= bottom
    corner *= src_c
    bottom += corner
    bottom -= top
    bottom *= src_r
    top += bottom
    return top


def warp(images: Array, matrices: Array, dy: Array, dx: Array) -> Array:
    """``images`` (n, h, w) moved as ``warp_framed`` says, as a new array."""
    return warp_framed(framed(images), matrices, dy, dx).astype(images.dtype, copy=False)


def transform(X: Array, image_shape: tuple[int, int], amounts: Draw, rng: np.random.Generator | None = None) -> Array:
    """A new (n, pixels) batch: ``X``'s rows as images, with strokes thickened or thinned, then
    moved, turned, scaled and sheared, then noised (from ``rng``), and kept within [0, 1]."""
    n = len(X)
    h, w = image_shape
    images = np.asarray(X, dtype=np.float32).reshape(n, h, w)
    strokes = bool(np.any(amounts.thickness))
    moves = bool(
        amounts.angle.any() or amounts.shear.any() or np.any(amounts.scale != 1) or amounts.dy.any() or amounts.dx.any()
    )
    if strokes or moves:
        frame = framed(images)
        if strokes:
            widen_strokes(frame, amounts.thickness)
        if moves:
            images = warp_framed(
                frame, affine_matrices(amounts.angle, amounts.scale, amounts.shear), amounts.dy, amounts.dx
            )
        else:
            images = frame[:, 1 : h + 1, 1 : w + 1]
    out = np.ascontiguousarray(images).reshape(n, -1)
    if np.shares_memory(out, X):
        out = out.copy()
    if np.any(amounts.noise) and rng is not None:
        # Uniform noise of the drawn standard deviation (it is sqrt(3) times smaller than its
        # half-width): a quarter of the cost of normal noise, and the network cannot tell.
        noise = rng.random(out.shape, dtype=np.float32)
        noise -= 0.5
        noise *= (2 * math.sqrt(3) * amounts.noise).astype(np.float32)[:, None]
        out += noise
    np.clip(out, 0.0, 1.0, out=out)
    return out.astype(X.dtype, copy=False)


def augment(X: Array, image_shape: tuple[int, int], aug: Augmentation, rng: np.random.Generator) -> Array:
    """``X`` (n, pixels) as a new, augmented batch (``X`` itself is never written)."""
    if not aug.active:
        return X
    return transform(X, image_shape, draw(aug, len(X), rng), rng)


def copies(x: Array, image_shape: tuple[int, int], aug: Augmentation, n: int = 8, seed: int = 0) -> Array:
    """``n`` augmented copies of one digit ``x`` (for a preview), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    return transform(np.repeat(np.asarray(x)[None, :], n, axis=0), image_shape, draw(aug, n, rng), rng)


# -- fixed transformations, for robustness curves ------------------------------------------------


def shifted(X: Array, image_shape: tuple[int, int], dy: float, dx: float) -> Array:
    """Every row of ``X`` moved by (dy, dx) pixels."""
    n = len(X)
    return fixed(X, image_shape, dy=np.full(n, dy), dx=np.full(n, dx))


def fixed(X: Array, image_shape: tuple[int, int], rng: np.random.Generator | None = None, **given) -> Array:
    """``X`` changed by the amounts ``given`` per row (``Draw``'s fields; the others change nothing)."""
    n = len(X)
    amounts = {
        "dy": np.zeros(n),
        "dx": np.zeros(n),
        "angle": np.zeros(n),
        "scale": np.ones(n),
        "shear": np.zeros(n),
        "thickness": np.zeros(n),
        "noise": np.zeros(n),
    } | given
    return transform(X, image_shape, Draw(**amounts), rng)
