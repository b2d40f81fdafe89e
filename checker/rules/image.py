"""MI2xx: map pictures that draw Crimea or the occupied mainland as Russian.

Every rule reads the same :class:`ImageContext`: the decision of :mod:`checker.imaging.decide`
(colours sampled inside the reference regions projected into the picture by its registration,
and borders probed at Perekop and in the Kerch Strait), label text read by OCR, and an SVG's own
element labels. Rules report what was measured; the profile decides the severity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.model import POLICY_OBLASTS, Category, Location, RawFinding
from checker.rules.registry import register

if TYPE_CHECKING:
    from checker.imaging.decide import Assessment, ImageDecision
    from checker.imaging.ocr import LabelHit
    from checker.imaging.svg import SvgHit, SvgSubject

FIX_COLOUR = (
    "Fill Crimea and Sevastopol with Ukraine's colour and draw the Russia–Ukraine border along "
    "the Kerch Strait, not across the Perekop isthmus. To show Russian control, hatch Crimea over "
    "Ukraine's fill and say 'Russian-occupied' in the legend."
)
FIX_OBLAST = (
    "Fill Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts with Ukraine's colour; show the "
    "occupied areas with an 'occupied' or 'Russian-controlled' overlay and a legend, not with "
    "Russia's fill."
)
FIX_LINES = (
    "Remove the border line across the Perekop isthmus and draw the Russia–Ukraine border along "
    "the Kerch Strait (dashed if it is a line of control, with a legend)."
)
FIX_DISPUTED = (
    "Draw Crimea in Ukraine's colour; if Russian occupation matters to the map, add an "
    "'occupied' overlay and legend rather than a neutral 'disputed' fill."
)
FIX_LABEL = (
    "Label it 'Autonomous Republic of Crimea' / 'Crimea (Ukraine)' ('Автономна Республіка Крим', "
    "'Автономная Республика Крым'), or 'Russian-occupied Crimea'."
)
FIX_SVG = (
    "Move the Crimea sub-path out of the Russia element into Ukraine's (or use geodata that "
    "follows UN borders, e.g. a Natural Earth point-of-view file other than RUS)."
)


@dataclass
class ImageContext:
    """What an image rule gets: the input name, the decision and the extra evidence."""

    path: str
    decision: ImageDecision
    labels: list[LabelHit] = field(default_factory=list)
    svg_hits: list[SvgHit] = field(default_factory=list)
    #: SVG elements coded as the Russian subjects made of the occupied oblasts (MI208).
    svg_subjects: list[SvgSubject] = field(default_factory=list)
    #: Analysed pixels per original pixel (pixel boxes are reported in original pixels).
    scale: float = 1.0
    evidence_picture: str | None = None


def original_box(
    box: tuple[int, int, int, int] | None, scale: float
) -> tuple[int, int, int, int] | None:
    """A pixel box of the analysed picture in the original picture's pixels."""
    if box is None:
        return None
    if scale == 1.0:
        return box
    x0, y0, x1, y1 = box
    return (int(x0 / scale), int(y0 / scale), round(x1 / scale), round(y1 / scale))


def _sentence(reasons: list[str]) -> str:
    text = "; ".join(reasons)
    return (text[:1].upper() + text[1:] + ".") if text else ""


def _location(ctx: ImageContext, assessment: Assessment) -> Location:
    return Location(
        path=ctx.path,
        pixel_box=original_box(assessment.pixel_box, ctx.scale),
        lonlat=assessment.lonlat,
    )


