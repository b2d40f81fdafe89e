"""Legend swatches: the colour a map's legend gives Russia and Ukraine.

A legend entry is a small box of colour (the swatch) beside a country's name. Read by OCR, the
name says whose colour the swatch is; the swatch's colour then tells what Crimea's fill means
when the picture cannot: a close-up whose Russia is off the picture, or one whose unoccupied
Ukraine is. :func:`country_swatches` finds them; :mod:`checker.imaging` compares Crimea's fill
with them.

A swatch is looked for beside the name, first on its left (where legends put them), then on its
right: the nearest blob of one colour that is neither the legend's background nor the letters,
about as high as the letters and not much wider than a few of them. Its colour is the median of
its inside, its outline left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from checker.imaging.ocr import OcrLine

#: The countries whose swatches are looked for (gazetteer ids).
COUNTRIES = ("x:Russia", "x:Ukraine")
#: A swatch is searched this many letter heights left (or right) of its name.
REACH_HEIGHTS = 4.0
#: A swatch is this many letter heights high at least, and at most.
MIN_HEIGHTS, MAX_HEIGHTS = 0.5, 2.6
#: ... and this many letter heights wide at most.
MAX_WIDTH_HEIGHTS = 5.0
#: Pixels this far (CIE76, enough to tell background from ink) from the legend's background
#: are not background.
BACKGROUND_DE = 10.0
#: A swatch's inside varies this little (median absolute deviation of L*, in L* units) at most:
#: a flat fill, or a fine texture, not a picture.
MAX_SPREAD_L = 12.0
#: Fewest pixels inside a swatch (after its outline is taken off).
MIN_INSIDE_PX = 12


@dataclass(frozen=True)
class Swatch:
    """A legend entry: a country's name and the colour beside it."""

    place_id: str
    text: str
    text_box: tuple[int, int, int, int]
    box: tuple[int, int, int, int]
    lab: tuple[float, float, float]
    hex: str

    @property
    def country(self) -> str:
        return self.place_id.removeprefix("x:")


def country_swatches(lines: Sequence[OcrLine], rgb: npt.NDArray[Any]) -> list[Swatch]:
    """The swatches beside lines that name Russia or Ukraine and nothing else."""
    from checker.imaging import ocr

    out: list[Swatch] = []
    entries = [entry for line in lines for entry in _entries(line)]
    for place_id in COUNTRIES:
        for line in ocr.country_labels_in(entries, None, place_id):
            found = _swatch_beside(rgb, line.box)
            if found is not None:
                box, lab, hexa = found
                out.append(Swatch(place_id, line.text, line.box, box, lab, hexa))
    return out


#: Words this short at the start of a legend line may be its swatch read as letters.
SWATCH_WORD_CHARS = 2


def _entries(line: OcrLine) -> list[OcrLine]:
    """``line``, and when it starts with a word or two of at most two characters, the rest of
    it on its own, with the part of the box its characters take: OCR often reads the swatch
    as a word before the name ("Co Russia", "| Україна"), and the swatch is then inside the
    line's box, not beside it."""
    from checker.imaging import ocr

    tokens = line.text.split()
    short = 0
    while short < min(2, len(tokens) - 1) and len(tokens[short]) <= SWATCH_WORD_CHARS:
        short += 1
    if not short:
        return [line]
    x0, y0, x1, y1 = line.box
    rest = " ".join(tokens[short:])
    at = line.text.rindex(rest)
    left = x0 + int(at * (x1 - x0) / max(1, len(line.text)))
    return [line, ocr.OcrLine(rest, line.conf, (min(left, x1 - 1), y0, x1, y1))]


