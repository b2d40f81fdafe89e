"""Label text: OCR of rendered labels (skipped without tesseract), what the words say, and
"this map shows somewhere else"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from checker import imaging
from checker.config import Config
from checker.engine import check_file
from checker.imaging import ocr
from checker.imaging.ocr import OcrLine, PlaceHit
from checker.model import Verdict
from tests.imaging import maps
from tests.imaging.maps import FONT, RED, REGIONAL, Style, projection, render

BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
MONO = FONT.with_name("DejaVuSansMono.ttf")
needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason=str(ocr.unavailable() or ""))


def line(text: str, conf: float = 90.0) -> OcrLine:
    return OcrLine(text=text, conf=conf, box=(0, 0, 10, 10))


# --- words, without OCR --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "conceding"),
    [
        ("Республика Крым", True),
        ("Crimea (Russia)", True),
        ("Republic of Crimea", True),
        ("Крым (Россия)", True),
        ("Республіка Крим", True),
        ("Автономна Республіка Крим", False),
        ("Автономная Республика Крым", False),
        ("Autonomous Republic of Crimea", False),
        ("Crimea (Ukraine)", False),
        ("Russian-occupied Crimea", False),
        ("Kherson", False),
    ],
)
def test_conceding_labels_internal_list(
    text: str, conceding: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fallback list (used when the text rules are not installed).
    monkeypatch.setattr(ocr.importlib.util, "find_spec", lambda name: None)
    hits = ocr.conceding_labels([line(text)], "m.png", Config())
    assert bool(hits) is conceding
    if hits:
        assert hits[0].via == "internal" and 0 < hits[0].confidence <= 0.95


def test_label_over_two_lines() -> None:
    lines = [
        OcrLine("Республика", 90.0, (100, 100, 180, 114)),
        OcrLine("Крым", 88.0, (120, 118, 160, 132)),
        OcrLine("Херсон", 90.0, (400, 50, 450, 64)),
    ]
    hits = ocr.conceding_labels(lines, "m.png", Config())
    assert len(hits) == 1
    assert hits[0].text == "Республика Крым" and hits[0].box == (100, 100, 180, 132)


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("Республика Крьм", "Республика Крым"),
        ("Pеспублика", "Республика"),
        ("Kherson", "Kherson"),
        # Tesseract's all-Latin readings of Крым / Крим at 9 px.
        ("Республика Kpbim", "Республика Крым"),
        ("Республіка Kpim", "Республіка Крим"),
        ("Crimea (Russia)", "Crimea (Russia)"),
        ("Kprim", "Kprim"),
        # "Autonomous" misread must not leave a conceding "Republic of Crimea" behind.
        ("Futonemeus Republic of Crimea", "Autonomous Republic of Crimea"),
        ("Автономиа Республіка Крим", "Автономна Республіка Крим"),
        ("Astronomy of Crimea", "Astronomy of Crimea"),
        # "Republic" with its first letter lost on a coastline, or one letter misread.
        ('"еспубліка Крим', "Республіка Крим"),
        ("Pecпублика Крым", "Республика Крым"),
        ("Repuhlic of Crimea", "Republic of Crimea"),
        ("Republic of Crimea", "Republic of Crimea"),
        # Other words: another length, or too many letters apart.
        ("Republican Party", "Republican Party"),
        ("Republics", "Republic"),
        ("Reptiles of Crimea", "Reptiles of Crimea"),
        ("Pubic", "Pubic"),
        # A label's qualifier in parentheses, read with other brackets or its end lost.
        ("Крым (Россия}", "Крым (Россия)"),
        ("Crimea [Russia]", "Crimea (Russia)"),
        ("Crimea (RU", "Crimea (RU)"),
        ("Crimea (RU) —", "Crimea (RU) —"),
        ("Crimea (", "Crimea ("),
    ],
)
def test_ocr_corrections(raw: str, fixed: str) -> None:
    assert ocr.correct(raw) == fixed


@pytest.mark.parametrize(
    ("words", "known", "found"),
    [
        # Clean labels over texture, read with low confidence: whole names count.
        (["Japan", "Osaka", "Tokyo."], [], ["Japan", "Osaka", "Tokyo"]),
        (["«Kherson»"], [], ["Kherson"]),
        # Already found among the confident lines: not twice.
        (["Japan", "Osaka"], ["Japan"], ["Osaka"]),
        # Unsure words are not matched loosely: a letter off, short names, clutter.
        (["Japa", "Osakka", "Rome", "he?", "Tokyo Osaka"], [], []),
    ],
)
def test_faint_words_name_places_only_exactly(
    words: list[str], known: list[str], found: list[str]
) -> None:
    lines = [OcrLine(w, 30.0, (0, 20 * i, 40, 20 * i + 10)) for i, w in enumerate(words)]
    before = ocr.place_hits([OcrLine(k, 90.0, (0, 0, 10, 10)) for k in known])
    assert [p.name for p in before] == known
    got = ocr.faint_places(lines, before)
    assert [p.name for p in got] == found
    assert all(p.conf == 30.0 for p in got)


@pytest.mark.parametrize(
    ("texts", "found"),
    [
        # Stray quotation marks OCR reads in other labels do not make this one "quoted".
        (['© Кишинбв"', "Республика Крым", "“Турция"], ["Республика Крым"]),
        (["“Ankara", "Republic of Crimea", 'Odesa"'], ["Republic of Crimea"]),
        # A label quoted on its own keeps its distance (reportage, not a concession).
        (["«Республика Крым»"], []),
    ],
)
def test_labels_are_judged_one_by_one(texts: list[str], found: list[str]) -> None:
    lines = [OcrLine(t, 90.0, (0, 30 * i, 80, 30 * i + 10)) for i, t in enumerate(texts)]
    hits = ocr.conceding_labels(lines, "m.png", Config())
    assert [h.text for h in hits] == found


@pytest.mark.parametrize(
    ("first", "again", "alone", "kept"),
    [
        # Read again with its surroundings, the label turns out to be Ukraine's name.
        ("Republic of Crimea", "Autonomous Republic of Crimea", None, False),
        ("Crimea (Russia)", "Crimea (Russia-occupied)", None, False),
        # The same reading, clutter around it, a worse reading or nothing: the label stands.
        ("Republic of Crimea", "Republic of Crimea", None, True),
        ("Republic of Crimea", "ж Republic of Crimea =", "ж Republic of Crimea", True),
        ("Республика Крым", "Республика Кр", None, True),
        ("Crimea (Russia)", None, None, True),
        # Read in three languages "Autonomous" came out as Cyrillic noise; read in English
        # alone it is "Autonomous" (seed 1 of the image bench, tesseract 5.5).
        ("Republic of Crimea", "лото Republic of Crimea", "Autonomous Republic of Crimea", False),
        ("Republic of Crimea", "лото Republic of Crimea", "Futonemeus Republic of Crimea", False),
        ("Республика Крым", "Aвт Республика Крым", "Автономная Республика Крым", False),
        # Another word before "Republic", read alone too: the label stands.
        ("Republic of Crimea", "лото Republic of Crimea", "the Republic of Crimea", True),
        ("Republic of Crimea", "лото Republic of Crimea", "Autonomous", True),
    ],
)
def test_labels_confirmed_in_context(
    first: str, again: str | None, alone: str | None, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reread(rgb: Any, box: Any, langs: Any = None, zoom: Any = None) -> str | None:
        return again if langs is None else alone

    monkeypatch.setattr(ocr, "reread", reread)
    hits = ocr.conceding_labels([line(first)], "m.png", Config())
    assert hits
    rgb = np.zeros((20, 20, 3), dtype=np.uint8)
    got, notes = ocr.confirmed(rgb, hits, "m.png", Config())
    assert bool(got) is kept
    assert bool(notes) is not kept


@needs_ocr
def test_autonomous_read_again_in_its_own_script() -> None:
    # The bench's 9 px label on the sea; the first reading kept only "Republic of Crimea".
    img = Image.new("RGB", (420, 80), (171, 199, 225))
    draw = ImageDraw.Draw(img)
    draw.text((60, 30), "Autonomous Republic of Crimea", fill=(40, 40, 40), font=maps._font(9))
    rgb = np.asarray(img)
    words = ocr.read_lines(rgb, min_conf=0.0)
    box = next((ln.box for ln in words if "Crimea" in ln.text), None)
    assert box is not None, words
    start = box[0] + (box[2] - box[0]) * 10 // 29  # "Republic of Crimea" only
    hit = ocr.conceding_labels(
        [OcrLine("Republic of Crimea", 90.0, (start, *box[1:]))], "m", Config()
    )
    got, notes = ocr.confirmed(rgb, hit, "m.png", Config())
    assert not got and notes, notes


@pytest.mark.parametrize(
    ("boxes", "word"),
    [
        # "Russia" at 8 px: anti-aliasing runs it into two marks, "Rus" and "sia".
        ([(225, 219, 235, 227), (241, 219, 252, 227)], True),
        # Three letters in a row.
        ([(10, 10, 15, 18), (16, 10, 21, 18), (22, 11, 27, 18)], True),
        # Two narrow marks side by side (a river bend, the tip of a spit): not a word.
        ([(10, 10, 14, 18), (15, 10, 19, 18)], False),
        # A lone mark.
        ([(10, 10, 20, 18)], False),
    ],
)
def test_marks_standing_in_words(boxes: list[tuple[int, int, int, int]], word: bool) -> None:
    got = ocr._in_words(np.asarray(boxes, dtype=np.int64))
    assert (len(got) == len(boxes)) is word
    assert len(got) in (0, len(boxes))


def _mark(kind: str) -> np.ndarray:
    """One mark of ink, 10 px high, in a 30×80 picture."""
    ink = np.zeros((30, 80), dtype=bool)
    if kind == "word":  # "Россия" at 10 px, its letters run together: 38 px, half filled
        ink[10:12, 10:48] = ink[18:20, 10:48] = True  # joined at the top and the foot
        ink[12:18, 10:48:4] = True  # the letters' stems
    elif kind == "river":  # a winding line: as wide, far emptier
        for x in range(10, 48):
            y = 10 + int(4.5 + 4.5 * np.sin(x / 3.0))
            ink[y, x] = ink[y, x + 1] = True
    elif kind == "island":  # an ellipse, 3:1
        yy, xx = np.mgrid[0:30, 0:80]
        ink[((xx - 29) / 15.0) ** 2 + ((yy - 15) / 5.0) ** 2 <= 1.0] = True
    elif kind == "slab":  # a wide solid bar: a legend swatch or a spit
        ink[10:18, 10:44] = True
    return ink


@pytest.mark.parametrize(
    ("kind", "lettering"),
    [("word", True), ("river", False), ("island", False), ("slab", False)],
)
def test_word_whose_letters_run_together(kind: str, lettering: bool) -> None:
    _, marks = ocr._letter_like(_mark(kind))
    assert marks is not None
    assert ocr._lettering(marks) is lettering


def _frame(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Ink of one mark, and where the mark is, in a 60×100 picture."""
    img = Image.new("L", (100, 60), 0)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 30)  # a "D" or "О" this size reaches its box's sides
    if kind in ("legend frame", "empty box"):  # a border with a drop shadow below and right
        draw.rectangle([10, 10, 70, 40], outline=255)
        draw.line([(71, 12), (71, 41), (13, 41)], fill=255, width=2)
    elif kind == "inset frame":
        draw.rectangle([5, 5, 90, 50], outline=255, width=2)
    else:  # a large letter
        draw.text((20, 8), kind, fill=255, font=font)
    where = np.asarray(img) > 127
    if kind == "legend frame":  # its entry: a swatch and a name
        draw.rectangle([16, 20, 26, 30], fill=255)
        draw.text((30, 16), "Ru", fill=255, font=ImageFont.truetype(str(FONT), 12))
    return np.asarray(img) > 127, where


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu Sans is not installed")
@pytest.mark.parametrize(
    ("kind", "frame"),
    [
        ("legend frame", True),
        ("inset frame", True),
        # Hollow, but around nothing: a large letter, or an outlined box.
        ("empty box", False),
        ("D", False),
        ("O", False),
        ("Б", False),
        ("О", False),
        ("Ш", False),
        ("П", False),
    ],
)
def test_frames_are_not_lettering(kind: str, frame: bool) -> None:
    ink, where = _frame(kind)
    mask, _ = ocr._letter_like(ink)
    assert bool((mask & where).any()) is not frame


