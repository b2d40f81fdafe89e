"""Label text on map pictures: OCR (tesseract eng+ukr+rus) and what the words say.

Three uses, all optional (``--no-ocr`` or a missing tesseract turns them off, with a note):

* **conceding labels** ("Республика Крым", "Crimea (Russia)" …): through the text rules
  (:func:`checker.engine.check_text_evidence`) when that family is installed, else through a
  small internal list; each becomes MI205 evidence with the OCR text, confidence and box;
* **legend wording** that marks a control map ("occupied", "under Russian control",
  "окупована", "оккупированные"): it turns a shared third colour over the occupied areas into
  a legitimate occupation overlay;
* **place names** from the shipped gazetteer (``checker/data/gazetteer/places.tsv``, GeoNames
  CC BY 4.0): names of the Black Sea region say the picture may show it; several names of
  places far away, and none of the region, say positively that it shows somewhere else.

OCR runs last, once, over the whole picture (the legend and the place names matter as much as
the labels around Crimea), through :mod:`checker.tesseract`, which keeps the language models
loaded between pictures.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import itertools
import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from checker import gazetteer as shipped_gazetteer
from checker import tesseract

if TYPE_CHECKING:
    from PIL import Image

    from checker.config import Config

#: Tesseract languages wanted, in order.
LANGUAGES = tesseract.LANGUAGES
#: Words read with a confidence below this (0–100) are ignored.
MIN_WORD_CONF = 45.0
#: Seconds one tesseract call may take before it is abandoned.
TIMEOUT_S = 20
#: Without letter boxes (no scipy), a text layer smaller than this (px) is read at 2×.
UPSCALE_BELOW_PX = 700
#: The enlarged text layer's long side stays within this (px).
MAX_UPSCALED_PX = 2800
#: The letter height (px) the text layer is enlarged towards before tesseract reads it.
LETTER_TARGET_PX = 16.0
#: ... and when one label is read again on its own (:func:`reread`).
REREAD_LETTER_PX = 28.0
#: Where Crimea is in lon/lat, for "the labels place the map elsewhere".
CRIMEA_LONLAT = (34.2, 45.3)
#: The area named by far places is grown by at least this much before asking whether it holds
#: Crimea (a map of Poland labelled "Warsaw, Kraków" does not reach it; one of the Caucasus
#: labelled "Baku, Yerevan" might).
ELSEWHERE_MARGIN_DEG = 12.0

GAZETTEER = shipped_gazetteer.PATH


@dataclass(frozen=True)
class OcrLine:
    """A line of words read by tesseract, with the mean word confidence and its pixel box."""

    text: str
    conf: float
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class LabelHit:
    """A label that concedes sovereignty (MI205 evidence)."""

    text: str
    conf: float
    box: tuple[int, int, int, int]
    matched: str
    #: The text rule that judged it (MT3xx), ``internal`` for the fallback list, or
    #: ``placement`` for a country's name set on Crimea.
    via: str
    confidence: float


@dataclass(frozen=True)
class PlaceHit:
    """A gazetteer place named by a label."""

    name: str
    place_id: str
    area: str  # "region" or "far"
    lonlat: tuple[float, float]
    conf: float
    #: Where the label is in the picture (the first line naming it), if known.
    box: tuple[int, int, int, int] | None = None
    #: The gazetteer's kind: ``city`` (a point a label is set beside), ``country`` or
    #: ``feature`` (a name set anywhere across an area).
    kind: str = "city"


@dataclass
class OcrResult:
    """Everything OCR found in one picture."""

    lines: list[OcrLine] = field(default_factory=list)
    #: The words of the first reading below the confidence threshold (see :func:`read_text`).
    faint: list[OcrLine] = field(default_factory=list)
    #: The first reading's letter marks, boxes in picture pixels (see :func:`read_page`).
    marks: npt.NDArray[np.int64] | None = None
    labels: list[LabelHit] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    disputed: list[str] = field(default_factory=list)
    places: list[PlaceHit] = field(default_factory=list)
    seconds: float = 0.0
    #: The lettering the first reading left unread has been read again
    #: (:func:`second_reading`): once per picture is enough.
    reread: bool = False
    #: The legend swatches found beside the lines (:mod:`.legend`), with how many lines there
    #: were when they were looked for.
    swatches: tuple[int, list[Any]] | None = None

    @property
    def region_places(self) -> list[PlaceHit]:
        return [p for p in self.places if p.area == "region"]

    @property
    def far_places(self) -> list[PlaceHit]:
        return [p for p in self.places if p.area == "far"]


def unavailable() -> str | None:
    """Why OCR cannot run here, or ``None`` when it can."""
    if not tesseract.engine():
        if (
            importlib.util.find_spec("tesserocr") is None
            and importlib.util.find_spec("pytesseract") is None
        ):
            return "OCR is unavailable (neither tesserocr nor pytesseract is installed)"
        if tesseract.tessdata_dir() is None and shutil.which("tesseract") is None:
            return "OCR is unavailable (tesseract and its language data are not installed)"
    if not languages():
        return "OCR is unavailable (tesseract has none of the eng, ukr, rus languages)"
    return None


def languages() -> tuple[str, ...]:
    """The wanted tesseract languages that are installed (asked once per process)."""
    return tesseract.available(LANGUAGES)


def read_lines(
    rgb: npt.NDArray[np.uint8],
    box: tuple[int, int, int, int] | None = None,
    min_conf: float = MIN_WORD_CONF,
    letter_px: float = LETTER_TARGET_PX,
) -> list[OcrLine]:
    """Lines of text in ``rgb`` (or in ``box`` of it), in picture pixel coordinates; words
    tesseract is less sure of than ``min_conf`` are left out; ``letter_px`` overrides the
    letter height the picture is enlarged towards (:data:`LETTER_TARGET_PX`)."""
    return read_text(rgb, box, min_conf, letter_px)[0]


def read_text(
    rgb: npt.NDArray[np.uint8],
    box: tuple[int, int, int, int] | None = None,
    min_conf: float = MIN_WORD_CONF,
    letter_px: float = LETTER_TARGET_PX,
    langs: tuple[str, ...] | None = None,
    zoom: float | None = None,
    colour: bool = False,
) -> tuple[list[OcrLine], list[OcrLine]]:
    """:func:`read_lines`, and the words of that same reading tesseract was less sure of than
    ``min_conf``, each as a line of its own (for :func:`faint_places`). ``langs``: the
    languages read (default: every one of :data:`LANGUAGES` installed); ``zoom``: the
    enlargement, instead of the one ``letter_px`` implies; ``colour``: the text layer taken
    from the colour channels (see :func:`_text_layer`), not from grey."""
    lines, faint, _ = _read(rgb, box, min_conf, letter_px, langs, zoom, colour)
    return lines, faint


def read_page(rgb: npt.NDArray[np.uint8]) -> OcrResult:
    """The first reading of a whole picture (:func:`read_text`), with its letter marks kept for
    a second reading of what it left unread (:func:`second_reading`)."""
    lines, faint, marks = _read(rgb, None, MIN_WORD_CONF, LETTER_TARGET_PX, None, None, False)
    return OcrResult(lines=lines, faint=faint, marks=marks)


def _read(
    rgb: npt.NDArray[np.uint8],
    box: tuple[int, int, int, int] | None,
    min_conf: float,
    letter_px: float,
    langs: tuple[str, ...] | None,
    zoom: float | None,
    colour: bool,
) -> tuple[list[OcrLine], list[OcrLine], npt.NDArray[np.int64] | None]:
    """:func:`read_text`, and the boxes of the letter marks found in the picture's pixels
    (``None`` without scipy)."""
    from PIL import Image

    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box if box is not None else (0, 0, w, h)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return [], [], None
    pixels = rgb[y0:y1, x0:x1]
    crop = Image.fromarray(pixels)
    layer, letters = _text_layer(
        crop if colour else crop.convert("L"),
        colours=pixels if pixels.ndim == 3 and pixels.shape[2] == 3 else None,
    )
    marks = None if letters is None else letters + np.array([x0, y0, x0, y0], dtype=np.int64)
    if letters is not None:
        if not _lettering(letters):
            return [], [], marks  # no lettering: tesseract is not asked
        # Read only the part of the picture that holds letter-shaped ink.
        pad = 24
        lx0, ly0 = max(0, int(letters[:, 0].min()) - pad), max(0, int(letters[:, 1].min()) - pad)
        lx1 = min(layer.width, int(letters[:, 2].max()) + pad)
        ly1 = min(layer.height, int(letters[:, 3].max()) + pad)
        layer = layer.crop((lx0, ly0, lx1, ly1))
        x0, y0 = x0 + lx0, y0 + ly0
    img = layer
    factor = _upscale(img.size, letters, letter_px) if zoom is None else zoom
    if factor != 1.0:
        img = img.resize(
            (round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS
        )
    try:
        # Sparse text (labels scattered over a map); the text layer is already black on
        # white, so tesseract's second, inverted pass is skipped.
        data = tesseract.image_to_data(
            img, langs or languages(), psm=11, invert=False, timeout_s=TIMEOUT_S
        )
    except tesseract.OcrTimeoutError:  # nothing read in the time allowed
        return [], [], marks
    lines = _group_lines(data, factor, x0, y0, min_conf)
    return lines, _faint_words(data, factor, x0, y0, min_conf), marks


def _lettering(marks: npt.NDArray[np.int64]) -> bool:
    """Whether the marks standing in words (:func:`_letter_like`) are lettering: three letters,
    or one word whose letters run together (a mark as wide as three letters)."""
    if len(marks) >= MIN_LETTERS:
        return True
    return bool(np.any(marks[:, 2] - marks[:, 0] > WORD_PAIR_WIDTH * (marks[:, 3] - marks[:, 1])))


def _upscale(size: tuple[int, int], letters: npt.NDArray[np.int64] | None, target: float) -> float:
    """How much to enlarge the text layer for tesseract: letters about ``target`` px
    high (it reads 6–10 px map lettering poorly), at most 3×, and the result at most
    ``MAX_UPSCALED_PX`` on its long side (tesseract's time grows with the area).

    Measured on the tuning seed's label texts (60 maps): 51 % read with a fixed 2× below
    700 px, 55 % with this; a 20 px target reads 0.5 % more for 8 % more tesseract time."""
    if letters is None or len(letters) == 0:
        return 2.0 if max(size) < UPSCALE_BELOW_PX else 1.0
    height = float(np.median(letters[:, 3] - letters[:, 1]))
    factor = min(3.0, max(1.0, round(target / max(height, 1.0))))
    while factor > 1.0 and max(size) * factor > MAX_UPSCALED_PX:
        factor -= 1.0
    return factor


def text_layer(picture: Image.Image) -> Image.Image:
    """Black text on white: thin dark strokes (a morphological black-hat), fills removed.

    See :func:`_text_layer`."""
    return _text_layer(picture)[0]


def _text_layer(
    picture: Image.Image, colours: npt.NDArray[np.uint8] | None = None
) -> tuple[Image.Image, npt.NDArray[np.int64] | None]:
    """The text layer of a colour or grey picture, and the boxes (x0, y0, x1, y1) of
    letter-shaped ink (``None`` when scipy is not there to find them). ``colours``: the
    picture's RGB pixels, with which the fill seen between haloed letters is taken out
    (:func:`_halo_pockets`).

    Tesseract's page segmentation treats large coloured areas as pictures and then reads
    nothing; keeping only strokes narrower than the closing window isolates the lettering, and
    dropping ink that cannot be letters (:func:`_letter_like`) removes the map's lines. On a
    dark picture light lettering is taken instead (a top-hat).

    In colour, a stroke is the strongest of the three channels' strokes: dark grey lettering
    on a saturated blue (a stroke of 10 in grey, 70 in the blue channel) is lettering too. Over
    whole pictures that reads fewer labels than grey (measured on 80 maps of the tuning seed:
    51 % of label texts against 57 %; JPEG's colour noise and hatching turn into strokes), so
    it is used only for a second look at one area (:func:`closer_look`).
    """
    from PIL import Image, ImageChops, ImageFilter

    size = 9
    grey = picture.convert("L")
    arr = np.asarray(grey)
    dark = float(np.median(arr)) < 100
    try:  # scipy's separable filters are ~20× faster than Pillow's rank filters
        ndimage: Any = importlib.import_module("scipy.ndimage")
        planes = (
            [np.asarray(picture)[:, :, c] for c in range(3)] if picture.mode == "RGB" else [arr]
        )
        strokes = np.zeros(arr.shape, dtype=np.int16)
        for plane in planes:
            if dark:
                one = plane.astype(np.int16) - ndimage.grey_opening(plane, size=(size, size))
            else:
                one = ndimage.grey_closing(plane, size=(size, size)).astype(np.int16) - plane
            np.maximum(strokes, one, out=strokes)
    except ImportError:
        if dark:
            opened = grey.filter(ImageFilter.MinFilter(size)).filter(ImageFilter.MaxFilter(size))
            strokes = np.asarray(ImageChops.subtract(grey, opened), dtype=np.int16)
        else:
            closed = grey.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.MinFilter(size))
            strokes = np.asarray(ImageChops.subtract(closed, grey), dtype=np.int16)
    strokes = np.asarray(strokes)
    ink = strokes > 40
    keep, letters = _letter_like(ink)
    blank = None
    if colours is not None and not dark and colours.shape[:2] == keep.shape:
        blank = _halo_pockets(keep, ink, colours)
        if blank is not None:
            keep &= ~blank
    return Image.fromarray(_shaded(strokes, keep, blank)), letters


def _shaded(
    strokes: npt.NDArray[np.int16],
    keep: npt.NDArray[np.bool_],
    blank: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.uint8]:
    """Dark-on-white lettering with its anti-aliasing kept: the stroke strength, scaled so the
    letters' cores are black, where letter ink is or within two pixels of it (and not
    ``blank``); white elsewhere.

    A black-and-white cut breaks small letters into specks and joins them; tesseract reads
    half as many of the labels of the bench's maps from it as from this shading (measured on
    the tuning seed: 35 % of label texts against 50 %)."""
    if not keep.any():
        return np.full(keep.shape, 255, dtype=np.uint8)
    try:
        ndimage: Any = importlib.import_module("scipy.ndimage")
        near = ndimage.binary_dilation(keep, iterations=2)
    except ImportError:
        near = keep
    strong = max(float(np.percentile(strokes[keep], 90)), 60.0)
    shade = 255.0 - np.clip(strokes.astype(np.float32) * (255.0 / strong), 0.0, 255.0)
    if blank is not None:
        near &= ~blank
    return np.where(near, shade, 255.0).astype(np.uint8)


#: Haloed lettering (see :func:`_halo_pockets`): the letters' colour and the fill around the
#: word at least this far apart (RGB); ink within this share of that distance of a colour is of
#: that colour; the fill-coloured ink at least this share of the word's ink, and at most this
#: share of it touching the letters' colour (a light halo lies between them).
HALO_SPLIT = 60.0
HALO_NEAR = 0.3
HALO_MIN_SHARE = 0.05
HALO_MAX_TOUCHING = 0.05
#: A word's ink is looked at only if it has this many pixels, and a picture's words only when
#: there are at most this many.
HALO_MIN_INK = 40
HALO_MAX_WORDS = 1500


def _halo_pockets(
    keep: npt.NDArray[np.bool_], ink: npt.NDArray[np.bool_], colours: npt.NDArray[np.uint8]
) -> npt.NDArray[np.bool_] | None:
    """The fill seen between haloed letters, which the black-hat takes for ink.

    Map labels are often drawn with a light halo (an outline in the background colour). The
    halos of neighbouring letters leave pockets of the country's fill between them, narrower
    than the black-hat's window and darker than the halo, so they become ink: blocks and wedges
    around the letters that tesseract reads as other letters ("Bolivia" on a dark red fill came
    out as nothing, "Paraguay" as "Рападиау"). Without a halo, the fill is never darker than
    what surrounds it and is never ink. In each word (letter ink ``keep`` within three pixels;
    the pockets along its outline may have been dropped from it as a line, but are in
    ``ink``), the letters' colour is that of its darkest tenth, the fill's the median colour
    around the word (its box grown by three pixels, outside every word); ink of the fill's
    colour that (nearly) nowhere touches ink of the letters' colour is blanked, with its
    anti-aliased rim. ``None`` without scipy or when no word has such pockets."""
    try:
        ndimage: Any = importlib.import_module("scipy.ndimage")
    except ImportError:
        return None
    region = ndimage.binary_dilation(keep, iterations=3)
    words, n = ndimage.label(region)
    if n == 0 or n > HALO_MAX_WORDS:
        return None
    blank: npt.NDArray[np.bool_] | None = None
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    h, w = keep.shape
    for i, box in enumerate(ndimage.find_objects(words), start=1):
        if box is None:
            continue
        sl = (
            slice(max(0, box[0].start - 3), min(h, box[0].stop + 3)),
            slice(max(0, box[1].start - 3), min(w, box[1].stop + 3)),
        )
        word = words[sl] == i
        mine = ink[sl] & word
        count = int(mine.sum())
        if count < HALO_MIN_INK:
            continue
        # Around the word: its box, grown by three pixels, outside every word.
        around = ~region[sl]
        if not around.any():
            continue
        pixels = colours[sl][mine].astype(np.float32)
        darkest = np.argsort(pixels @ luma)[: max(1, count // 10)]
        text = pixels[darkest].mean(axis=0)
        fill = np.median(colours[sl][around], axis=0).astype(np.float32)
        apart = float(np.sqrt(((fill - text) ** 2).sum()))
        if apart < HALO_SPLIT:
            continue
        near = HALO_NEAR * apart
        of_fill = np.sqrt(((pixels - fill) ** 2).sum(axis=1)) < near
        if float(of_fill.mean()) < HALO_MIN_SHARE:
            continue
        of_text = np.sqrt(((pixels - text) ** 2).sum(axis=1)) < near
        pocket = np.zeros(mine.shape, dtype=bool)
        pocket[mine] = of_fill
        letters = np.zeros(mine.shape, dtype=bool)
        letters[mine] = of_text
        by_letters = ndimage.binary_dilation(letters)
        if int((pocket & by_letters).sum()) > HALO_MAX_TOUCHING * int(pocket.sum()):
            continue  # no halo between fill and letters: leave the word as it is
        if blank is None:
            blank = np.zeros(keep.shape, dtype=bool)
        blank[sl] |= ndimage.binary_dilation(pocket) & ~by_letters & word
    return blank


#: Connected ink taller than this (px) is not lettering (map labels are 6–30 px high).
MAX_LETTER_PX = 40
#: Fewer letter-shaped marks standing in words than this: the picture has no lettering.
MIN_LETTERS = 3
#: Ink filling more of its box than this is a legend swatch, not a letter.
SWATCH_FILL = 0.93
#: Two marks side by side stand for a word when together they are this many times as wide as
#: the first is high (three letters' width).
WORD_PAIR_WIDTH = 2.0
#: How much of its box a word whose letters run together into one mark fills (measured on
#: 8–12 px map lettering: 0.45–0.6; an elongated island or lake, an ellipse, fills 0.7–0.78).
WORD_FILL = (0.3, 0.65)


def _letter_like(
    ink: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64] | None]:
    """Ink that could be letters, and the boxes of the marks shaped like single letters.

    Long lines (borders, coasts, graticules), filled blobs (legend swatches, islands) and specks
    are dropped: tesseract then reads legends it otherwise misses next to their swatches, and
    spends less time on line clutter. Needs scipy; without it the ink is kept as it is."""
    try:
        ndimage: Any = importlib.import_module("scipy.ndimage")  # untyped; optional here
    except ImportError:
        return ink, None
    labels, n = ndimage.label(ink)
    if n == 0:
        return ink, np.zeros((0, 4), dtype=np.int64)
    boxes = ndimage.find_objects(labels)
    area = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    bb = np.array([(b[1].start, b[0].start, b[1].stop, b[0].stop) for b in boxes], dtype=np.int64)
    w, h = bb[:, 2] - bb[:, 0], bb[:, 3] - bb[:, 1]
    line = (w > MAX_LETTER_PX) & (w > 6 * h)
    # Swatches are solid; bold Cyrillic letters ("и", "ж" at 14 px) fill up to 0.9 of their box.
    blob = (h >= 6) & (w >= 6) & (area > SWATCH_FILL * h * w)
    keep = (area >= 3) & (h <= MAX_LETTER_PX) & ~line & ~blob
    keep &= ~_frames(labels, bb)
    # A single letter: 5–40 px high, not much wider than high, neither a dot nor a slab.
    fill = area / np.maximum(1, h * w)
    letter = keep & (h >= 5) & (w <= 2.5 * h) & (w >= 0.15 * h) & (fill >= 0.12)
    # A whole word run together: small anti-aliased or JPEG lettering ("Россия" at 10 px is
    # one mark 38 px wide), as wide as three to six letters and filled like lettering (a
    # river's bend or a coast is far emptier, a spit or an island fuller).
    word = keep & ~letter & (h >= 6) & (w > 2.5 * h) & (w <= 6 * h)
    word &= (fill >= WORD_FILL[0]) & (fill <= WORD_FILL[1])
    mask = np.asarray(np.concatenate([[False], keep])[labels], dtype=bool)
    return mask, np.concatenate([_in_words(bb[letter]), bb[word]])


#: A frame's ink runs along this share of each side of its box, within :data:`FRAME_BAND` px.
FRAME_COVER = 0.7
FRAME_BAND = 3
#: ... and at most this share of its ink is further inside.
FRAME_INSIDE = 0.05
#: Frames are at least this big (px) each way: a letter "O" is hollow too, but smaller.
FRAME_MIN_PX = 16


def _frames(labels: npt.NDArray[np.int32], bb: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which marks are frames: hollow boxes around other marks (a legend's or an inset's
    border), their ink along all four sides of their box.

    Left in the text layer, a legend's frame makes tesseract take the legend for a picture:
    on the bench's legends of 6 px lettering it then read nothing at 3× and 4×, and both
    country names once the frame was gone."""
    n = len(bb)
    w, h = bb[:, 2] - bb[:, 0], bb[:, 3] - bb[:, 1]
    big = (w >= FRAME_MIN_PX) & (h >= FRAME_MIN_PX)
    out = np.zeros(n, dtype=bool)
    if not big.any():
        return out
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs].astype(np.int64) - 1
    sel = big[lab]
    ys, xs, lab = ys[sel], xs[sel], lab[sel]
    x0, y0, x1, y1 = bb[lab, 0], bb[lab, 1], bb[lab, 2], bb[lab, 3]
    wide = int(w.max()) + 1
    high = int(h.max()) + 1
    covered = np.ones(n, dtype=bool)
    # Each side: the share of its columns (or rows) with ink within the band.
    for near, pos, length, size in (
        (ys - y0 < FRAME_BAND, xs - x0, w, wide),
        (y1 - 1 - ys < FRAME_BAND, xs - x0, w, wide),
        (xs - x0 < FRAME_BAND, ys - y0, h, high),
        (x1 - 1 - xs < FRAME_BAND, ys - y0, h, high),
    ):
        cells = np.unique(lab[near] * size + pos[near])
        count = np.bincount(cells // size, minlength=n)
        covered &= count >= FRAME_COVER * length
    # A frame's shadow widens it on two sides: its inside starts a little further in.
    deep = FRAME_BAND + 2
    edge = (ys - y0 < deep) | (y1 - 1 - ys < deep) | (xs - x0 < deep) | (x1 - 1 - xs < deep)
    # ... and nothing inside (a bold "Б" reaches all four sides of its box, but has its bowl's
    # top stroke across the middle).
    inner = np.bincount(lab[~edge], minlength=n)
    total = np.bincount(lab, minlength=n)
    hollow = big & covered & (inner <= FRAME_INSIDE * total)
    # ... around other marks: a legend's frame holds its entries, a large "D" or "О" holds
    # nothing.
    for i in np.flatnonzero(hollow):
        x0, y0, x1, y1 = (int(v) for v in bb[i])
        inside = (bb[:, 0] > x0) & (bb[:, 1] > y0) & (bb[:, 2] < x1) & (bb[:, 3] < y1)
        hollow[i] = bool(inside.any())
    return hollow


def _in_words(boxes: npt.NDArray[np.int64], limit: int = 20_000) -> npt.NDArray[np.int64]:
    """The letter boxes that stand in a row of at least three, each next to the following one
    on the right, about as tall, overlapping vertically; or in a pair as wide together as three
    letters (small anti-aliased lettering runs letters together: "Russia" at 8 px is two marks,
    "Rus" and "sia"). Lone marks and narrow pairs (bits of coast, river bends, the tips of
    spits) are not lettering."""
    if len(boxes) == 0 or len(boxes) > limit:
        return boxes
    order = np.argsort(boxes[:, 0], kind="stable")
    b = boxes[order]
    x0 = b[:, 0]
    right = np.full(len(b), -1, dtype=np.int64)
    for i in range(len(b)):
        _, by0, bx1, by1 = (int(v) for v in b[i])
        h = by1 - by0
        lo = int(np.searchsorted(x0, bx1 - 2, side="left"))
        hi = int(np.searchsorted(x0, bx1 + 1.2 * h, side="right"))
        for j in range(lo, min(hi, lo + 50)):
            if j == i:
                continue
            oy0, oy1 = int(b[j, 1]), int(b[j, 3])
            oh = oy1 - oy0
            overlap = min(by1, oy1) - max(by0, oy0)
            if overlap > 0.5 * min(h, oh) and max(h, oh) <= 1.6 * min(h, oh):
                right[i] = j
                break
    has_left = np.zeros(len(b), dtype=bool)
    has_left[right[right >= 0]] = True
    keep = np.zeros(len(b), dtype=bool)
    for start in np.flatnonzero(~has_left & (right >= 0)):
        chain = [int(start)]
        while right[chain[-1]] >= 0 and len(chain) < 200:
            chain.append(int(right[chain[-1]]))
        first, last = b[chain[0]], b[chain[-1]]
        if len(chain) >= 3 or (
            len(chain) == 2 and last[2] - first[0] >= WORD_PAIR_WIDTH * (first[3] - first[1])
        ):
            keep[chain] = True
    return np.asarray(b[keep], dtype=np.int64)


def _words_read(
    data: dict[str, Any], factor: float, dx: int, dy: int
) -> Iterator[tuple[int, str, float, tuple[int, int, int, int]]]:
    """Tesseract's words: (index, text, confidence, box in picture pixels)."""
    for i, word in enumerate(data.get("text", [])):
        text = str(word).strip()
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            continue
        if not text:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        width, height = int(data["width"][i]), int(data["height"][i])
        box = (
            dx + int(left / factor),
            dy + int(top / factor),
            dx + int((left + width) / factor) + 1,
            dy + int((top + height) / factor) + 1,
        )
        yield i, text, conf, box


def _group_lines(
    data: dict[str, Any], factor: float, dx: int, dy: int, min_conf: float = MIN_WORD_CONF
) -> list[OcrLine]:
    groups: dict[tuple[int, int, int], list[tuple[str, float, tuple[int, int, int, int]]]] = {}
    for i, text, conf, bbox in _words_read(data, factor, dx, dy):
        if conf < min_conf:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append((text, conf, bbox))
    lines = []
    for words in groups.values():
        text = correct(" ".join(t for t, _, _ in words))
        conf = float(np.mean([c for _, c, _ in words]))
        boxes = np.asarray([b for _, _, b in words])
        box = (
            int(boxes[:, 0].min()),
            int(boxes[:, 1].min()),
            int(boxes[:, 2].max()),
            int(boxes[:, 3].max()),
        )
        lines.append(OcrLine(text=text, conf=conf, box=box))
    return lines


def _faint_words(
    data: dict[str, Any], factor: float, dx: int, dy: int, min_conf: float
) -> list[OcrLine]:
    """The words read with a confidence in ``[0, min_conf)``, one line each."""
    return [
        OcrLine(text=text, conf=conf, box=box)
        for _, text, conf, box in _words_read(data, factor, dx, dy)
        if 0.0 <= conf < min_conf
    ]


#: Latin letters and the Cyrillic ones they look like, pair by pair.
_LATIN_LOOKS = "AaBCcEeHKkMOoPpTXxyi"
_CYRILLIC_LOOKS = "АаВСсЕеНКкМОоРрТХхуі"
#: Latin letters that look like Cyrillic ones (OCR mixes them within a word).
_HOMOGLYPHS = str.maketrans(_LATIN_LOOKS, _CYRILLIC_LOOKS)
#: Back to Latin (see :func:`_latin_twin`); a whole word read in Cyrillic may also use the
#: capitals У and І, which mixed words are not turned into.
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKS + "УІ", _LATIN_LOOKS + "YI")
#: Frequent OCR confusions in the words that matter (ы read as ь, ь+і, ъі …).
_FIXES = (
    (re.compile(r"(?i)\b[кk][рp](?:ь|ъ|ьі|ъі|bі|bl|bi|ы)[мm]\b"), "Крым"),
    # All-Latin lookalikes of the Ukrainian name (``Kpим``, ``Kpim``): no English word.
    (re.compile(r"(?i)\b[кk][рp][иіi][мm]\b"), "Крим"),
    (re.compile(r"(?i)\b(республика) крим\b"), r"\1 Крым"),
)