def _evidence(ctx: ImageContext, assessment: Assessment | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if assessment is not None:
        out.update(assessment.evidence)
        out["assessment"] = assessment.to_dict()
    reg = ctx.decision.registration_evidence()
    if reg:
        out["registration"] = reg
    if ctx.evidence_picture:
        out["evidence_picture"] = ctx.evidence_picture
    return out


def _area_finding(
    ctx: ImageContext, code: str, area: Assessment, suggestion: str, identity: str
) -> RawFinding:
    """The finding of a rule that reports one area's verdict (Crimea or the mainland) as it is:
    its reasons as the message, its pixel box, confidence and evidence."""
    return RawFinding(
        code=code,
        message=_sentence(area.reasons),
        location=_location(ctx, area),
        confidence=area.confidence,
        evidence=_evidence(ctx, area),
        suggestion=suggestion,
        identity=identity,
    )


@register("MI201", "image.crimea-in-russia-colour", Category.CONCEDES, "image")
def crimea_in_russia_colour(ctx: ImageContext) -> Iterator[RawFinding]:
    """Crimea is filled with Russia's colour, unlike the rest of Ukraine.

    The map is georeferenced (by its metadata, or by matching the Black Sea and Azov coastline
    and the land borders, searched from scratch or from where its city labels or its land and
    sea put it), Crimea's reference outline is projected into it, and the dominant
    colour inside (a robust mode in CIE Lab over the eroded interior, ignoring labels and
    borders) is compared with Russia's near the border and unoccupied Ukraine's: within
    CIEDE2000 6 of Russia and at least 10 from Ukraine. Crimea must be at least 20 px across;
    below that no verdict is given. Where the colours alone cannot settle it (Russia off a
    close-up), a legend read by OCR can: Crimea in the colour of the swatch beside "Russia",
    while the map gives Ukraine another colour (its own swatch, or its fill in the picture).

    Bad: a political map with Russia and Crimea in the same pink, Ukraine in yellow.
    Good: Crimea in Ukraine's yellow (with an "occupied" hatch and legend if control is shown).
    """
    d = ctx.decision
    a = d.crimea
    if a.outcome != "depicts-as-russia" or a.basis != "colour":
        return
    yield _area_finding(ctx, "MI201", a, FIX_COLOUR, "crimea|colour")


@register(
    "MI202",
    "image.occupied-mainland-in-russia-colour",
    Category.CONCEDES,
    "image",
    POLICY_OBLASTS,
)
def occupied_mainland_in_russia_colour(ctx: ImageContext) -> Iterator[RawFinding]:
    """The occupied parts of Donetsk, Luhansk, Zaporizhzhia or Kherson oblast have Russia's fill.

    Sampled inside a conservative core of the areas Russia has held since 2014/2022 (left-bank
    Kherson, southern Zaporizhzhia, south-eastern Donetsk, most of Luhansk), so the rule holds
    whichever year a map shows. A third colour there, or a hatch over Ukraine's fill, is how
    control maps mark occupation and is not flagged.

    Bad: Russia's pink extended over Mariupol, Melitopol and the left bank of the Dnipro.
    Good: those areas in Ukraine's fill under a red "Russian-occupied" hatch, with a legend.
    """
    a = ctx.decision.mainland
    if a.outcome != "depicts-as-russia" or a.basis != "colour":
        return
    yield _area_finding(ctx, "MI202", a, FIX_OBLAST, "mainland|colour")


@register("MI203", "image.perekop-border", Category.CONCEDES, "image")
def perekop_border(ctx: ImageContext) -> Iterator[RawFinding]:
    """A border is drawn across the Perekop isthmus and none down the Kerch Strait.

    For maps that fill Russia and Ukraine alike (outline-only and single-colour maps): short
    transects cross the reference boundary between Kherson oblast and Crimea (Perekop, Chonhar,
    the Arabat Spit); a line crossing most of them, none in the Kerch Strait, and no oblast
    borders drawn elsewhere (which would make it Crimea's internal border) separate Crimea from
    Ukraine. Maps drawn from coarse data (Natural Earth 1:110m, world-atlas) put that border
    kilometres off the true line, where few transects cross it; there a line that walls the
    fill of Crimea off from the fill of the mainland next to it, long, thin and not a graticule
    line running on past its ends, counts as the same border. Where the Kerch Strait and the
    Russia–Ukraine border cannot be read either, a solid line across Perekop in the ink of the
    lines the transects did catch along the Russia–Ukraine border, with no oblast border drawn,
    counts too.

    Bad: an outline map whose Russia–Ukraine border runs across the isthmus north of Crimea.
    Good: no state border at Perekop; the border runs down the Kerch Strait.
    """
    a = ctx.decision.crimea
    if a.outcome != "depicts-as-russia" or a.basis != "lines":
        return
    yield _area_finding(ctx, "MI203", a, FIX_LINES, "crimea|lines")


@register("MI204", "image.crimea-disputed-style", Category.DISPUTES, "image")
def crimea_disputed_style(ctx: ImageContext) -> Iterator[RawFinding]:
    """Crimea is drawn in a third colour, grey, hatched or behind a dashed border ("disputed").

    Neither Russia's fill nor Ukraine's: the neutral treatment that presents Ukraine's
    territory as contested. A third colour that Crimea shares with the occupied mainland under a
    legend reading "occupied"/"under Russian control" is a control map and is not flagged.

    Bad: Crimea in grey with a dashed line at Perekop on a map with Ukraine in yellow.
    Good: Crimea in Ukraine's colour, with an "occupied" overlay and legend if control is shown.
    """
    a = ctx.decision.crimea
    if a.outcome != "disputed":
        return
    yield _area_finding(ctx, "MI204", a, FIX_DISPUTED, "crimea|disputed")


@register("MI205", "image.conceding-label", Category.CONCEDES, "image")
def conceding_label(ctx: ImageContext) -> Iterator[RawFinding]:
    """A label read from the picture (OCR, eng+ukr+rus) concedes Russian sovereignty.

    "Республика Крым", "Crimea (Russia)", "Republic of Crimea", "Крым (Россия)": judged by the
    text rules (MT3xx) when they are installed, with their quotation and "Autonomous Republic"
    guards; by a short internal list otherwise. OCR runs only when enabled (``--no-ocr`` skips
    it) and tesseract is installed.

    Bad: a label "Республика Крым" over the peninsula.
    Good: "Автономна Республіка Крим", "Crimea (Ukraine)", "Russian-occupied Crimea".
    """
    for hit in ctx.labels:
        box = original_box(hit.box, ctx.scale)
        evidence = _evidence(ctx)
        evidence.update(
            {
                "ocr_text": hit.text,
                "ocr_confidence": round(hit.conf, 1),
                "judged_by": hit.via,
                "why": hit.matched,
            }
        )
        yield RawFinding(
            code="MI205",
            message=f"A label on the map reads {hit.text!r}, which concedes Russian sovereignty "
            f"({hit.matched if hit.via in ('internal', 'placement') else 'judged by ' + hit.via}).",
            location=Location(path=ctx.path, pixel_box=box),
            confidence=hit.confidence,
            evidence=evidence,
            suggestion=FIX_LABEL,
            identity=f"label|{hit.text.casefold()}",
        )


@register("MI206", "image.svg-element-russia", Category.CONCEDES, "image")
def svg_element_russia(ctx: ImageContext) -> Iterator[RawFinding]:
    """An SVG element labelled as Russia (id, class, title or data attribute) covers Crimea.

    The element (``id="RU"``, ``class="ru"``, ``<title>Russia</title>``, ``data-iso="RUS"``,
    amCharts' ``RU-CR``/``RU-SEV`` …) is rendered alone; when its pixels cover at least half of
    Crimea under the map's registration (or, when the map cannot be registered, the place below
    the SVG's own Ukraine element where Crimea lies, rendered again around Ukraine on world
    maps), Crimea belongs to Russia in the file itself. So it does when an element names itself
    Crimea or Sevastopol and says it is Russia's: its own description gives Russia as the
    country (Highcharts' map downloads), or a group labelled Russia holds it. A group that also
    covers most of unoccupied Ukraine is a container, not Russia, and is ignored. Elements
    that name themselves Crimea and Sevastopol give a finding each. The other way
    round, a Ukraine element covering Crimea settles an otherwise undetermined SVG as drawing
    Crimea in Ukraine.

    Bad: ``<path id="RU" d="… M 470,320 …"/>`` whose sub-path is the Crimean peninsula.
    Good: the Crimea sub-path inside ``<path id="UA" …/>``.
    """
    for hit in ctx.svg_hits:
        evidence = _evidence(ctx)
        evidence.update(hit.to_dict())
        if hit.method == "described":
            message = (
                f"The SVG element {hit.describe()} names itself Crimea or Sevastopol and says "
                "it is Russia's."
            )
        else:
            message = (
                f"The SVG element {hit.describe()} is labelled as Russia and covers "
                f"{hit.share_of_crimea:.0%} of Crimea."
            )
        yield RawFinding(
            code="MI206",
            message=message,
            location=Location(
                path=ctx.path,
                feature_id=hit.element.element_id,
                pixel_box=original_box(hit.box, ctx.scale),
                lonlat=ctx.decision.crimea.lonlat,
            ),
            confidence=hit.confidence,
            evidence=evidence,
            suggestion=FIX_SVG,
            identity=f"svg|{hit.element.element_id or hit.element.label}",
        )


@register(
    "MI207",
    "image.border-around-occupied-oblasts",
    Category.CONCEDES,
    "image",
    POLICY_OBLASTS,
)
def border_around_occupied_oblasts(ctx: ImageContext) -> Iterator[RawFinding]:
    """Russia's border is drawn around the occupied oblasts (and Crimea), not where it is.

    For maps that fill Russia and Ukraine alike: a line runs along the border of Donetsk,
    Luhansk, Zaporizhzhia and Kherson oblasts with the rest of Ukraine, none runs along Russia's
    recognized border with Donetsk and Luhansk oblasts although the border further north is
    drawn, and no other oblast borders are drawn (which would make it an ordinary oblast
    border). Crimea, joined to those oblasts with no line at Perekop, is drawn inside Russia too.

    Bad: an outline map whose Russia–Ukraine border follows the Kherson–Mykolaiv and
    Zaporizhzhia–Dnipropetrovsk oblast borders.
    Good: the border drawn along Russia's recognized border (Luhansk and Donetsk oblasts with
    Rostov), with the line of control dashed and labelled if it is shown.
    """
    areas = [
        a for a in (ctx.decision.mainland, ctx.decision.crimea) if a.basis == "annexation-border"
    ]
    areas = [a for a in areas if a.outcome == "depicts-as-russia"]
    if not areas:
        return
    main = areas[0]
    names = " and ".join("Crimea" if a.area == "crimea" else "the occupied oblasts" for a in areas)
    yield RawFinding(
        code="MI207",
        message=f"{names[:1].upper()}{names[1:]} {'is' if names == 'Crimea' else 'are'} drawn "
        "inside Russia's claimed border: " + main.reasons[0] + ".",
        location=_location(ctx, main),
        confidence=max(a.confidence for a in areas),
        evidence=_evidence(ctx, main),
        suggestion=FIX_OBLAST,
        identity="annexation-border",
    )


@register(
    "MI208",
    "image.svg-element-russian-subject",
    Category.CONCEDES,
    "image",
    POLICY_OBLASTS,
)
def svg_element_russian_subject(ctx: ImageContext) -> Iterator[RawFinding]:
    """An SVG element is coded as the Russian federal subject Russia made of an occupied oblast.

    A map of Russia's regions whose element for Donetsk, Luhansk, Zaporizhzhia or Kherson
    oblast carries Russia's code for it as a subject (``RU-DPR``/``RU-DNR``,
    ``RU-LPR``/``RU-LNR``, ``RU-ZAP``, ``RU-KHE``: the data rules' unambiguous subdivision
    codes, MD403) as its id, class, title or data attribute files the oblast under Russia,
    whatever it draws and wherever it is drawn; so do the spellings that mean the oblast only
    beside its name (``RU-DON``, ``RU-LUG``, ``RU-ZPR``, ``RU-KHS`` …), when the element's own
    title or name is the oblast's ("Донецкая Народная Республика"). Reported once per code, at
    the first element that carries it. Crimea's and Sevastopol's codes (``RU-CR``,
    ``RU-SEV``, and ``RU-CRI``, ``RU-KRY`` titled Crimea) are MI206.

    Bad: ``<g class="RU-DPR region"><title>Donetsk People's Republic</title>…</g>`` beside
    ``<g class="RU-ROS region">`` (Rostov oblast).
    Good: ``<g class="UA-14 region"><title>Donetsk Oblast</title>…</g>`` in Ukraine's map, or
    no such element in a map of Russia's regions.
    """
    from checker.rules.data import region_name

    for subject in ctx.svg_subjects:
        element = subject.element
        name = region_name(subject.region)
        where = repr(element.element_id) if element.element_id else f"<{element.tag}>"
        more = f" ({subject.elements} elements carry it)" if subject.elements > 1 else ""
        yield RawFinding(
            code="MI208",
            message=f"The SVG element {where} is coded {subject.code}, Russia's code for {name} "
            f"as its federal subject{more}; {name} is Ukraine ({subject.region}).",
            location=Location(path=ctx.path, feature_id=element.element_id or subject.code),
            confidence=0.95,
            evidence={
                "code": subject.code,
                "region": subject.region,
                "element": element.element_id,
                "label": element.label[:120],
                "elements": subject.elements,
            },
            suggestion=f"Code the element {subject.region} ({name}, Ukraine) in a map of "
            "Ukraine, or leave the oblast out of a map of Russia's regions; show occupation with "
            "an 'occupied' or 'Russian-controlled' overlay and a legend.",
            identity=f"svg-subject|{subject.code}",
        )