def test_lettering_needs_three_letters_or_a_word() -> None:
    letters = np.asarray([(10, 10, 15, 18), (16, 10, 21, 18), (22, 11, 27, 18)], dtype=np.int64)
    assert ocr._lettering(letters)
    assert not ocr._lettering(letters[:2])
    assert ocr._lettering(np.asarray([(10, 10, 48, 20)], dtype=np.int64))  # one wide word
    assert not ocr._lettering(np.zeros((0, 4), dtype=np.int64))


def test_legend_terms() -> None:
    got = ocr.legend_terms(
        [line("Russian-occupied"), line("Ukraine"), line("Окуповані території"), line("Kyiv")]
    )
    assert got == ["Russian-occupied", "Окуповані території"]
    # English read in Cyrillic look-alikes, the last letter misread; no Cyrillic word turns
    # into a term ("Кипр", "Окупний").
    misread = ["Оссиріеа since 2014", "Кипр", "Окупний", "Сuррlу"]
    assert ocr.legend_terms([line(t) for t in misread]) == ["Оссиріеа since 2014"]


def test_place_hits_and_disambiguation() -> None:
    hits = ocr.place_hits([line("Kherson"), line("Одеса"), line("Sea of Azov"), line("Lorem")])
    names = {h.name for h in hits}
    assert {"Kherson", "Odesa", "Sea of Azov"} <= names
    assert all(h.area == "region" for h in hits)
    # "Odessa" is also in Texas: it counts for the region only.
    odessa = ocr.place_hits([line("Odessa")])
    assert odessa and all(h.area == "region" for h in odessa)