#: Brackets OCR reads for parentheses ("Крым (Россия}"): a label's qualifier is in parentheses.
_BRACKETS = str.maketrans("[{]}", "(())")
#: The word that turns Russia's name for Crimea into Ukraine's ("Autonomous Republic of
#: Crimea"): a misreading of it must not leave a conceding "Republic of Crimea" behind.
_AUTONOMOUS = ("autonomous", "автономна", "автономная", "автономної", "автономной")


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _core(word: str) -> str:
    """A word without the punctuation OCR reads around it, lower case."""
    return re.sub(r"^\W+|\W+$", "", word).lower()


def _autonomous(word: str) -> str | None:
    """The spelling of "autonomous" that ``word`` misreads (``Futonemeus``, ``Автономиа``), if
    it is one: at most a third of its letters wrong, seven letters or more."""
    core = _core(word)
    if len(core) < 7:
        return None
    for right in _AUTONOMOUS:
        if abs(len(core) - len(right)) <= 2 and _edits(core, right) <= len(right) // 3:
            return right
    return None


#: The word of the federal subject's name ("Republic of Crimea", "Республика Крым"): its first
#: letter is often lost where the label starts on a coastline (``"еспубліка``).
_REPUBLIC = ("republic", "республика", "республіка")


def _republic(word: str) -> str | None:
    """The spelling of "republic" that ``word`` misreads, if it is one: its length give or take
    one letter, at most a quarter of its letters wrong ("Republican" is another word)."""
    core = _core(word)
    if len(core) < 7 or core in _REPUBLIC:
        return None
    near = [(_edits(core, right), right) for right in _REPUBLIC if abs(len(core) - len(right)) <= 1]
    best = min(near, default=None)
    return best[1] if best is not None and best[0] <= len(best[1]) // 4 else None