def _swatch_beside(
    rgb: npt.NDArray[Any], box: tuple[int, int, int, int]
) -> tuple[tuple[int, int, int, int], tuple[float, float, float], str] | None:
    from scipy import ndimage

    from checker.imaging import decide as dec

    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    letters = max(4, y1 - y0)
    reach = round(REACH_HEIGHTS * letters)
    top, bottom = max(0, y0 - letters), min(h, y1 + letters)
    background = ring_colour(rgb, box)
    if background is None:
        return None
    for lo, hi in ((max(0, x0 - reach), x0), (x1, min(w, x1 + reach))):
        if hi - lo < 3 or bottom - top < 3:
            continue
        window = rgb[top:bottom, lo:hi, :3].astype(np.float64)
        lab = dec.srgb_to_lab(window.reshape(-1, 3)).reshape(window.shape)
        off = dec.delta_e76(lab, background) >= BACKGROUND_DE
        labels, n = ndimage.label(off)
        if n == 0:
            continue
        best: tuple[tuple[float, float], Any] | None = None
        for index, piece in enumerate(ndimage.find_objects(labels), start=1):
            if piece is None:
                continue
            ph = piece[0].stop - piece[0].start
            pw = piece[1].stop - piece[1].start
            if not (MIN_HEIGHTS * letters <= ph <= MAX_HEIGHTS * letters):
                continue
            if not (0.5 * letters <= pw <= MAX_WIDTH_HEIGHTS * letters):
                continue
            # Beside the name: centred within half a letter of its line (the entries above
            # and below are in the window too).
            middle = top + (piece[0].start + piece[0].stop) / 2
            off_line = max(y0 - middle, middle - y1, 0.0)
            if off_line > 0.5 * letters:
                continue
            # Nearest to the name first (the gap between the blob and the letters).
            gap = (x0 - (lo + piece[1].stop)) if hi == x0 else (lo + piece[1].start - x1)
            if best is None or (gap, off_line) < best[0]:
                best = ((float(gap), off_line), (index, piece))
        if best is None:
            continue
        index, piece = best[1]
        blob = labels[piece] == index
        inside = ndimage.binary_erosion(blob, iterations=2)
        if int(inside.sum()) < MIN_INSIDE_PX:
            inside = ndimage.binary_erosion(blob, iterations=1)
        if int(inside.sum()) < MIN_INSIDE_PX:
            continue
        pix_lab = lab[piece][inside]
        spread = float(np.median(np.abs(pix_lab[:, 0] - np.median(pix_lab[:, 0]))))
        if spread > MAX_SPREAD_L:
            continue
        pix_rgb = window[piece][inside]
        med_rgb = np.median(pix_rgb, axis=0)
        med_lab = dec.srgb_to_lab(med_rgb[None, :])[0]
        sbox = (
            lo + piece[1].start,
            top + piece[0].start,
            lo + piece[1].stop,
            top + piece[0].stop,
        )
        colour = (float(med_lab[0]), float(med_lab[1]), float(med_lab[2]))
        rgb_t = (float(med_rgb[0]), float(med_rgb[1]), float(med_rgb[2]))
        return sbox, colour, dec.hex_colour(rgb_t)
    return None


def ring_colour(
    rgb: npt.NDArray[Any], box: tuple[int, int, int, int]
) -> tuple[float, float, float] | None:
    """The commonest colour (Lab) in a ring a few pixels around ``box`` (around the letters,
    past any halo): what a label is set on."""
    from checker.imaging import decide as dec

    h, w = rgb.shape[:2]
    pad = max(3, (box[3] - box[1]) // 2)
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    x1, y1 = min(w, box[2] + pad), min(h, box[3] + pad)
    if x1 <= x0 or y1 <= y0:
        return None
    ring = np.ones((y1 - y0, x1 - x0), dtype=bool)
    ring[max(0, box[1] - y0) : box[3] - y0, max(0, box[0] - x0) : box[2] - x0] = False
    pix = rgb[y0:y1, x0:x1, :3][ring]
    if len(pix) == 0:
        return None
    keys = dec._coarse_key(pix)
    mode = int(np.bincount(keys, minlength=4096).argmax())
    mean = pix[keys == mode].astype(np.float64).mean(axis=0)
    lab = dec.srgb_to_lab(mean[None, :])[0]
    return float(lab[0]), float(lab[1]), float(lab[2])