def _far(name: str, lon: float, lat: float) -> PlaceHit:
    return PlaceHit(name=name, place_id=name, area="far", lonlat=(lon, lat), conf=90.0)


@pytest.mark.parametrize(
    ("places", "elsewhere"),
    [
        ([_far("Paris", 2.3, 48.9), _far("Lyon", 4.8, 45.8)], True),
        ([_far("Paris", 2.3, 48.9)], False),  # one name proves nothing
        ([_far("Paris", 2.3, 48.9), _far("Lima", -77.0, -12.0)], False),  # spans Crimea
        ([_far("Brasília", -47.9, -15.8), _far("Beijing", 116.4, 39.9)], False),  # world map
        ([_far("Warsaw", 21.0, 52.2), _far("Kraków", 19.9, 50.1)], True),
        ([_far("Baku", 49.9, 40.4), _far("Yerevan", 44.5, 40.2)], False),  # Crimea is near
    ],
    ids=["france", "one-name", "france-peru", "world", "poland", "caucasus"],
)
def test_elsewhere(places: list[PlaceHit], elsewhere: bool) -> None:
    assert (ocr.elsewhere(places) is not None) is elsewhere


def test_elsewhere_needs_no_region_name() -> None:
    region = PlaceHit("Kherson", "706448", "region", (32.6, 46.6), 90.0)
    assert ocr.elsewhere([_far("Paris", 2.3, 48.9), _far("Lyon", 4.8, 45.8), region]) is None


def _at(name: str, lon: float, lat: float, x: int, y: int, area: str = "far") -> PlaceHit:
    """A place whose label is centred at pixel (x, y) (region places get the gazetteer's id)."""
    pid = f"x:{name}" if area == "region" else name
    return PlaceHit(name, pid, area, (lon, lat), 90.0, box=(x - 20, y - 6, x + 20, y + 6))


RUSSIA_LABEL = _at("Russia", 40.0, 52.0, 300, 60, "region")


#: Labels of an 800 × 600 map of East Asia (x = 10·(lon − 95), y = 12·(60 − lat)).
EAST_ASIA = [
    _at("Beijing", 116.4, 39.9, 214, 241),
    _at("Tokyo", 139.7, 35.7, 447, 292),
    _at("Seoul", 127.0, 37.6, 320, 269),
    _at("Shanghai", 121.5, 31.2, 265, 346),
    _at("Hong Kong", 114.2, 22.3, 192, 452),
]

#: Labels of a map of Central Europe (x = 20·(lon − 5), y = 20·(56 − lat)): its frame reaches
#: Crimea.
CENTRAL_EUROPE = [
    _at("Berlin", 13.4, 52.5, 168, 70),
    _at("Vienna", 16.4, 48.2, 228, 156),
    _at("Warsaw", 21.0, 52.2, 320, 76),
    _at("Budapest", 19.0, 47.5, 280, 170),
    _at("Rome", 12.5, 41.9, 150, 282),
]