def correct(text: str) -> str:
    """Undo OCR slips that hide the words the rules look for (``Крьм`` → ``Крым``, words that
    mix Latin and Cyrillic lookalike letters → Cyrillic, ``Futonemeus`` → ``Autonomous``,
    ``"еспубліка`` → ``Республіка``; brackets → parentheses, and a lost closing one put back)."""
    words = []
    for raw in text.split(" "):
        has_cyr = any("\u0400" <= ch <= "\u04ff" for ch in raw)
        has_lat = any("a" <= ch.lower() <= "z" for ch in raw)
        word = raw.translate(_HOMOGLYPHS) if has_cyr and has_lat else raw
        right = _autonomous(word) or _republic(word)
        words.append(right.capitalize() if right else word)
    out = " ".join(words).translate(_BRACKETS)
    if out.count("(") > out.count(")") and out[-1:].isalnum():
        out += ")"  # the closing parenthesis lost at the label's end: "Crimea (RU"
    for pattern, repl in _FIXES:
        out = pattern.sub(repl, out)
    return out


# --- what the words say --------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case-folded, NFC, ё→е, punctuation except parentheses and commas turned into spaces."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = text.replace("’", "'").replace("ʼ", "'")
    text = re.sub(r"[^\w\s(),'-]", " ", text)
    text = re.sub(r"\s*([(),])\s*", r" \1 ", text)
    return re.sub(r"\s+", " ", text).strip()