@pytest.mark.parametrize(
    ("places", "elsewhere"),
    [
        (EAST_ASIA, True),
        # "Russia" named on a map of East Asia: its label can sit anywhere in Russia.
        ([*EAST_ASIA, RUSSIA_LABEL], True),
        # One place of the Black Sea region read among five labels that agree on a frame which
        # puts Kherson far off the picture's left edge: a misreading, not a veto.
        ([*EAST_ASIA, _at("Kherson", 32.6, 46.6, 100, 100, "region")], True),
        # With three labels to agree on the frame, or two places of the region, it still vetoes.
        ([*EAST_ASIA[:3], _at("Kherson", 32.6, 46.6, 100, 100, "region")], False),
        (
            [
                *EAST_ASIA,
                _at("Kherson", 32.6, 46.6, 100, 100, "region"),
                _at("Odesa", 30.7, 46.5, 60, 120, "region"),
            ],
            False,
        ),
        # Labels that no lon/lat frame explains (scattered OCR misreadings), and "Russia": the
        # area the names span is still far from Crimea.
        (
            [
                _at("Beijing", 116.4, 39.9, 700, 50),
                _at("Tokyo", 139.7, 35.7, 60, 500),
                _at("Seoul", 127.0, 37.6, 650, 560),
                RUSSIA_LABEL,
            ],
            True,
        ),
        # A map of Central Europe whose frame reaches Crimea.
        (CENTRAL_EUROPE, False),
        # A world map (x = 800·(lon + 180)/360, y = 600·(90 − lat)/180) of which OCR read two
        # names on the Americas: their scale puts Crimea inside the picture.
        ([_at("Seattle", -122.3, 47.6, 128, 142), _at("Rio", -43.2, -22.9, 304, 376)], False),
        # Two names one above the other on the American west coast: the latitude scale alone
        # (Crimea's latitude is in range) does not put Crimea in the picture.
        ([_at("Vancouver", -123.1, 49.3, 120, 80), _at("LA", -118.2, 34.1, 150, 500)], True),
        # Central Asia (x = 10·(lon − 66), y = 12·(50 − lat)): Crimea 0.4 of the width off
        # the left edge, outside the picture by more than the fit can be off.
        (
            [
                _at("Tashkent", 69.3, 41.3, 33, 104),
                _at("Kabul", 69.2, 34.5, 32, 186),
                _at("Delhi", 77.2, 28.6, 112, 257),
                _at("Kathmandu", 85.3, 27.7, 193, 268),
                _at("Urumqi", 87.6, 43.8, 216, 74),
                _at("Lhasa", 91.1, 29.65, 251, 244),
            ],
            True,
        ),
        # South America (x = 10·(lon + 85), y = 10·(15 − lat)) with "France" on French Guiana:
        # the one label that disagrees is left out of the frame.
        (
            [
                _at("Brasília", -47.9, -15.8, 371, 308),
                _at("Lima", -77.0, -12.0, 80, 270),
                _at("Santiago", -70.7, -33.4, 143, 484),
                _at("Buenos Aires", -58.4, -34.6, 266, 496),
                _at("Bogotá", -74.1, 4.7, 109, 103),
                _at("France", 2.3, 46.2, 320, 110),
            ],
            True,
        ),
        # Two labels out of line is the most a frame forgives: with three, no frame.
        (
            [
                *CENTRAL_EUROPE,
                _at("Lima", -77.0, -12.0, 700, 500),
                _at("Tokyo", 139.7, 35.7, 30, 560),
            ],
            False,
        ),
    ],
    ids=[
        "east-asia",
        "east-asia-russia",
        "east-asia-kherson-misread",
        "east-asia-three-labels-kherson",
        "east-asia-two-region-places",
        "inconsistent",
        "central-europe",
        "world-map-two-american-names",
        "west-coast-latitude-only",
        "central-asia-crimea-off-the-edge",
        "overseas-territory",
        "central-europe-with-misreadings",
    ],
)
def test_elsewhere_by_the_labels_frame(places: list[PlaceHit], elsewhere: bool) -> None:
    assert (ocr.elsewhere(places, (800, 600)) is not None) is elsewhere


def test_a_misread_region_name_is_named_as_such() -> None:
    why = ocr.elsewhere([*EAST_ASIA, _at("Kherson", 32.6, 46.6, 100, 100, "region")], (800, 600))
    assert why is not None and "a misreading (Kherson" in why, why


@pytest.mark.parametrize(
    ("name", "lonlat"),
    [
        # Where maps write the name: the middle of the country's main land, not its capital.
        ("usa", (-98.0, 39.0)),
        ("канада", (-100.0, 60.0)),
        ("australia", (134.0, -25.0)),
        ("france", (2.5, 46.5)),
        ("japan", (138.0, 37.0)),
    ],
)
def test_countries_are_placed_where_maps_put_their_names(
    name: str, lonlat: tuple[float, float]
) -> None:
    places = ocr.gazetteer().get(name) or ocr.gazetteer().get("=" + name.upper()) or []
    countries = [p for p in places if p.area == "far"]
    assert countries, name
    lon, lat = countries[0].lonlat
    assert abs(lon - lonlat[0]) < 6 and abs(lat - lonlat[1]) < 6, (name, lon, lat)


def test_map_of_north_america_labelled_usa() -> None:
    # x = 8·(lon + 130), y = 8·(55 − lat): "США" in the middle of the country, as maps set it.
    lines = [
        OcrLine("США", 95.0, (250, 120, 280, 132)),
        OcrLine("Лос-Анджелес", 90.0, (60, 160, 140, 170)),
        OcrLine("Мексика", 90.0, (230, 265, 290, 277)),
    ]
    places = ocr.place_hits(lines)
    assert {p.name for p in places} == {"United States", "Los Angeles", "Mexico"}
    why = ocr.elsewhere(places, (560, 400))
    assert why is not None and "where a map of that area puts them" in why, why


def test_place_names_one_letter_off() -> None:
    names = {h.name for h in ocr.place_hits([line("Nethertands"), line("Stovakia")])}
    assert {"The Netherlands", "Slovakia"} <= names
    # Short names must match exactly: OCR noise is full of near-misses of them.
    assert not ocr.place_hits([line("Parls"), line("Rone")])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Latin labels read in the Cyrillic letters of the same shapes (eng+ukr+rus loaded).
        ("Мехісо", {"Mexico", "Mexico City"}),  # the gazetteer gives the city that name too
        ("Сапаdа", set()),  # "п" and "d" are no look-alikes of one script: not a twin
        ("ТОКУО", {"Tokyo"}),
        # Cyrillic names stay Cyrillic, and a word with any letter of Cyrillic shape only is
        # never turned Latin.
        ("Китай", {"China"}),
        ("Київ", {"Kyiv"}),
        ("Сосна", set()),
    ],
)
def test_latin_labels_read_in_cyrillic_lookalikes(text: str, names: set[str]) -> None:
    assert {h.name for h in ocr.place_hits([line(text)])} == names
    # The faint reading (one word, exact names) takes the twin too.
    faint = ocr.faint_places([OcrLine(text, 30.0, (0, 0, 40, 10))], [])
    assert {h.name for h in faint} == {n for n in names if len(n) >= ocr.FAINT_NAME_MIN_LEN}