#: Conceding label wording (normalised), used when the text rules are not installed. Each is
#: (pattern, what it is); the "autonomous" guard keeps "Autonomous Republic of Crimea" clean.
_INTERNAL_LABELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), what)
    for p, what in (
        (r"(?<!автономная )(?<!автономна )республика крым", "Russian federal-subject name"),
        (r"(?<!автономна )(?<!автономная )республіка крим", "Russian federal-subject name"),
        (r"(?<!autonomous )republic of crimea", "Russian federal-subject name"),
        (r"\bcrimea \( ?russia ?\)", "country attribution"),
        (r"\bcrimea , russia\b", "country attribution"),
        (r"\bкрым \( ?россия ?\)", "country attribution"),
        (r"\bкрым , россия\b", "country attribution"),
        (r"\bкрим \( ?росія ?\)", "country attribution"),
        (r"\bкрим , росія\b", "country attribution"),
        (r"\bsevastopol \( ?russia ?\)", "country attribution"),
        (r"\bсевастополь \( ?россия ?\)", "country attribution"),
        (r"федерального значения севастополь", "Russian federal-city name"),
        (r"federal city of sevastopol", "Russian federal-city name"),
    )
)

#: Legend wording of control maps (normalised substrings).
LEGEND_TERMS = (
    # Stems: OCR often misreads a word's last letter ("Occupiea").
    "occupi",
    "occupa",
    "under russian control",
    "russian-controlled",
    "russian controlled",
    "russian control",
    "annexed",
    "окупова",
    "окупац",
    "оккупир",
    "оккупац",
    "під контролем",
    "под контролем",
    "аннекс",
    "анекс",
)


def with_stacked(lines: list[OcrLine], limit: int = 300) -> list[OcrLine]:
    """``lines`` plus each pair set one above the other (a label broken over two lines, such as
    "Республика / Крым", is read as two lines by tesseract)."""
    out = list(lines)
    ordered = sorted(lines[:limit], key=lambda ln: ln.box[1])
    for i, a in enumerate(ordered):
        height = max(1, a.box[3] - a.box[1])
        for b in ordered[i + 1 :]:
            gap = b.box[1] - a.box[3]
            if gap > 1.2 * height:
                break
            if gap < -height / 2:
                continue
            overlap = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
            narrower = min(a.box[2] - a.box[0], b.box[2] - b.box[0])
            if narrower > 0 and overlap >= 0.3 * narrower:
                box = (
                    min(a.box[0], b.box[0]),
                    a.box[1],
                    max(a.box[2], b.box[2]),
                    b.box[3],
                )
                out.append(OcrLine(f"{a.text} {b.text}", min(a.conf, b.conf), box))
    return out