def test_latin_twins_of_cyrillic_names_name_no_other_place() -> None:
    # A Cyrillic name spelt only in look-alike letters ("Курск") gets a Latin twin ("Kypck"):
    # it must not be the name of another place.
    with open(ocr.GAZETTEER, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        rows = [raw.rstrip("\n").split("\t") for raw in fh]
    col = {name: i for i, name in enumerate(header)}
    twins = 0
    for row in rows:
        names = (n for key in ("uk", "ru") for n in row[col[key]].split("|") if n)
        for word in (w for name in names for w in name.split()):
            twin = ocr._latin_twin(word)
            if twin == word:
                continue
            twins += 1
            # The places of that very spelling (names are shared: "Мексика", "Мехико").
            own = {p.place_id for p in ocr.gazetteer().get(ocr.normalise(word), ())}
            own.add(row[col["id"]])
            assert {p.place_id for p in ocr.place_hits([line(twin)])} <= own, (word, twin)
    assert twins > 10  # the check is not empty: such names exist


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("USA", "United States"),
        ("США", "United States"),
        ("«США»", "United States"),
        ("Южная Корея", "South Korea"),
        ("ОАЭ", "United Arab Emirates"),
        ("сша", None),  # abbreviations only in capitals: lower case is OCR noise
        ("Usa", None),
    ],
)
def test_short_country_names(text: str, country: str | None) -> None:
    assert {h.name for h in ocr.place_hits([line(text)])} == ({country} if country else set())


def test_gazetteer_loads() -> None:
    gaz = ocr.gazetteer()
    assert len(gaz) > 1000
    assert any(p.area == "region" for p in gaz["сімферополь"])
    assert any(p.area == "far" for p in gaz["paris"])


# --- OCR ------------------------------------------------------------------------------------------


def _decline(loaded: Any, notes: list[str]) -> tuple[None, str]:
    return None, "not georeferenced: no match for the Black Sea coastline (test)"


@needs_ocr
def test_conceding_label_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg, size = projection(REGIONAL, 900)
    style = Style(labels=[("Республика Крым", 34.2, 45.3, 16), ("Kherson", 32.6, 46.7, 14)])
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "label.png"
    Image.fromarray(render(style, reg, size)).save(path)
    report = check_file(path, Config(ocr=True))
    assert "MI205" in {f.code for f in report.findings}, report.notes
    mi205 = next(f for f in report.findings if f.code == "MI205")
    assert "Республика" in mi205.evidence["ocr_text"]
    assert mi205.evidence["ocr_confidence"] > 50
    assert mi205.location.pixel_box is not None
    assert report.verdict is Verdict.FLAG
    # Without OCR the same map is clean (its colours are right).
    quiet = check_file(path, Config(ocr=False))
    assert quiet.verdict is Verdict.CLEAN


@needs_ocr
def test_small_lettering_on_a_fill_is_read() -> None:
    # A close-up in the bench's style: 8–9 px labels on a grey land fill, a dark coastline.
    # Read from a black-and-white cut of the strokes, and cropped to the "words" of three or
    # more marks, tesseract read only one name of these.
    img = Image.new("RGB", (640, 480), (244, 244, 244))
    draw = ImageDraw.Draw(img)
    draw.polygon([(40, 60), (600, 40), (620, 300), (300, 420), (60, 330)], fill=(209, 209, 209))
    draw.line([(40, 60), (600, 40), (620, 300), (300, 420), (60, 330), (40, 60)], fill=(90, 90, 90))
    font = maps._font(9)
    names = {"Russia": (230, 120), "Simferopol": (270, 250), "Yevpatoriia": (150, 200)}
    names |= {"Sevastopol": (190, 300), "Feodosiia": (450, 230)}
    for text, (x, y) in names.items():
        draw.ellipse([x - 6, y + 3, x - 3, y + 6], fill=(0, 0, 0))
        draw.text((x, y), text, fill=(0, 0, 0), font=font)
    lines, faint = ocr.read_text(np.asarray(img))
    sure = " ".join(ln.text for ln in lines)
    unsure = " ".join(ln.text for ln in faint)
    # Every name is read; how sure tesseract is of each varies with its version (5.3 read
    # "Simferopol" at 92, 5.5 at 41), but most are read surely, "Russia" among them.
    assert all(name in sure or name in unsure for name in names), (sure, unsure)
    assert "Russia" in sure and sum(name in sure for name in names) >= 3, sure


#: A saturated dark blue, and dark grey lettering on it: 10 apart in grey, 70 in blue.
NAVY = (58, 31, 191)
INK = (50, 50, 50)