def conceding_labels(lines: list[OcrLine], name: str, config: Config) -> list[LabelHit]:
    """Lines whose text concedes sovereignty, judged by the text rules where installed.

    Lines set one above the other are also read together (see :func:`with_stacked`); a label
    found both alone and stacked is reported once.
    """
    if not lines:
        return []
    lines = with_stacked(lines)
    if importlib.util.find_spec("checker.rules.text") is not None:
        try:
            return _distinct(_via_text_rules(lines, name, config))
        except Exception:  # the text family is mid-change: fall back to the internal list
            pass
    hits = []
    for line in lines:
        norm = normalise(line.text)
        for pattern, what in _INTERNAL_LABELS:
            if pattern.search(norm):
                hits.append(
                    LabelHit(
                        text=line.text,
                        conf=line.conf,
                        box=line.box,
                        matched=what,
                        via="internal",
                        confidence=round(min(0.95, line.conf / 100.0), 3),
                    )
                )
                break
    return _distinct(hits)


def reread(
    rgb: npt.NDArray[np.uint8],
    box: tuple[int, int, int, int],
    langs: tuple[str, ...] | None = None,
    zoom: float | None = None,
) -> str | None:
    """The text around ``box`` read again on its own: a label's width to either side and its
    height above and below. ``None`` when nothing is read over ``box`` itself.

    Read alone, a label's letters come out of the text layer and tesseract's layout without the
    rest of the map's clutter; a word lost in the first reading where it touches a coastline
    ("Autonomous" before "Republic of Crimea") often comes back."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    # Every word counts here: a misread "Autonomous" is still a word before "Republic". A
    # label alone is cheap to read larger (measured: 3× reads 9 px lettering best).
    try:
        lines, _ = read_text(
            rgb, (x0 - w, y0 - h, x1 + w, y1 + h), 0.0, REREAD_LETTER_PX, langs, zoom
        )
    except tesseract.OcrError:  # a second reading that fails leaves the first one standing
        return None
    over = [
        ln
        for ln in lines
        if min(ln.box[2], x1) > max(ln.box[0], x0)
        and min(ln.box[3], y1) - max(ln.box[1], y0) > 0.5 * min(h, ln.box[3] - ln.box[1])
    ]
    if not over:
        return None
    return " ".join(ln.text for ln in sorted(over, key=lambda ln: ln.box[0]))


def closer_look(
    rgb: npt.NDArray[np.uint8],
    box: tuple[int, int, int, int],
    lines: list[OcrLine],
    colour: bool = True,
) -> list[OcrLine]:
    """The lines read in ``box`` alone, enlarged as for a label read again
    (:data:`REREAD_LETTER_PX`), that overlap none of the ``lines`` already read; none when
    tesseract fails.

    Read over the whole picture, tesseract loses small lettering in clutter and at an
    unlucky enlargement ("Republic of Crimea" at 6 px: nothing at 3×, "of Crimea" at 2× and
    4×); one area read closer brings much of it back for the price of one small reading. The
    area is then read once more from its colours (dark lettering on a dark saturated fill is
    all but invisible in grey: "Росія" in near-black on deep purple), unless ``colour`` is
    false; what that reading adds beside the grey one counts too."""
    new: list[OcrLine] = []
    for in_colour in (False, True) if colour else (False,):
        try:
            found, _ = read_text(rgb, box, MIN_WORD_CONF, REREAD_LETTER_PX, colour=in_colour)
        except tesseract.OcrError:
            return new
        known = [*lines, *new]
        new += [ln for ln in found if not any(_read_before(ln.box, old.box) for old in known)]
    return new


#: At most this many groups of unread lettering are read again per picture (each costs a
#: tesseract call on a small crop).
MAX_UNREAD_GROUPS = 4
#: ... each over at most this share of the picture.
MAX_UNREAD_SHARE = 0.15


def unread_lettering(
    marks: npt.NDArray[np.int64] | None,
    size: tuple[int, int],
    read: list[OcrLine],
    limit: int = MAX_UNREAD_GROUPS,
) -> list[tuple[int, int, int, int]]:
    """Boxes of lettering in a picture of ``size`` (width, height) that no line read so far
    covers: groups of its letter ``marks`` (:func:`read_page`) whose centres lie outside every
    box of ``read``, the groups with the most marks first, at most ``limit``.

    A group is marks within a letter's height of each other sideways and half of it up or
    down: a label, or a legend's column of entries."""
    if limit <= 0 or marks is None or len(marks) == 0:
        return []
    w, h = size
    covered = np.zeros((h, w), dtype=bool)
    for ln in read:
        x0, y0, x1, y1 = ln.box
        covered[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = True
    cx = np.clip((marks[:, 0] + marks[:, 2]) // 2, 0, w - 1)
    cy = np.clip((marks[:, 1] + marks[:, 3]) // 2, 0, h - 1)
    unread = ~covered[cy, cx]
    if not unread.any():
        return []
    grown = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1 in marks[unread].tolist():
        letter = max(1, y1 - y0)
        grown[
            max(0, y0 - letter // 2) : min(h, y1 + letter // 2),
            max(0, x0 - letter) : min(w, x1 + letter),
        ] = True
    ndimage: Any = importlib.import_module("scipy.ndimage")
    labels, n = ndimage.label(grown)
    sizes = np.bincount(labels[cy[unread], cx[unread]], minlength=n + 1)
    groups = []
    for index, piece in enumerate(ndimage.find_objects(labels), start=1):
        if piece is None:
            continue
        box = (piece[1].start, piece[0].start, piece[1].stop, piece[0].stop)
        if (box[2] - box[0]) * (box[3] - box[1]) > MAX_UNREAD_SHARE * h * w:
            continue  # lettering run together over much of the picture: what the first
            # reading read, not a label it missed
        groups.append((int(sizes[index]), box))
    groups.sort(key=lambda g: -g[0])
    return [box for _, box in groups[:limit]]


def second_reading(
    rgb: npt.NDArray[np.uint8], marks: npt.NDArray[np.int64] | None, known: list[OcrLine]
) -> list[OcrLine]:
    """Lines found by reading again, closer, the lettering left unread (:func:`unread_lettering`
    of the first reading's ``marks``) that overlap none of the ``known`` lines (those read so
    far, and the words tesseract doubted)."""
    new: list[OcrLine] = []
    h, w = rgb.shape[:2]
    for box in unread_lettering(marks, (w, h), known):
        new += closer_look(rgb, box, [*known, *new], colour=False)
    return new


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text))


def _same_word(a: str, b: str) -> bool:
    """Whether two readings of one word agree up to one OCR slip (words of four letters or
    more: ``Crime:`` read for the ``Crimea`` whose last letter touched the crop's edge)."""
    return a == b or (min(len(a), len(b)) >= 4 and _edits(a, b) <= 1)


def _read_further(rgb: npt.NDArray[np.uint8], text: str, box: tuple[int, int, int, int]) -> str:
    """The label at ``box`` read again in context (:func:`reread`) when that reading holds the
    first one, ``text``, and says more ("Autonomous Republic of Crimea" around "Republic of
    Crimea"); ``""`` when it says nothing more, or something else (a worse reading).

    The second reading holds the first when it has the first's words in a row, each the same
    or one slip away (:func:`_same_word`); where they differ, the first reading's words stand
    (it passed the confidence threshold; the second is read at any confidence)."""
    first = _words(text)
    again = reread(rgb, box) or ""
    second = _words(again)
    n = len(first)
    if not n or len(second) <= n:
        return ""
    for i in range(len(second) - n + 1):
        if not all(_same_word(second[i + k], first[k]) for k in range(n)):
            continue
        if second[i : i + n] == first:
            return again
        tokens, own = again.split(), text.split()
        if len(tokens) == len(second) and len(own) == n:
            # One word per token in both readings: keep the second reading's own spelling.
            return " ".join([*tokens[:i], *own, *tokens[i + n :]])
        return " ".join([*second[:i], *first, *second[i + n :]])
    return ""


def confirmed(
    rgb: npt.NDArray[np.uint8], hits: list[LabelHit], name: str, config: Config
) -> tuple[list[LabelHit], list[str]]:
    """The conceding labels that still concede when read further in context
    (:func:`_read_further`), and a note for each one that does not; a label read no further
    stands as it was first read."""
    kept: list[LabelHit] = []
    notes: list[str] = []
    for hit in hits:
        again = _read_further(rgb, hit.text, hit.box)
        still = not again or conceding_labels([OcrLine(again, hit.conf, hit.box)], name, config)
        autonomous = _autonomous_before(rgb, hit, again) if again and still else ""
        if autonomous:
            notes.append(
                f"the label read as {hit.text!r} reads {autonomous!r} when read again in its "
                "own script alone: Ukraine's name for Crimea, which does not concede sovereignty"
            )
        elif still:
            kept.append(hit)
        else:
            notes.append(
                f"the label read as {hit.text!r} reads {again!r} with its surroundings, "
                "which does not concede sovereignty"
            )
    return kept, notes


def _autonomous_before(rgb: npt.NDArray[np.uint8], hit: LabelHit, again: str) -> str:
    """The label read again in its own script alone, when that reading puts "Autonomous" before
    its "Republic"; ``""`` otherwise.

    Read in English, Ukrainian and Russian at once, tesseract turns a clear "Autonomous" into
    Cyrillic noise ("лото Republic of Crimea"), which would leave Russia's name for Crimea
    standing. Asked only when the first reading in context (``again``) has a word right before
    the republic word: a label that starts with "Republic" costs no further reading."""
    words = again.split()
    at = next((i for i, w in enumerate(words) if _is_republic(w)), None)
    if not at:  # no republic word, or nothing before it
        return ""
    latin = words[at].isascii()
    wanted = ("eng",) if latin else ("ukr", "rus")
    langs = tuple(lang for lang in wanted if lang in languages())
    if not langs:
        return ""
    # Tesseract's reading of one word swings with the letters' size ("Autonomous" at 2×,
    # "Jaikenomnois" at 3× of one 9 px label): two sizes.
    for zoom in AUTONOMOUS_ZOOMS:
        tokens = (reread(rgb, hit.box, langs, zoom) or "").split()
        for i, word in enumerate(tokens[:-1]):
            right = _autonomous(word)
            if right and _is_republic(tokens[i + 1]):
                return " ".join([right.capitalize(), *tokens[i + 1 :]])
    return ""


#: Enlargements at which a label is read again in its own script (see
#: :func:`_autonomous_before`).
AUTONOMOUS_ZOOMS = (2.0, 3.0)


def _is_republic(word: str) -> bool:
    return _core(word) in _REPUBLIC or _republic(word) is not None


#: Words naming Crimea (normalised): a label holding one may be part of a longer one.
CRIMEA_WORDS = frozenset({"crimea", "crimean", "крым", "крим", "krym", "qirim", "qırım"})
#: At most this many Crimea labels are read again per picture (each costs a tesseract call).
MAX_COMPLETED = 3


def completed(
    rgb: npt.NDArray[np.uint8],
    lines: list[OcrLine],
    hits: list[LabelHit],
    name: str,
    config: Config,
) -> list[LabelHit]:
    """Conceding labels found by reading further (:func:`_read_further`) the lines that name
    Crimea without conceding: the first reading often keeps only part of a label set over a
    border or coastline ("of Crimea" of "Republic of Crimea")."""
    found: list[LabelHit] = []
    tried = 0
    for line in lines:
        if tried >= MAX_COMPLETED:
            break
        if not CRIMEA_WORDS.intersection(_words(line.text)) or any(
            _overlaps(line.box, h.box) for h in (*hits, *found)
        ):
            continue
        tried += 1
        again = _read_further(rgb, line.text, line.box)
        if not again:
            continue
        for hit in conceding_labels([OcrLine(again, line.conf, line.box)], name, config):
            if _autonomous_before(rgb, hit, again):
                continue  # Ukraine's name, its first word read as noise
            found.append(dataclasses.replace(hit, text=again, via=f"{hit.via} (read again)"))
    return found


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


#: A line read before (``b``) is the same reading as a new one (``a``) when their boxes
#: overlap and it is at most this many times as tall.
SAME_READING_HEIGHT = 2.5


def _read_before(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether the line in box ``a``, read closer, was read before as ``b``: the boxes overlap
    and ``b`` is about a line of lettering high. Tesseract's doubted words over a map's line
    work can have boxes many letters tall (";" 138 px high over a coast); a label they cover
    was not read by them (a map of Japan lost "Пхеньян" and "Шанхай" so)."""
    return _overlaps(a, b) and (b[3] - b[1]) <= SAME_READING_HEIGHT * max(1, a[3] - a[1])


def _distinct(hits: list[LabelHit]) -> list[LabelHit]:
    """One hit per label: a stacked pair that only repeats a hit of one of its lines is dropped."""
    out: list[LabelHit] = []
    for hit in sorted(hits, key=lambda h: len(h.text)):
        x0, y0, x1, y1 = hit.box
        inside = any(
            o.box[0] >= x0 and o.box[1] >= y0 and o.box[2] <= x1 and o.box[3] <= y1 for o in out
        )
        if not inside:
            out.append(hit)
    return out


def _via_text_rules(lines: list[OcrLine], name: str, config: Config) -> list[LabelHit]:
    from checker.engine import check_text_evidence
    from checker.model import Category
    from checker.readers.base import TextEvidence, TextSegment
    from checker.rules.registry import all_rules

    # Every label is a paragraph of its own (a line apart from the next): a stray quotation mark
    # OCR read in one label must not make the labels after it "quoted" (reportage).
    segments = [
        TextSegment(text=line.text, line=2 * i + 1, part="ocr") for i, line in enumerate(lines)
    ]
    report = check_text_evidence(name, "document", TextEvidence("ocr", segments), config)
    rules = all_rules()
    hits = []
    for finding in report.findings:
        rule = rules.get(finding.code)
        if rule is None or rule.category is not Category.CONCEDES:
            continue
        index = ((finding.location.line or 1) - 1) // 2
        if not 0 <= index < len(lines):
            continue
        line = lines[index]
        quoted = re.search(r"“([^”]+)”", finding.message)
        if quoted:
            # The text rules may match across lines: report the (stacked) line holding it all.
            phrase = normalise(quoted.group(1))
            holding = [ln for ln in lines if phrase in normalise(ln.text)]
            if not holding:
                # Two separate labels read one after the other ("Крим" on the peninsula, "Росія"
                # in the legend): no label of the map says it.
                continue
            if phrase not in normalise(line.text):
                line = min(holding, key=lambda ln: len(ln.text))
        hits.append(
            LabelHit(
                text=line.text,
                conf=line.conf,
                box=line.box,
                matched=finding.message,
                via=f"{finding.code} {finding.name}",
                confidence=round(min(0.95, finding.confidence * line.conf / 100.0), 3),
            )
        )
    return hits


#: Legend wording of the "disputed" treatment (normalised substrings).
DISPUTED_TERMS = ("disputed", "contested", "спірн", "спорн", "оспарива", "оспорюва")


def disputed_terms(lines: list[OcrLine]) -> list[str]:
    """Lines that call an area "disputed" (a legend entry of the neutral treatment)."""
    return _lines_with(lines, DISPUTED_TERMS)


def legend_terms(lines: list[OcrLine]) -> list[str]:
    """Lines that read like a control map's legend ("occupied", "під контролем Росії" …)."""
    return _lines_with(lines, LEGEND_TERMS)


#: Cyrillic letters tesseract reads for Latin ones in English legend wording (with eng+ukr+rus
#: loaded): the look-alikes, and the lower-case shapes ``п``/``n`` and ``и``/``u``.
_LEGEND_TO_LATIN = str.maketrans(_CYRILLIC_LOOKS.lower() + "пи", _LATIN_LOOKS.lower() + "nu")


def _lines_with(lines: list[OcrLine], terms: tuple[str, ...]) -> list[str]:
    """The lines holding any of ``terms`` as read, or with their Cyrillic look-alikes read as
    Latin (an English legend read as "Оссиріеа" for "Occupied")."""
    out = []
    for ln in lines:
        norm = normalise(ln.text)
        readings = (norm, norm.translate(_LEGEND_TO_LATIN))
        if any(term in reading for reading in readings for term in terms):
            out.append(ln.text)
    return out


@dataclass(frozen=True)
class _Place:
    place_id: str
    area: str
    lonlat: tuple[float, float]
    name: str
    kind: str = "city"


@cache
def gazetteer() -> dict[str, list[_Place]]:
    """Normalised name → places, from the shipped extract (loaded once)."""
    out: dict[str, list[_Place]] = {}
    for row in shipped_gazetteer.rows():
        lonlat = (float(row["lon"]), float(row["lat"]))
        names = shipped_gazetteer.names(row)
        display = names[0] if names else row["id"]
        for n in names:
            key = normalise(n)
            if len(key) < 4:
                # Short names collide with OCR noise; three capitals ("USA", "США") are
                # kept, to be matched as written (:data:`_ABBREVIATION`).
                if not (len(n) == 3 and n.isupper()):
                    continue
                key = _ABBREVIATION + n
            place = _Place(row["id"], row["area"], lonlat, display, row["kind"])
            out.setdefault(key, []).append(place)
    return out


#: Gazetteer keys of abbreviations start with this: they match a word written in the same
#: capitals only ("США", not "сша" read out of a coastline).
_ABBREVIATION = "="


def _latin_twin(text: str) -> str:
    """``text`` with each word spelt wholly in Cyrillic letters that look like Latin ones
    turned Latin (``Мехісо`` → ``Mexico``), else unchanged. With eng+ukr+rus loaded, tesseract
    often reads a Latin label in the Cyrillic letters of the same shapes. The twin only adds a
    reading: a Cyrillic name spelt in those letters alone turns into Latin gibberish ("Курск" →
    "Kypck") or into the same place ("Токіо" → "Tokio"), never another place of the gazetteer
    (a test keeps it so)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        letters = [ch for ch in word if ch.isalpha()]
        if (
            len(letters) >= 3
            and any("\u0400" <= ch <= "\u04ff" for ch in letters)
            and all(ch.translate(_TO_LATIN) != ch or ch.isascii() for ch in letters)
        ):
            words[i] = word.translate(_TO_LATIN)
    return " ".join(words)


def _readings(text: str) -> list[str]:
    """The corrected, normalised reading of a label, and its Latin twin where it differs."""
    fixed = correct(text)
    twin = _latin_twin(fixed)
    return [normalise(fixed)] + ([normalise(twin)] if twin != fixed else [])


def place_hits(lines: list[OcrLine]) -> list[PlaceHit]:
    """Gazetteer places named in the lines (one to three consecutive words).

    A name of :data:`FUZZY_MIN_LEN` letters or more also matches with one letter misread,
    added or dropped (``Nethertands``, ``Stovakia``): OCR over map fills and hillshade slips
    that often, and a longer name one letter off is still that name. A Latin name read in
    look-alike Cyrillic letters counts as read (:func:`_latin_twin`).
    """
    gaz = gazetteer()
    hits: dict[str, PlaceHit] = {}
    for line in lines:
        for reading in _readings(line.text):
            words = [w for w in re.split(r"[\s(),]+", reading) if w]
            for n in (3, 2, 1):
                for i in range(len(words) - n + 1):
                    key = " ".join(words[i : i + n])
                    found = gaz.get(key)
                    if found is None and len(key) >= FUZZY_MIN_LEN:
                        found = [p for k in _near_keys(key) for p in gaz[k]]
                    for place in found or ():
                        if place.place_id not in hits:
                            hits[place.place_id] = _place_hit(place, line)
        for word in re.split(r"[^\w]+", line.text):
            if len(word) == 3 and word.isupper():
                for place in gaz.get(_ABBREVIATION + word, ()):
                    if place.place_id not in hits:
                        hits[place.place_id] = _place_hit(place, line)
    return list(hits.values())


def _place_hit(place: _Place, line: OcrLine) -> PlaceHit:
    return PlaceHit(
        name=place.name,
        place_id=place.place_id,
        area=place.area,
        lonlat=place.lonlat,
        conf=line.conf,
        box=line.box,
        kind=place.kind,
    )


#: A word tesseract is unsure of names a place only when it spells the place's whole name
#: exactly, one of at least this many letters: clutter rarely spells "Osaka" or "Japan".
FAINT_NAME_MIN_LEN = 5


def faint_places(words: list[OcrLine], known: list[PlaceHit]) -> list[PlaceHit]:
    """Gazetteer places that words read with low confidence (:func:`read_text`) spell exactly,
    besides the ``known`` ones. Over hillshade and texture, tesseract reads clean labels with
    low confidence ("Japan" at 41, "Osaka" at 0 on a textured map of Japan)."""
    gaz = gazetteer()
    seen = {p.place_id for p in known}
    out: list[PlaceHit] = []
    for word in words:
        for reading in _readings(word.text):
            key = reading.strip(" (),'-")
            if len(key) < FAINT_NAME_MIN_LEN or " " in key:
                continue
            for place in gaz.get(key, ()):
                if place.place_id in seen:
                    continue
                seen.add(place.place_id)
                out.append(_place_hit(place, word))
    return out


def country_labels_in(
    lines: list[OcrLine], mask: npt.NDArray[np.bool_] | None, place_id: str
) -> list[OcrLine]:
    """Lines that name only the country ``place_id`` (``x:Russia``, ``x:Ukraine``: its name in
    any of the three languages, one letter off allowed) and whose centre lies in ``mask``
    (an area of the picture, e.g. Crimea's interior under the registration; ``None``:
    anywhere)."""
    out = []
    for line in lines:
        if mask is not None:
            h, w = mask.shape
            x = (line.box[0] + line.box[2]) // 2
            y = (line.box[1] + line.box[3]) // 2
            if not (0 <= x < w and 0 <= y < h and mask[y, x]):
                continue
        words = [t for t in re.split(r"[\s(),]+", normalise(correct(line.text))) if t]
        if not words or len(words) > 3:
            continue
        key = " ".join(words)
        if any(_names_country(reading, place_id) for reading in _cyrillic_twins(key)):
            out.append(line)
    return out


def _names_country(key: str, place_id: str) -> bool:
    places = gazetteer().get(key)
    if places is None and len(key) >= FUZZY_MIN_LEN:
        places = [p for k in _near_keys(key) for p in gazetteer()[k]]
    return any(p.place_id == place_id for p in places or ()) or _one_edit_from_name(key, place_id)


#: The look-alike pairs in lower case, and ``n`` for ``п`` (as :data:`_LEGEND_TO_LATIN` reads
#: them the other way), to Cyrillic: small map lettering in Cyrillic is often read wholly in
#: Latin ("Pocia" for "Росія").
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKS.lower() + "n", _CYRILLIC_LOOKS.lower() + "п")
_TWIN_LETTERS = frozenset(_LATIN_LOOKS.lower() + "n")


def _cyrillic_twins(key: str) -> list[str]:
    """``key``, and its Cyrillic twin when it is a word of four letters or more spelt wholly
    in Latin letters that look like Cyrillic ones: compared only with one country's own few
    names, "pocia" → "росіа" is one letter off "росія"."""
    if len(key) >= COUNTRY_FUZZY_MIN_LEN and set(key) <= _TWIN_LETTERS:
        return [key, key.translate(_TO_CYRILLIC)]
    return [key]


#: Shortest reading compared with a country's own names one letter off (OCR loses a final
#: letter on a coastline or reads it as punctuation: "Росі:" for "Росія").
COUNTRY_FUZZY_MIN_LEN = 4


def _one_edit_from_name(key: str, place_id: str) -> bool:
    """Whether ``key`` is one letter off one of the names of ``place_id`` itself. Against the
    few names of one country (not the whole gazetteer, whose short names would collide with
    OCR noise) a 4- or 5-letter reading is safe to compare."""
    if len(key) < COUNTRY_FUZZY_MIN_LEN:
        return False
    return any(_one_edit(key, name) for name in _names_of(place_id))


@cache
def _names_of(place_id: str) -> tuple[str, ...]:
    """The normalised names of one gazetteer place."""
    names = (k for k, places in gazetteer().items() if any(p.place_id == place_id for p in places))
    return tuple(sorted(names))


#: Shortest name matched with one letter off (see :func:`place_hits`).
FUZZY_MIN_LEN = 7


@cache
def _deletion_index() -> dict[str, tuple[str, ...]]:
    """Gazetteer names of :data:`FUZZY_MIN_LEN` − 1 letters or more, by each one-letter
    deletion of them and by themselves."""
    out: dict[str, set[str]] = {}
    for key in gazetteer():
        if len(key) < FUZZY_MIN_LEN - 1:
            continue
        for variant in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}:
            out.setdefault(variant, set()).add(key)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _near_keys(word: str) -> list[str]:
    """Gazetteer names one edit (substitution, insertion, deletion) from ``word``."""
    index = _deletion_index()
    cands: set[str] = set()
    for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
        cands.update(index.get(variant, ()))
    return sorted(k for k in cands if _one_edit(word, k))


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def elsewhere(places: list[PlaceHit], size: tuple[int, int] | None = None) -> str | None:
    """Why the labels show the picture is of another part of the world, or ``None``.

    Two ways, both needing at least two distinct far places and no place of the Black Sea
    region ("Russia" aside: its label can be anywhere across eleven time zones, so it neither
    anchors nor vetoes; a map of Japan names Russia):

    - the far places' area is far from Crimea: their bounding box grown by its own size, at
      least :data:`ELSEWHERE_MARGIN_DEG`, does not hold it (a world map naming Brazil and China
      spans Crimea too, a map of France does not);
    - with the picture's ``size`` (width, height): three or more far places whose labels sit
      where a plain lon/lat frame puts them (see :func:`label_frame`), and that frame puts
      Crimea well outside the picture (this one also overrules the first when the labels' frame
      reaches Crimea).

    One place of the region among them is taken for a misreading when four or more far labels
    agree on a frame that puts that place, too, well outside the picture: its label cannot be
    where such a map would draw it.
    """
    region = {p.place_id: p for p in places if p.area == "region" and p.place_id not in WIDE_PLACES}
    far = [p for p in places if p.area == "far"]
    if len({p.place_id for p in far}) < 2:
        return None
    names = ", ".join(sorted({p.name for p in far})[:5])
    frame = label_frame(far, size) if size is not None else None
    none_of_region = "none of the Black Sea region"
    if region:
        # One name of the region among many far ones that agree on a frame which puts that
        # name's own place well outside the picture: the label cannot be where the map would
        # draw it, so it is a misreading ("Pivdenne" read out of a coastline's lettering).
        lone = next(iter(region.values())) if len(region) == 1 else None
        if lone is None or frame is None or frame.places < FRAME_MIN_PLACES + 1:
            return None
        lx, ly = frame.at(lone.lonlat)
        if not _far_outside((lx, ly), size or (0, 0)):
            return None
        none_of_region = (
            f"no other of the Black Sea region than a misreading ({lone.name}, whose place "
            f"such a map puts near pixel {lx:.0f}, {ly:.0f})"
        )
    if frame is not None:
        # The labels' own frame is the better witness: it also knows when a map of Central
        # Europe reaches as far east as Crimea.
        where = frame.at(CRIMEA_LONLAT)
        if not _far_outside(where, size or (0, 0)):
            return None
        return (
            f"its labels name places elsewhere ({names}) where a map of that area puts them, "
            f"and {none_of_region}; Crimea would lie far outside the picture "
            f"(near pixel {where[0]:.0f}, {where[1]:.0f})"
        )
    if _far_area_misses_crimea(far) and not _extent_may_hold_crimea(far, size):
        return f"its labels name places elsewhere ({names}) and none of the Black Sea region"
    return None


#: The picture's extent implied by two labels is grown by this share of itself each way.
EXTENT_MARGIN = 0.25


def _extent_may_hold_crimea(far: list[PlaceHit], size: tuple[int, int] | None) -> bool:
    """Whether the picture may reach Crimea, by the scale two far labels imply (degrees per
    pixel between the two furthest apart, each way): two names read on the Americas of a world
    map put its right edge past Crimea; on a map of France, Paris and Marseille do not."""
    if size is None:
        return False
    placed = [(p.box, p.lonlat) for p in far if p.box is not None]
    w, h = size
    holds: dict[int, bool] = {}  # axis (0: longitude, 1: latitude) → Crimea within its range
    for axis, length, coord in ((0, w, CRIMEA_LONLAT[0]), (1, h, CRIMEA_LONLAT[1])):
        pos = [((box[axis] + box[axis + 2]) / 2, lonlat[axis]) for box, lonlat in placed]
        if len(pos) < 2:
            continue
        (p0, c0), (p1, c1) = min(pos), max(pos)
        if p1 - p0 < FRAME_SPREAD * length or c1 == c0:
            continue
        scale = (c1 - c0) / (p1 - p0)  # degrees per pixel: east right (+), north up (-)
        if (axis == 0) != (scale > 0):
            continue  # labels out of geographic order: no scale to go by
        lo, hi = sorted((c0 - p0 * scale, c0 + (length - p0) * scale))
        grow = EXTENT_MARGIN * (hi - lo)
        holds[axis] = lo - grow <= coord <= hi + grow
    # Latitude alone says little (much of the world lies at Crimea's latitude): the
    # longitude scale must be readable.
    return 0 in holds and all(holds.values())


#: Region places whose label may sit anywhere on a map of somewhere else.
WIDE_PLACES = frozenset({"x:Russia"})
#: Label frame fit (see :func:`label_frame`): at least this many places, residuals at most these
#: shares of the picture's diagonal, and Crimea at least this share of the picture outside it.
FRAME_MIN_PLACES = 3
FRAME_MAX_RMS = 0.08
FRAME_MAX_RESIDUAL = 0.15
FRAME_OUTSIDE = 0.3
FRAME_SPREAD = 0.15


def _far_area_misses_crimea(far: list[PlaceHit]) -> bool:
    lons = [p.lonlat[0] for p in far]
    lats = [p.lonlat[1] for p in far]
    margin = max(ELSEWHERE_MARGIN_DEG, max(lons) - min(lons), max(lats) - min(lats))
    lon, lat = CRIMEA_LONLAT
    inside = min(lons) - margin <= lon <= max(lons) + margin and (
        min(lats) - margin <= lat <= max(lats) + margin
    )
    return not inside


class _Frame(NamedTuple):
    """A lon/lat frame fitted to labels: ``x = ax·lon + bx``, ``y = ay·lat + by``."""

    ax: float
    bx: float
    ay: float
    by: float
    places: int
    """How many labels agree with it."""

    def at(self, lonlat: tuple[float, float]) -> tuple[float, float]:
        return (self.ax * lonlat[0] + self.bx, self.ay * lonlat[1] + self.by)


def label_frame(far: list[PlaceHit], size: tuple[int, int]) -> _Frame | None:
    """The lon/lat frame the far places' labels imply, if they are consistent with one.

    The frame is ``x = a·lon + b``, ``y = c·lat + d`` (east right, north up, |c|/a between 0.7
    and 3: plate carrée with any usual aspect, Mercator, conic maps over a few dozen degrees),
    fitted by least squares to the label centres of the largest subset of labels that agree (up
    to :data:`FRAME_MAX_DROPPED` left out; none may miss by more than
    :data:`FRAME_MAX_RESIDUAL` of the diagonal), keeping at least :data:`FRAME_MIN_PLACES`. The
    labels must spread over :data:`FRAME_SPREAD` of the picture both ways, so the fit is not
    extrapolated from one spot.
    """
    w, h = size
    seen: dict[str, PlaceHit] = {}
    for p in far:
        if p.box is not None and p.place_id not in seen:
            seen[p.place_id] = p
    if len(seen) < FRAME_MIN_PLACES or w <= 0 or h <= 0:
        return None
    lon = np.array([p.lonlat[0] for p in seen.values()], dtype=np.float64)
    lat = np.array([p.lonlat[1] for p in seen.values()], dtype=np.float64)
    boxes = np.array([p.box for p in seen.values()], dtype=np.float64)
    x = (boxes[:, 0] + boxes[:, 2]) / 2.0
    y = (boxes[:, 1] + boxes[:, 3]) / 2.0
    diag = float(np.hypot(w, h))
    # The largest set of labels that agree on one frame, leaving out up to FRAME_MAX_DROPPED
    # (a label set beside its place, an OCR misreading, a name that is also an overseas
    # territory's: "France" on French Guiana): every such subset is fitted and the one with
    # the most labels, then the smallest misfit, wins.
    best: tuple[int, float, tuple[float, float, float, float]] | None = None
    n = len(lon)
    for dropped in range(min(FRAME_MAX_DROPPED, n - FRAME_MIN_PLACES) + 1):
        for out in itertools.combinations(range(n), dropped):
            keep = np.ones(n, dtype=bool)
            keep[list(out)] = False
            fit = _frame_fit(lon[keep], lat[keep], x[keep], y[keep], (w, h), diag)
            if fit is not None and (best is None or (-dropped, -fit[0]) > (-best[0], -best[1])):
                best = (dropped, fit[0], fit[1])
        if best is not None:
            break  # fewer labels left out is always better
    if best is None:
        return None
    return _Frame(*best[2], places=n - best[0])


#: Labels a frame fit may leave out (see :func:`label_frame`).
FRAME_MAX_DROPPED = 2


def _frame_fit(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    size: tuple[int, int],
    diag: float,
) -> tuple[float, tuple[float, float, float, float]] | None:
    """(RMS misfit, (ax, bx, ay, by)) of one lon/lat frame through all the given labels, or
    ``None`` when they do not make one (too few or too close together, a label off by more
    than :data:`FRAME_MAX_RESIDUAL`, an implausible aspect, or too large a misfit)."""
    w, h = size
    if len(lon) < FRAME_MIN_PLACES:
        return None
    if np.ptp(x) < FRAME_SPREAD * w or np.ptp(y) < FRAME_SPREAD * h:
        return None
    if np.ptp(lon) < 1e-6 or np.ptp(lat) < 1e-6:
        return None
    ax, bx = np.polyfit(lon, x, 1)
    ay, by = np.polyfit(lat, y, 1)
    res = np.hypot(ax * lon + bx - x, ay * lat + by - y)
    if float(res.max()) > FRAME_MAX_RESIDUAL * diag:
        return None
    if ax <= 0 or ay >= 0 or not 0.7 <= -ay / ax <= 3.0:
        return None
    rms = float(np.sqrt(np.mean(res**2)))
    if rms > FRAME_MAX_RMS * diag:
        return None
    return rms, (float(ax), float(bx), float(ay), float(by))


def _far_outside(where: tuple[float, float], size: tuple[int, int]) -> bool:
    """Whether pixel ``where`` lies well outside a picture of ``size`` (:data:`FRAME_OUTSIDE`)."""
    (cx, cy), (w, h) = where, size
    out_x = cx < -FRAME_OUTSIDE * w or cx > (1 + FRAME_OUTSIDE) * w
    out_y = cy < -FRAME_OUTSIDE * h or cy > (1 + FRAME_OUTSIDE) * h
    return out_x or out_y