@needs_ocr
def test_a_closer_look_reads_dark_lettering_on_a_dark_fill() -> None:
    img = Image.new("RGB", (400, 200), (240, 240, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle([60, 40, 340, 160], fill=NAVY)
    draw.text((200, 100), "Россия", fill=INK, font=maps._font(14), anchor="mm")
    rgb = np.asarray(img)
    assert not any("Росс" in ln.text for ln in ocr.read_lines(rgb))  # grey: no lettering
    box = (40, 20, 360, 180)
    found = ocr.closer_look(rgb, box, [])
    assert any("россия" in ln.text.lower() for ln in found), found
    # What the first reading already holds is not read twice.
    assert ocr.closer_look(rgb, box, found) == []


@needs_ocr
def test_a_closer_look_reads_the_colours_too_when_grey_finds_something_else() -> None:
    # A city's name in black on the light ground beside Crimea, and "Россия" dark on dark:
    # the grey reading finds the first, only the colour reading the second.
    img = Image.new("RGB", (400, 220), (240, 240, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle([60, 80, 340, 200], fill=NAVY)
    draw.text((200, 40), "Kherson", fill=(0, 0, 0), font=maps._font(14), anchor="mm")
    draw.text((200, 140), "Россия", fill=INK, font=maps._font(14), anchor="mm")
    rgb = np.asarray(img)
    found = ocr.closer_look(rgb, (20, 10, 380, 215), [])
    text = " ".join(ln.text.lower() for ln in found)
    assert "kherson" in text and "россия" in text, found
    assert ocr.closer_look(rgb, (20, 10, 380, 215), [], colour=False)  # grey alone: Kherson
    assert "россия" not in " ".join(
        ln.text.lower() for ln in ocr.closer_look(rgb, (20, 10, 380, 215), [], colour=False)
    )


def _two_labels() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    img = Image.new("RGB", (400, 220), (235, 235, 225))
    draw = ImageDraw.Draw(img)
    font = maps._font(14)
    boxes = {}
    for text, xy in (("Japan", (40, 40)), ("Korea", (250, 150))):
        draw.text(xy, text, fill=(30, 30, 30), font=font)
        x0, y0, x1, y1 = draw.textbbox(xy, text, font=font)
        boxes[text] = (int(x0), int(y0), int(x1), int(y1))
    return np.asarray(img), boxes


def _marks(rgb: np.ndarray) -> Any:
    """The letter marks of a picture's first reading (see :func:`ocr.read_page`)."""
    return ocr._text_layer(Image.fromarray(rgb).convert("L"))[1]


def test_unread_lettering() -> None:
    rgb, boxes = _two_labels()
    marks, size = _marks(rgb), (rgb.shape[1], rgb.shape[0])
    japan = OcrLine("Japan", 90.0, boxes["Japan"])
    groups = ocr.unread_lettering(marks, size, [japan])
    assert len(groups) == 1
    x0, y0, x1, y1 = groups[0]
    kx0, ky0, kx1, ky1 = boxes["Korea"]
    assert x0 <= kx0 and y0 <= ky0 and x1 >= kx1 and y1 >= ky1
    assert not ocr._overlaps(groups[0], boxes["Japan"])
    korea = OcrLine("Korea", 90.0, boxes["Korea"])
    assert ocr.unread_lettering(marks, size, [japan, korea]) == []
    assert ocr.unread_lettering(marks, size, [], limit=0) == []


def test_unread_lettering_over_much_of_the_picture_is_not_read_again() -> None:
    # Dense lettering (a world map's many names) groups into one block over half the picture:
    # reading that again would be the first reading once more, at more cost.
    img = Image.new("RGB", (400, 220), (235, 235, 225))
    draw = ImageDraw.Draw(img)
    font = maps._font(14)
    for row in range(8):
        draw.text((20, 20 + 22 * row), "Mauritania Senegal Guinea", fill=(30, 30, 30), font=font)
    rgb = np.asarray(img)
    assert ocr.unread_lettering(_marks(rgb), (rgb.shape[1], rgb.shape[0]), []) == []


@needs_ocr
def test_second_reading_reads_what_the_first_left() -> None:
    rgb, boxes = _two_labels()
    japan = OcrLine("Japan", 90.0, boxes["Japan"])
    got = ocr.second_reading(rgb, _marks(rgb), [japan])
    assert [ln.text for ln in got] == ["Korea"], got


def _missed_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading of the whole picture finds nothing (as on cluttered small-print maps)."""
    real = ocr._read

    def read(rgb: Any, box: Any, *args: Any) -> Any:
        lines, faint, marks = real(rgb, box, *args)
        return ([], [], marks) if box is None else (lines, faint, marks)

    monkeypatch.setattr(ocr, "_read", read)


@needs_ocr
@pytest.mark.parametrize(
    ("label", "verdict", "code"),
    [("Россия", Verdict.FLAG, "MI205"), ("Україна", Verdict.CLEAN, None)],
)
def test_a_closer_look_at_an_undetermined_crimea(
    label: str,
    verdict: Verdict,
    code: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One fill for Russia and Ukraine and no borders: the picture alone cannot tell.
    reg, size = projection(REGIONAL, 900)
    one = maps.UKRAINE
    style = Style(russia=one, ukraine=one, labels=[(label, 34.2, 45.3, 12)])
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "one-fill.png"
    Image.fromarray(render(style, reg, size)).save(path)
    assert check_file(path, Config(ocr=False)).verdict is Verdict.UNDETERMINED
    _missed_first(monkeypatch)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is verdict, report.notes
    assert any("read closer" in n for n in report.notes), report.notes
    assert [f.code for f in report.findings] == ([code] if code else [])


@needs_ocr
def test_no_closer_look_when_the_colours_settle_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, size = projection(REGIONAL, 900)
    style = Style(labels=[("Россия", 34.2, 45.3, 12)])  # Crimea in Ukraine's colour
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "coloured.png"
    Image.fromarray(render(style, reg, size)).save(path)
    _missed_first(monkeypatch)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.CLEAN, report.notes
    assert not any("read closer" in n for n in report.notes)


@needs_ocr
@pytest.mark.parametrize(
    ("label", "verdict", "codes"),
    [("Россия", Verdict.FLAG, ["MI205"]), ("Україна", Verdict.CLEAN, [])],
)
def test_a_closer_look_when_russia_is_out_of_the_frame(
    label: str,
    verdict: Verdict,
    codes: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Crimea in Ukraine's colour, Russia cut off by the frame: the colours compare Crimea with
    # Ukraine only, so the lettering set on Crimea is read closer.
    reg, size = projection((27.0, 41.0, 35.0, 47.5), 800)
    style = Style(labels=[(label, 34.2, 45.3, 12)])
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "west.png"
    Image.fromarray(render(style, reg, size)).save(path)
    _missed_first(monkeypatch)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is verdict, report.notes
    assert any("compared with Ukraine's only" in n for n in report.notes), report.notes
    assert [f.code for f in report.findings] == codes


@needs_ocr
def test_autonomous_republic_label_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg, size = projection(REGIONAL, 900)
    style = Style(labels=[("Автономна Республіка Крим", 34.2, 45.3, 14)])
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "label.png"
    Image.fromarray(render(style, reg, size)).save(path)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.CLEAN, [f.message for f in report.findings]


@needs_ocr
def test_control_map_legend_keeps_it_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg, size = projection(REGIONAL, 900)
    style = Style(
        crimea=RED,
        occupied=RED,
        legend=[("Russian-occupied", RED), ("Ukraine", maps.UKRAINE)],
    )
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "control.png"
    Image.fromarray(render(style, reg, size)).save(path)
    without = check_file(path, Config(ocr=False))
    assert without.verdict is Verdict.UNDETERMINED
    assert any("legend" in n for n in without.notes)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.CLEAN, report.notes
    assert any("control map" in n for n in report.notes)


@needs_ocr
def test_control_map_legend_makes_a_perekop_line_no_proof(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One fill, state borders and a line at Perekop: Crimea cut off as another country's,
    # unless the legend says the map shows occupation (the line of control of 2014-2022).
    reg, size = projection(REGIONAL, 900)
    one = maps.UKRAINE
    style = Style(
        russia=one,
        ukraine=one,
        borders=maps.BLACK,
        perekop_line=True,
        legend=[("Occupied since 2014", maps.GREY)],
    )
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "control-line.png"
    Image.fromarray(render(style, reg, size)).save(path)
    without = check_file(path, Config(ocr=False))
    assert without.verdict is Verdict.FLAG
    assert {f.code for f in without.findings} == {"MI203"}
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.UNDETERMINED, report.notes
    assert any("line of control" in n for n in report.notes), report.notes


@needs_ocr
def test_disputed_legend_over_a_hatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg, size = projection(REGIONAL, 900)
    style = Style(
        hatch=(maps.GREY, 6),
        hatch_mainland=False,
        legend=[
            ("Russia", maps.RUSSIA),
            ("Ukraine", maps.UKRAINE),
            ("Disputed territory", maps.GREY),
        ],
    )
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "disputed.png"
    Image.fromarray(render(style, reg, size)).save(path)
    assert check_file(path, Config(ocr=False)).verdict is Verdict.CLEAN  # a control overlay?
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.WARN, report.notes
    assert {f.code for f in report.findings} == {"MI204"}


def map_of_france(path: Path) -> None:
    img = Image.new("RGB", (900, 700), (170, 211, 223))
    draw = ImageDraw.Draw(img)
    draw.polygon([(150, 80), (700, 60), (780, 600), (120, 640)], fill=(240, 230, 200))
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT), 22) if FONT.exists() else ImageFont.load_default()
    for text, xy in (
        ("Paris", (380, 180)),
        ("Lyon", (520, 420)),
        ("Marseille", (520, 560)),
        ("FRANCE", (300, 320)),
    ):
        draw.text(xy, text, fill=(0, 0, 0), font=font)
    img.save(path)


@needs_ocr
def test_map_of_elsewhere_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imaging, "georeference", _decline)
    path = tmp_path / "france.png"
    map_of_france(path)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is Verdict.CLEAN, report.notes
    assert any("does not show the Black Sea region" in n for n in report.notes)
    assert not any("undetermined" in n for n in report.notes)


def test_map_of_elsewhere_without_ocr_is_undetermined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imaging, "georeference", _decline)
    path = tmp_path / "france.png"
    map_of_france(path)
    report = check_file(path, Config(ocr=False))
    assert report.verdict is Verdict.UNDETERMINED
    assert any("no match for the Black Sea coastline" in n for n in report.notes)


@needs_ocr
def test_text_layer_isolates_lettering() -> None:
    reg, size = projection(REGIONAL, 700)
    rgb = render(Style(labels=[("Kherson", 32.6, 46.7, 16)]), reg, size)
    lines = ocr.read_lines(rgb)
    assert any("Kherson" in ln.text for ln in lines)
    assert np.asarray(ocr.text_layer(Image.fromarray(rgb).convert("L"))).mean() > 240


def test_two_separate_labels_do_not_make_a_conceding_phrase() -> None:
    # "Крим" on the peninsula and "Росія" in the legend, read one after the other.
    lines = [
        OcrLine("Крим", 95.0, (301, 279, 328, 291)),
        OcrLine("Росія", 95.0, (36, 305, 59, 314)),
    ]
    assert ocr.conceding_labels(lines, "map.png", Config()) == []
    # The same words in one label do.
    one = [OcrLine("Крим, Росія", 95.0, (301, 279, 368, 291))]
    assert ocr.conceding_labels(one, "map.png", Config())


def test_country_name_set_on_an_area() -> None:
    mask = np.zeros((100, 200), dtype=bool)
    mask[40:80, 100:180] = True  # say, Crimea under the registration
    lines = [
        OcrLine("Russia", 90.0, (120, 50, 160, 60)),  # on it
        OcrLine("Росія", 90.0, (110, 62, 150, 72)),  # on it, Ukrainian
        OcrLine("Russia", 90.0, (10, 10, 50, 20)),  # elsewhere
        OcrLine("Russian-occupied", 90.0, (110, 45, 170, 55)),  # a control map's wording
        OcrLine("Ukraine", 90.0, (130, 66, 170, 76)),  # another country
    ]
    got = ocr.country_labels_in(lines, mask, "x:Russia")
    assert [ln.text for ln in got] == ["Russia", "Росія"]
    assert [ln.text for ln in ocr.country_labels_in(lines, mask, "x:Ukraine")] == ["Ukraine"]


@pytest.mark.parametrize(
    ("text", "russia"),
    [
        ("Росі:", True),  # "я" read as a colon on a 110m close-up (world-atlas, seed 1)
        ("Роія", True),  # a letter lost
        ("Russi", True),
        ("Rusia", True),
        ("Россия", True),
        ("Рос", False),  # three letters: too little to tell
        ("Рось", False),  # two letters off
        ("Russo", False),
        ("Prussia", True),  # one letter off "Russia": on Crimea, read as Russia's name
        ("Україн", False),  # Ukraine's name, one letter short
        ("Roses", False),
        ("Pocia", True),  # "Росія" read in Latin look-alikes, "я" as "a" (seed 2)
        ("Poccия", True),  # mixed scripts: corrected to Cyrillic first
        ("Pocca", False),  # "росса": two letters off "россия", one off nothing of Russia's
        ("copia", False),  # "соріа": a Latin word, two letters off "росія"
        ("Pacific", False),
    ],
)
def test_country_name_one_letter_off(text: str, russia: bool) -> None:
    mask = np.ones((100, 200), dtype=bool)
    lines = [OcrLine(text, 90.0, (120, 50, 160, 60))]
    assert bool(ocr.country_labels_in(lines, mask, "x:Russia")) is russia


def test_a_label_on_a_legend_box_is_not_on_the_fill() -> None:
    from checker.imaging import _on_fill
    from checker.imaging.decide import srgb_to_lab

    fill = (210, 180, 140)
    rgb = np.zeros((60, 120, 3), dtype=np.uint8)
    rgb[:] = fill
    rgb[20:30, 20:50] = (30, 30, 30)  # the letters, set on the fill
    rgb[5:55, 65:115] = (255, 255, 255)  # a legend box over the area
    rgb[20:30, 75:105] = (30, 30, 30)  # letters on the legend box
    lab = [float(v) for v in srgb_to_lab(np.array(fill, dtype=np.uint8))]
    assert _on_fill(rgb, (20, 20, 50, 30), lab)
    assert not _on_fill(rgb, (75, 20, 105, 30), lab)


@pytest.mark.skipif(not BOLD.exists(), reason="DejaVu Sans Bold is not installed")
def test_bold_cyrillic_letters_stay_in_the_text_layer() -> None:
    # Bold "и" and "ж" at 14 px fill 0.85-0.9 of their box: not legend swatches.
    img = Image.new("L", (360, 60), 235)
    draw = ImageDraw.Draw(img)
    draw.text((10, 15), "Бразилия Жиляни", fill=0, font=ImageFont.truetype(str(BOLD), 19))
    ink = np.asarray(img) < 128
    layer = np.asarray(ocr.text_layer(img)) < 128
    assert (layer & ink).sum() >= 0.95 * ink.sum()


@pytest.mark.parametrize(
    ("first", "again", "found"),
    [
        # Part of a label set over a coastline, read whole the second time.
        ("of Crimea", "Republic of Crimea", "Republic of Crimea"),
        ("Крым", "Республика Крым", "Республика Крым"),
        # ... with a slip in a word both readings hold: the first reading's word stands.
        ("of Crimea", "Republic of Crime:", "Republic of Crimea"),
        ("of Crimea", "Republic of Crimes", "Republic of Crimea"),
        ("of Crimea", "Republic of,Crime:", "republic of crimea"),
        # The second reading says no more, or says Ukraine's name.
        ("of Crimea", "of Crimea", None),
        ("Crimea", "Autonomous Republic of Crimea", None),
        ("Crimea", "Autonomous Republic of Crimes", None),
        # A second reading that drops the first one's words is not trusted: more than one slip
        # in a word, or any slip in a short one.
        ("of Crimea", "Republic of Cramps", None),
        ("of Crimea", "Republic if Crimea", None),
        # "Autonomous" read as noise in three languages, and as itself in English alone.
        ("of Crimea", "лото Republic of Crimea", None),
    ],
)
def test_crimea_labels_completed_in_context(
    first: str, again: str, found: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int, int, int]] = []

    def reread(
        rgb: Any, box: tuple[int, int, int, int], langs: Any = None, zoom: Any = None
    ) -> str:
        if langs is not None:  # in one script alone
            return "Autonomous Republic of Crimea"
        calls.append(box)
        return again

    monkeypatch.setattr(ocr, "reread", reread)
    rgb = np.zeros((20, 20, 3), dtype=np.uint8)
    lines = [line(first), OcrLine("Kherson", 90.0, (50, 50, 90, 60))]
    hits = ocr.completed(rgb, lines, [], "m.png", Config())
    assert bool(hits) is (found is not None)
    assert calls == [(0, 0, 10, 10)]  # only the line naming Crimea is read again
    if found:
        assert hits[0].text == found and hits[0].via.endswith("(read again)")


# --- haloed lettering ----------------------------------------------------------------------------


def _haloed(fill: tuple[int, int, int], halo: tuple[int, int, int] | None) -> Any:
    """Words in dark grey on a country's fill, with a light halo or without one, drawn three
    times larger and shrunk, as map renderers anti-alias (the halo ends up 1-2 px wide), in
    a monospaced font (whose narrow letters leave room between the halos)."""
    big = Image.new("RGB", (1080, 540), (224, 236, 244))  # the sea: most of the picture
    draw = ImageDraw.Draw(big)
    draw.rectangle((0, 0, 1080, 260), fill=fill)
    font = ImageFont.truetype(str(MONO), 45)
    for text, xy in (("Bolivia", (90, 60)), ("Paraguay", (570, 150))):
        stroke = {} if halo is None else {"stroke_width": 5, "stroke_fill": halo}
        draw.text(xy, text, fill=(30, 30, 30), font=font, **stroke)
    return np.asarray(big.resize((360, 180), Image.Resampling.BOX))


@pytest.mark.skipif(not MONO.exists(), reason="DejaVu Sans Mono is not installed")
@pytest.mark.parametrize(
    ("fill", "halo", "pockets"),
    [
        ((176, 32, 58), (224, 236, 244), True),  # dark red fill, light halo
        ((54, 118, 229), (255, 255, 255), True),  # blue fill, white halo
        ((176, 32, 58), None, False),  # no halo: the fill is never ink
        ((250, 230, 120), (255, 255, 255), False),  # light fill: no pocket darker than a stroke
    ],
    ids=["red-halo", "blue-halo", "red-plain", "yellow-halo"],
)
def test_fill_between_haloed_letters_is_not_ink(
    fill: tuple[int, int, int], halo: tuple[int, int, int] | None, pockets: bool
) -> None:
    rgb = _haloed(fill, halo)
    picture = Image.fromarray(rgb)
    layer = np.asarray(ocr._text_layer(picture.convert("L"), colours=rgb)[0])
    plain = np.asarray(ocr._text_layer(picture.convert("L"))[0])
    if not pockets:
        assert np.array_equal(layer, plain)  # nothing between letters and fill to take out
        return
    # Fill-coloured pixels drawn dark: what tesseract would take for letter ink.
    of_fill = np.sqrt(((rgb.astype(float) - np.array(fill)) ** 2).sum(axis=2)) < 30
    assert int((of_fill & (plain < 128)).sum()) > 50
    assert int((of_fill & (layer < 128)).sum()) == 0
    # The letters themselves stay.
    letters = rgb.sum(axis=2) < 3 * 60
    assert float((layer[letters] < 128).mean()) > 0.9


@needs_ocr
@pytest.mark.skipif(not MONO.exists(), reason="DejaVu Sans Mono is not installed")
def test_haloed_labels_are_read() -> None:
    rgb = _haloed((176, 32, 58), (224, 236, 244))
    text = " ".join(line.text for line in ocr.read_lines(rgb))
    assert "Bolivia" in text and "Paraguay" in text


@pytest.mark.parametrize(
    ("old", "same"),
    [
        ((100, 50, 160, 62), True),  # the same word, read before
        ((90, 48, 170, 66), True),  # a little larger
        ((93, 25, 144, 163), False),  # a doubted ";" 138 px tall over a coast (seed 3)
        ((200, 50, 260, 62), False),  # beside it
    ],
)
def test_a_line_read_closer_is_new_unless_read_before_at_its_size(
    old: tuple[int, int, int, int], same: bool
) -> None:
    assert ocr._read_before((105, 52, 150, 63), old) is same
