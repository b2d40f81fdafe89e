"""The image pipeline: map pictures (raster and SVG) in, a :class:`~checker.model.FileReport` out.

Stages, each reporting its evidence:

1. **read** (:mod:`.io`, :mod:`.svg`): decode safely to RGB; GeoTIFF tags or a world file if
   the picture carries georeferencing; an SVG's own Russia/Ukraine element labels;
2. **georeference** (:mod:`.register`): from the metadata, else by matching the reference
   coastline and borders against the picture's edges, with a margin gate;
3. **decide** (:mod:`.decide`): colours and border lines of Crimea and of the occupied
   mainland against Russia, unoccupied Ukraine and the sea;
4. **read labels** (:mod:`.ocr`, last, optional): conceding labels, a control map's legend, and
   place names that show the map is of somewhere else;
5. **rules** (:mod:`checker.rules.image`, MI2xx) → findings, severities by the profile;
6. **evidence picture** (:mod:`.evidence`) when asked for.

When is a picture *not* about Crimea? Only on positive evidence: a registration that puts
Crimea outside the picture; or, when the map cannot be georeferenced, labels that name two or
more places far from the Black Sea and none near it (a map of France), or an SVG whose elements
carry five or more other countries' codes and none of the region's. Then the verdict is
``clean`` with the note "the map does not show the Black Sea region". A failed registration on
its own proves nothing (a badly drawn map of the region fails too), so without such evidence
the verdict stays ``undetermined``, with the registration's reason.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.model import FileReport, RawFinding, Verdict, verdict_for

if TYPE_CHECKING:
    from checker.config import Config
    from checker.imaging.decide import ImageDecision, LineProbe, RegistrationLike
    from checker.imaging.io import LoadedImage
    from checker.imaging.locate import Location
    from checker.imaging.ocr import OcrResult
    from checker.imaging.svg import SvgInfo
    from checker.readers.base import Source

#: Work the coastline search may spend on one picture, in CPU seconds of the reference machine
#: (counted, not timed: :mod:`checker.imaging._work`).
REGISTRATION_BUDGET_S = 1.5
NOT_THIS_REGION = "the map does not show the Black Sea region"


def check_image(source: Source, fmt: str, config: Config) -> FileReport:
    """Check one picture (PNG, JPEG, WebP, GIF, BMP, TIFF or SVG): verdict, findings, notes."""
    from checker.imaging import decide as dec

    svg_info: SvgInfo | None = None
    kit_note = None
    if fmt in ("svg", "svgkit"):
        from checker.imaging.svg import read_svg, svg_from_kit

        if fmt == "svgkit":
            source, kit_note = svg_from_kit(source)
        loaded, svg_info = read_svg(source)
        if kit_note:
            loaded.notes.insert(0, kit_note)
    else:
        from checker.imaging.io import read_image

        loaded = read_image(source, fmt)
    notes = list(loaded.notes)
    if loaded.unusable:
        return FileReport(
            path=source.name,
            kind="image",
            verdict=Verdict.UNDETERMINED,
            notes=(*notes, loaded.unusable),
        )
    started = time.monotonic()
    reg, reason = georeference(loaded, notes)
    ocr_result = _read_labels(loaded, source.name, config, notes)
    located: Location | None = None
    # Labels that put the picture elsewhere leave nothing to place by labels or by land and sea.
    if reg is None and not _labels_elsewhere(ocr_result, loaded.rgb):
        if ocr_result is not None:
            reg = _register_by_labels(loaded.rgb, ocr_result, source.name, config, notes)
        if reg is None:
            placed, located = _register_located(loaded.rgb, svg_info, notes)
            if placed is not None:
                reg, reason = placed, ""
    decision = dec.decide(loaded.rgb, reg, reason)
    if ocr_result is not None:
        _read_more(decision, ocr_result, loaded.rgb, source.name, config, notes)
    _combine(decision, ocr_result, svg_info, loaded.rgb, located)
    svg_hits = _svg_hits(svg_info, decision)
    if svg_info is not None and not svg_hits:
        _svg_ukraine(decision, svg_info)

    from checker.engine import finalize
    from checker.rules.image import ImageContext
    from checker.rules.registry import rules_for

    picture_path = None
    if config.evidence_dir is not None:
        from checker.imaging.evidence import picture_name

        picture_path = str(config.evidence_dir / picture_name(source.name))
    ctx = ImageContext(
        path=source.name,
        decision=decision,
        labels=list(ocr_result.labels) if ocr_result else [],
        svg_hits=svg_hits,
        svg_subjects=svg_info.subjects if svg_info is not None else [],
        scale=loaded.scale,
        evidence_picture=picture_path,
    )
    raw: list[RawFinding] = []
    for rule in rules_for("image"):
        if rule.code in config.disable or rule.check is None:
            continue
        raw.extend(rule.check(ctx))
    findings = finalize(source.name, raw, config)
    reasons, side_notes = _undetermined_reasons(decision)
    verdict = verdict_for(findings, bool(reasons))
    summary = _summary(decision)
    out_notes: list[str] = []
    elsewhere = [f"{NOT_THIS_REGION}: {decision.elsewhere}"] if decision.elsewhere else []
    if not findings:
        out_notes.extend(elsewhere)
    # What decided the verdict first (reporters and benches show the first note), then how.
    undetermined_first = verdict is Verdict.UNDETERMINED
    out_notes.extend(reasons if undetermined_first else [])
    out_notes.extend(summary)
    out_notes.extend([] if undetermined_first else reasons)
    out_notes.extend(side_notes)
    out_notes.extend(notes)
    out_notes.append(f"image analysed in {time.monotonic() - started:.2f} s")
    notes = out_notes
    if config.evidence_dir is not None:
        from checker.imaging import evidence

        try:
            written = evidence.write(
                config.evidence_dir,
                source.name,
                loaded.rgb,
                decision,
                verdict.value,
                [*summary, *reasons, *side_notes, *([] if findings else elsewhere)],
            )
            notes.append(f"evidence picture: {written}")
        except OSError as exc:
            notes.append(f"the evidence picture could not be written: {exc}")
    return FileReport(
        path=source.name,
        kind="image",
        verdict=verdict,
        findings=findings,
        notes=tuple(notes),
    )


def georeference(loaded: LoadedImage, notes: list[str]) -> tuple[RegistrationLike | None, str]:
    """The picture's registration (from its metadata, else from its pixels) or why there is none."""
    if importlib.util.find_spec("checker.imaging.register") is None:
        return None, "not georeferenced: the georeferencing stage is not installed"
    register = importlib.import_module("checker.imaging.register")
    if loaded.geo is not None:
        try:
            reg = register.from_geotransform(loaded.geo.crs, loaded.geo.geotransform)
        except ValueError as exc:
            notes.append(f"the {loaded.geo.source}'s georeferencing is unusable ({exc})")
        else:
            notes.append(f"georeferenced from the {loaded.geo.source} ({reg.projection})")
            if loaded.scale != 1.0:
                reg = _scaled(reg, loaded.scale)
            return reg, ""
    result = register.register_reason(loaded.rgb, budget_s=REGISTRATION_BUDGET_S)
    if result.registration is None:
        return None, str(result.reason)
    reg = result.registration
    notes.append(
        f"georeferenced by the coastline ({reg.projection}"
        + (f", {reg.lines} lines" if reg.lines else "")
        + f", score {reg.score:.1f}, margin {reg.margin:.1f})"
    )
    return reg, ""


def _labels_elsewhere(result: OcrResult | None, rgb: np.ndarray) -> bool:
    """Whether the labels read so far put the picture in another part of the world."""
    from checker.imaging import ocr

    h, w = rgb.shape[:2]
    return result is not None and ocr.elsewhere(result.places, (w, h)) is not None


def _register_by_labels(
    rgb: np.ndarray, result: OcrResult, name: str, config: Config, notes: list[str]
) -> Any:
    """When the coastline search found nothing: georeference by the place names read
    (:mod:`.anchors`), refined by the coastline from there when it fits, else by the labels
    alone when enough of them agree. A picture that names a city of the region but too few
    for a fit has its unread lettering read first (what :func:`_read_more` would do later)."""
    from checker.imaging import anchors, ocr

    h, w = rgb.shape[:2]
    cities = anchors.city_labels(result.places)
    if not any(p.area == "region" for p in cities):
        return None
    if len({p.box for p in cities}) < anchors.MIN_ANCHORS and not result.reread:
        new = ocr.second_reading(rgb, result.marks, [*result.lines, *result.faint])
        result.reread = True
        if new:
            result.lines += new
            _judge_lines(result, new, rgb, name, config, notes)
            notes.append(f"{len(new)} more line(s) read for place names to georeference by")
    found = anchors.fit(anchors.find_anchors(rgb, result.places), (w, h))
    if found is None or not anchors.holds_crimea(found, (w, h)):
        return None
    reg = _coastline_from(
        rgb, anchors.register_pose(found), "its place labels put it", found.text(), notes
    )
    if reg is not None:
        return dataclasses.replace(reg, anchors=found.points)
    if not found.standalone:
        notes.append(
            f"its place labels put Crimea in the picture ({found.text()}), but too few agree "
            "to georeference by them alone, and the coastline does not fit from there"
        )
        return None
    notes.append(
        f"georeferenced by its place labels ({found.text()}); the coastline does not fit "
        "closely enough to refine it"
    )
    return anchors.registration(found)


def _register_located(
    rgb: np.ndarray, svg: SvgInfo | None, notes: list[str]
) -> tuple[Any, Location | None]:
    """When the coastline search found nothing and neither the labels (checked by the caller)
    nor the SVG's ids put the picture elsewhere: ask the map locator where it is, and when that
    place may hold Crimea, fit the coastline again from there (a map of the Indian Ocean with
    Crimea in its corner is found by its land and sea, not by the search around Crimea).
    Returns the registration (or ``None``) and the place (kept for the decision:
    :func:`_combine` says "not shown" from it)."""
    from checker.imaging import locate
    from checker.imaging import svg as svgmod

    h, w = rgb.shape[:2]
    if svg is not None and svgmod.elsewhere(svg.country_codes) is not None:
        return None, None
    found = locate.locate(rgb)
    if found is None or not locate.holds_crimea(found):
        return None, found
    pose = locate.registration_pose(found, w, h)
    if pose is None:
        return None, found
    by = f"{locate.matched_by(found)} put it"
    reg = _coastline_from(rgb, pose, by, locate.place_text(found), notes)
    return reg, found


def _coastline_from(
    rgb: np.ndarray,
    pose: tuple[str, tuple[float, float], tuple[float, float]],
    by: str,
    detail: str,
    notes: list[str],
) -> Any:
    """The coastline fitted from a pose found ``by`` other means (``register_near``), noted
    with ``detail`` when it holds; else ``None``."""
    from checker.imaging import register

    projection, scale, shift = pose
    reg = register.register_near(
        rgb, projection, scale, shift, budget_s=REGISTRATION_BUDGET_S
    ).registration
    if reg is not None:
        notes.append(
            f"georeferenced by the coastline from where {by} "
            f"({detail}; {reg.projection}, score {reg.score:.1f})"
        )
    return reg


def _scaled(reg: Any, scale: float) -> Any:
    """A registration of the original pixels, moved to the downsampled analysis grid."""
    inner = reg.to_pixel

    def to_pixel(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = inner(lon, lat)
        return np.asarray(x) * scale, np.asarray(y) * scale

    return dataclasses.replace(reg, to_pixel=to_pixel, crimea_px=reg.crimea_px * scale)


def _read_labels(
    loaded: LoadedImage, name: str, config: Config, notes: list[str]
) -> OcrResult | None:
    """OCR, last (see :mod:`.ocr`)."""
    from checker.imaging import ocr
    from checker.tesseract import OcrError

    if not config.ocr:
        notes.append("OCR is off (--no-ocr): label text was not read")
        return None
    why = ocr.unavailable()
    if why is not None:
        notes.append(why + "; label text was not read")
        return None
    started = time.monotonic()
    # One call over the whole picture: a crop around Crimea would miss the legend and the
    # place names.
    try:
        result = ocr.read_page(loaded.rgb)
    except OcrError as exc:  # tesseract broken here (its language data unreadable, …)
        notes.append(f"OCR failed ({exc}); label text was not read")
        return None
    _judge_lines(result, result.lines, loaded.rgb, name, config, notes)
    result.places += ocr.faint_places(result.faint, result.places)
    result.seconds = time.monotonic() - started
    notes.append(f"OCR read {len(result.lines)} line(s) of text ({result.seconds:.2f} s)")
    return result


def _judge_lines(
    result: OcrResult,
    lines: list[Any],
    rgb: np.ndarray,
    name: str,
    config: Config,
    notes: list[str],
) -> None:
    """Add to ``result`` what ``lines`` of it say: conceding labels (confirmed and completed by
    reading further, :func:`.ocr.confirmed`, :func:`.ocr.completed`), legend and "disputed"
    wording, and the places they name."""
    from checker.imaging import ocr

    labels, dropped = ocr.confirmed(rgb, ocr.conceding_labels(lines, name, config), name, config)
    labels += ocr.completed(rgb, lines, [*result.labels, *labels], name, config)
    result.labels += labels
    notes.extend(dropped)
    result.legend += ocr.legend_terms(lines)
    result.disputed += ocr.disputed_terms(lines)
    known = {p.place_id for p in result.places}
    result.places += [p for p in ocr.place_hits(lines) if p.place_id not in known]


#: Crimea's box is grown by this share of its size on each side for a closer look (labels set
#: over its coast or just off it).
CLOSER_MARGIN = 0.25


def _read_more(
    decision: ImageDecision,
    result: OcrResult,
    rgb: np.ndarray,
    name: str,
    config: Config,
    notes: list[str],
) -> None:
    """When the picture leaves Crimea undetermined, read more of its lettering before giving
    up: a label may settle what the fills do not.

    - On a georeferenced picture, the area around Crimea is read again closer
      (:func:`.ocr.closer_look`): "Республика Крым", or a country's name set on it.
    - Then the lettering the first reading left unread (:func:`.ocr.second_reading`): a small
      legend, or the place names that show a map is of somewhere else.

    A Crimea found in Ukraine's fill with Russia out of the picture gets the closer look too:
    with nothing to compare, the colours say little (a map may fill Russia like Ukraine), and a
    label set on Crimea is then the best evidence there is.

    The lines found are added to ``result`` and judged like the first reading's."""
    from checker.imaging import decide as dec
    from checker.imaging import ocr

    weak = (
        decision.crimea.outcome == dec.UKRAINE
        and decision.crimea.basis == "colour"
        and "russia" not in decision.samples
    )
    if decision.crimea.outcome != dec.UNDETERMINED and not weak:
        return
    started = time.monotonic()
    new: list[ocr.OcrLine] = []
    sample = decision.samples.get("crimea")
    box = dec.mask_box(sample.mask) if sample is not None and sample.mask is not None else None
    if decision.registration is not None and box is not None:
        x0, y0, x1, y1 = box
        mx = int(CLOSER_MARGIN * (x1 - x0)) + 8
        my = int(CLOSER_MARGIN * (y1 - y0)) + 8
        new += ocr.closer_look(rgb, (x0 - mx, y0 - my, x1 + mx, y1 + my), result.lines)
    if not result.reread and not weak:
        new += ocr.second_reading(rgb, result.marks, [*result.lines, *result.faint, *new])
        result.reread = True
    if not new:
        return
    result.lines += new
    _judge_lines(result, new, rgb, name, config, notes)
    why = "Crimea's colour compared with Ukraine's only" if weak else "Crimea undetermined"
    notes.append(f"{why}: {len(new)} more line(s) read closer ({time.monotonic() - started:.2f} s)")


def _combine(
    decision: ImageDecision,
    result: OcrResult | None,
    svg: SvgInfo | None,
    rgb: np.ndarray | None = None,
    located: Location | None = None,
) -> None:
    """Fold label and SVG evidence, and the map locator's place, into the assessments."""
    from checker.imaging import decide as dec
    from checker.imaging import ocr
    from checker.imaging import svg as svgmod

    crimea = decision.crimea
    overlay = bool(
        crimea.evidence.get("control_overlay") or crimea.evidence.get("shared_with_mainland")
    )
    if result is not None and result.disputed and not result.legend and overlay:
        words = "; ".join(repr(t) for t in result.disputed[:3])
        decision.crimea = dataclasses.replace(
            crimea,
            outcome=dec.DISPUTED,
            confidence=0.7,
            reasons=[
                "Crimea is set apart from Ukraine by a hatch or overlay colour and the legend "
                f"reads {words}: the 'disputed' treatment"
            ],
            evidence={**crimea.evidence, "legend": result.disputed[:5]},
        )
        crimea = decision.crimea
    if result is not None and result.legend:
        legend = "; ".join(repr(t) for t in result.legend[:3])
        if crimea.outcome == dec.UNDETERMINED and crimea.evidence.get("shared_with_mainland"):
            decision.crimea = dataclasses.replace(
                crimea,
                outcome=dec.UKRAINE,
                confidence=0.7,
                reasons=[
                    "Crimea shares the occupied mainland's overlay colour and the legend reads "
                    f"{legend}: a control map showing occupation, not Russian territory",
                ],
                evidence={**crimea.evidence, "legend": result.legend[:5]},
            )
        elif crimea.outcome == dec.RUSSIA and crimea.basis in ("colour", "lines"):
            # A control map may fill the occupied areas in Russia's colour, or outline them:
            # a line at Perekop is then the line of control of 2014-2022.
            may = (
                "show Russian control in Russia's colour"
                if crimea.basis == "colour"
                else "draw the line of control at Perekop"
            )
            decision.crimea = dataclasses.replace(
                crimea,
                outcome=dec.UNDETERMINED,
                confidence=0.0,
                reasons=[
                    *crimea.reasons,
                    f"but the legend reads {legend}: the map may {may}; check its legend",
                ],
                evidence={**crimea.evidence, "legend": result.legend[:5]},
            )
    crimea = decision.crimea
    if result is not None and crimea.outcome == dec.RUSSIA and crimea.basis == "lines":
        lettering = _lettering_across(decision.lines.get("perekop"), result)
        if lettering:
            decision.crimea = dataclasses.replace(
                crimea,
                outcome=dec.UNDETERMINED,
                confidence=0.0,
                reasons=[*crimea.reasons, lettering],
            )
    if result is not None and decision.registration is not None and rgb is not None:
        _country_label_on_crimea(decision, result, rgb)
        if not result.legend:  # a control map's legend: its colours mean control, not country
            _legend_colours(decision, result, rgb)
    if decision.registration is None:
        if result is not None and decision.elsewhere is None:
            decision.elsewhere = ocr.elsewhere(result.places, (decision.width, decision.height))
        if svg is not None and decision.elsewhere is None:
            decision.elsewhere = svgmod.elsewhere(svg.country_codes)
        if (
            decision.elsewhere is None
            and located is not None
            and _may_locate(decision, result, located)
        ):
            _place(decision, located, _region_names(result))
        if decision.elsewhere is not None:
            for attr in ("crimea", "mainland"):
                setattr(
                    decision,
                    attr,
                    dec.Assessment(attr, dec.NOT_SHOWN, 0.8, [f"{NOT_THIS_REGION}"]),
                )
        elif result is not None and result.region_places:
            names = ", ".join(sorted({p.name for p in result.region_places})[:5])
            decision.notes.append(f"labels name places of the region ({names})")


#: A line read from the areas either side is lettering when this many letter marks lie on it
#: and hold :data:`LETTERING_SHARE` of its pixels.
LETTERING_MARKS = 3
LETTERING_SHARE = 0.8


def _lettering_across(perekop: LineProbe | None, result: OcrResult) -> str:
    """Why the line found between Crimea and the mainland by the areas either side
    (:mod:`.separation`) may be a label set across the neck, or ``""``: a row of letter marks
    (:func:`.ocr.read_page`) holds it, letters that wall the neck off with the coastlines."""
    areas = perekop.areas if perekop is not None else None
    if areas is None or areas.state != "present" or areas.pixels is None:
        return ""
    if result.marks is None or len(result.marks) == 0:
        return ""
    xs, ys = areas.pixels
    on = np.zeros(len(xs), dtype=bool)
    count = 0
    for x0, y0, x1, y1 in result.marks.tolist():
        hit = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
        if hit.any():
            count += 1
            on |= hit
    if count < LETTERING_MARKS or on.mean() < LETTERING_SHARE:
        return ""
    return (
        f"but the line found between Crimea and the mainland lies on {count} letter marks: it "
        "may be a label set across the neck, not a border"
    )


def _may_locate(decision: ImageDecision, result: OcrResult | None, found: Location) -> bool:
    """Whether the map locator may say where a picture that did not georeference is: not when
    its labels name places of the Black Sea region ("Russia" aside: a map of Japan names it), or
    when something already says Crimea is in the picture (its labels or SVG ids).

    One such name is taken for a misreading (OCR reads "Pivdenne" out of a coast's lettering)
    when the place found leads every other place, the Black Sea region's own best included, by
    :data:`LONE_NAME_LEAD` (:func:`_place` says so)."""
    from checker.imaging import decide as dec

    named = _region_names(result)
    if len(named) > 1 or (named and found.agreement - found.runner_up < LONE_NAME_LEAD):
        return False
    return decision.crimea.outcome == dec.UNDETERMINED and decision.mainland.outcome in (
        dec.UNDETERMINED,
        dec.NOT_SHOWN,
    )


def _region_names(result: OcrResult | None) -> list[str]:
    """The places of the Black Sea region the labels name, one name each ("Russia" aside)."""
    from checker.imaging.ocr import WIDE_PLACES

    named = {
        p.place_id: p.name
        for p in (result.region_places if result else [])
        if p.place_id not in WIDE_PLACES
    }
    return list(named.values())


#: How far the located place must lead every other (the Black Sea region included) for one
#: label of the region to be taken for a misreading (:func:`_may_locate`).
LONE_NAME_LEAD = 0.2


def _place(decision: ImageDecision, found: Location, misread: Sequence[str] = ()) -> None:
    """The map locator's place for a picture that did not georeference (see
    :mod:`checker.imaging.locate`): when it leaves Crimea out, say so (``decision.elsewhere``),
    with the one label of the region read that is then taken for a misreading (``misread``,
    see :func:`_may_locate`), and keep it for the evidence picture; when it may hold Crimea,
    note it."""
    from checker.imaging import locate

    why = locate.elsewhere(found)
    if why is not None:
        decision.elsewhere = why
        decision.located = found
        for name in misread:
            decision.notes.append(
                f"the one label of the region read ({name}) is taken for a misreading: "
                f"{locate.matched_by(found)} lead every other place by "
                f"{found.agreement - found.runner_up:.2f}"
            )
    else:
        decision.notes.append(
            f"{locate.matched_by(found)} match the world's coast around "
            f"{locate.place_text(found)}, "
            "a frame that may hold Crimea, but the coastline could not be fitted closely "
            "enough to sample Crimea"
        )


def _country_label_on_crimea(decision: ImageDecision, result: OcrResult, rgb: np.ndarray) -> None:
    """A country's name set on Crimea itself (its centre inside Crimea's interior under the
    registration, on Crimea's own fill, not on a legend box over it): "Russia" there labels
    Crimea as Russia (MI205, whatever the colours say); "Ukraine" there settles an undetermined
    Crimea as Ukraine's."""
    from checker.imaging import decide as dec
    from checker.imaging import ocr

    sample = decision.samples.get("crimea")
    if sample is None or sample.mask is None or decision.crimea.outcome == dec.NOT_SHOWN:
        return
    # The sampling masks are eroded (a registration error margin): grow them back to the
    # outline, and a little over the Perekop gap between Crimea and the mainland.
    grow = int(np.clip(round(1 + decision.crimea_px * 0.02), 1, 8))
    crimea_mask = dec.dilate(sample.mask, grow)
    # The letters must sit on Crimea's fill (or on the water of its bays and the Syvash), not
    # on a legend box or inset laid over it.
    sea = decision.samples.get("sea")
    grounds = [sample.lab] + ([sea.lab] if sea is not None else [])
    where = [(crimea_mask, "Russia's name set on Crimea", grounds)]
    # The occupied mainland filled like Crimea is one area with it: a "Russia" set there names
    # Crimea too (maps place a country's name in the middle of its visible part).
    mainland = decision.samples.get("mainland")
    if (
        mainland is not None
        and mainland.mask is not None
        and dec.de(mainland.lab, sample.lab) < dec.SAME_DE
        and (
            "ukraine" not in decision.samples
            or dec.de(decision.samples["ukraine"].lab, sample.lab) >= dec.DIFF_DE
        )
    ):
        # On the mainland the letters sit on its fill: the sea's colour there is a legend's
        # or an inset's panel (a white legend over the Azov coast), not a bay.
        where.append(
            (
                dec.dilate(sample.mask, grow + 3) | dec.dilate(mainland.mask, grow + 3),
                "Russia's name set on the occupied mainland, which is filled like Crimea "
                "and unlike unoccupied Ukraine",
                [sample.lab],
            )
        )
    # A name beside a swatch of one of the map's fills, on a panel rather than on Crimea's own
    # fill, is a legend's entry, wherever the legend is laid (a city's dot or a coast's bend
    # beside a label is no swatch of a fill; a name on Crimea's fill is a label on Crimea).
    # (Swatches are looked for only when a name stands on such a panel.)
    fills = [smp.lab for key, smp in decision.samples.items() if key != "sea"]

    def legend_entry(box: tuple[int, int, int, int]) -> bool:
        return not _on_fill(rgb, box, sample.lab) and any(
            sw.text_box == box and any(dec.de(sw.lab, fill) < dec.DIFF_DE for fill in fills)
            for sw in _swatches(result, rgb)
        )

    seen: set[tuple[int, int, int, int]] = set()
    for mask, why, ground in where:
        for line in ocr.country_labels_in(result.lines, mask, "x:Russia"):
            if line.box in seen or not _on_fill(rgb, line.box, *ground):
                continue
            if legend_entry(line.box):
                continue
            seen.add(line.box)
            result.labels.append(
                ocr.LabelHit(
                    text=line.text,
                    conf=line.conf,
                    box=line.box,
                    matched=why,
                    via="placement",
                    confidence=round(min(0.9, line.conf / 100.0), 3),
                )
            )
    if any(h.via == "placement" for h in result.labels):
        return
    crimea = decision.crimea
    ukraine = [
        ln
        for ln in ocr.country_labels_in(result.lines, sample.mask, "x:Ukraine")
        if _on_fill(rgb, ln.box, *grounds)
    ]
    if ukraine and crimea.outcome == dec.UNDETERMINED:
        decision.crimea = dataclasses.replace(
            crimea,
            outcome=dec.UKRAINE,
            confidence=0.6,
            basis="labels",
            reasons=[
                f"the label {ukraine[0].text!r} (Ukraine) is set on Crimea, though the colours "
                "alone do not settle it"
            ],
        )


def _swatches(result: OcrResult, rgb: np.ndarray) -> list[Any]:
    """The legend swatches beside the lines read so far (:func:`.legend.country_swatches`),
    found once per set of lines."""
    from checker.imaging import legend

    key = len(result.lines)
    if result.swatches is None or result.swatches[0] != key:
        result.swatches = (key, legend.country_swatches(result.lines, rgb))
    return result.swatches[1]


def _legend_colours(decision: ImageDecision, result: OcrResult, rgb: np.ndarray) -> None:
    """An undetermined Crimea (or occupied mainland) whose fill is the legend's colour for
    Russia, and not its colour for Ukraine, is drawn as Russia (MI201/MI202); the legend's
    colour for Ukraine, and not Russia's, settles it as Ukraine's. This is how a close-up whose
    Russia (or unoccupied Ukraine) is off the picture is read; a legend that gives the two
    countries one colour says nothing."""
    from checker.imaging import decide as dec

    swatches = _swatches(result, rgb)
    ru = [sw for sw in swatches if sw.place_id == "x:Russia"]
    ua = [sw for sw in swatches if sw.place_id == "x:Ukraine"]
    if not ru and not ua:
        return
    if ru and ua and dec.de(ru[0].lab, ua[0].lab) < dec.DIFF_DE:
        return
    names = {"crimea": "Crimea", "mainland": "The occupied mainland"}
    for attr, name in names.items():
        assessment = getattr(decision, attr)
        sample = decision.samples.get(attr)
        if assessment.outcome != dec.UNDETERMINED or sample is None:
            continue
        d_ru = _nearest(sample.lab, ru)
        d_ua = _nearest(sample.lab, ua)
        if d_ru is not None and _only_like(d_ru[0], d_ua[0] if d_ua else None):
            outcome, (d, sw), other, conf = dec.RUSSIA, d_ru, d_ua, 0.7
            # The other country's fill: unoccupied Ukraine; the mainland next to Crimea also
            # shows that the map's Ukraine is not in Russia's colour.
            fills: tuple[str, ...] = ("ukraine", "ukraine-near")
            apart = (*fills, "mainland")
        elif d_ua is not None and _only_like(d_ua[0], d_ru[0] if d_ru else None):
            outcome, (d, sw), other, conf = dec.UKRAINE, d_ua, d_ru, 0.65
            fills = apart = ("russia",)
        else:
            continue
        # The map must tell the two countries apart: by the other country's swatch, or by the
        # other country's fill in the picture. A map that gives Russia and Ukraine one fill,
        # with a legend entry read for only one of them, says nothing about Crimea.
        seen = [decision.samples[k] for k in apart if k != attr and k in decision.samples]
        if other is None and not any(dec.de(x.lab, sw.lab) >= dec.DIFF_DE for x in seen):
            continue
        if any(
            dec.de(decision.samples[k].lab, sw.lab) < dec.SAME_DE
            for k in fills
            if k in decision.samples
        ):
            continue  # the other country is in the picture, in this very colour
        reason = (
            f"{name} is drawn in the legend's colour for {sw.country} ({sample.dominant.hex} vs "
            f"{sw.hex}, ΔE {d:.1f}, beside the entry {sw.text!r})"
        )
        if other is not None:
            reason += f", not in its colour for {other[1].country} ({other[1].hex})"
        setattr(
            decision,
            attr,
            dataclasses.replace(
                assessment,
                outcome=outcome,
                confidence=conf,
                basis="colour",
                reasons=[reason],
                evidence={
                    **assessment.evidence,
                    "legend_swatch": {"country": sw.country, "hex": sw.hex, "box": sw.box},
                },
            ),
        )


def _nearest(lab: Any, swatches: list[Any]) -> tuple[float, Any] | None:
    """The swatch nearest in colour to ``lab`` and its distance (ΔE), or ``None``."""
    from checker.imaging import decide as dec

    if not swatches:
        return None
    dist = [dec.de(lab, sw.lab) for sw in swatches]
    i = min(range(len(dist)), key=dist.__getitem__)
    return dist[i], swatches[i]


def _only_like(near: float, other: float | None) -> bool:
    """A fill as near as ``near`` (ΔE) to one swatch is that swatch's colour, unless it is
    about as near (``other``) to the other country's: it must be a clear difference away from
    that one, or at least twice as near to its own (two swatches of close shades, and a fill
    whose hillshade or texture moves it off its swatch a little)."""
    from checker.imaging import decide as dec

    return near < dec.SAME_DE and (other is None or other >= min(dec.DIFF_DE, 2.0 * near))


def _on_fill(rgb: np.ndarray, box: tuple[int, int, int, int], *fills: Any) -> bool:
    """Whether the commonest colour in a ring a few pixels around ``box`` (around the letters,
    past any halo) is one of ``fills`` (Lab)."""
    from checker.imaging import decide as dec
    from checker.imaging.legend import ring_colour

    lab = ring_colour(rgb, box)
    if lab is None:
        return False
    return any(dec.de(lab, fill) < dec.DIFF_DE for fill in fills)


def _svg_hits(svg: SvgInfo | None, decision: ImageDecision) -> list[Any]:
    from checker.imaging import svg as svgmod

    if svg is None:
        return []
    hits: list[Any] = []
    if "RU" in svg.masks:
        if decision.registration is not None:
            crimea = decision.samples.get("crimea")
            ukraine = decision.samples.get("ukraine")
            hits = svgmod.registered_hits(
                svg,
                crimea.mask if crimea else None,
                ukraine.mask if ukraine else None,
            )
        else:
            hits = svgmod.structural_hits(svg)
    return hits or svgmod.described_hits(svg)


#: Judgements from drawn lines alone (a border across Perekop, a one-colour outline map) that
#: the SVG's own Ukraine element, registered over Crimea, outweighs: a country whose parts are
#: stroked one by one (Highcharts' Europe map outlines Crimea inside Ukraine's path) draws a
#: line across Perekop that no one drew as a border.
_LINE_BASES = frozenset({"annexation-border", "lines"})


def _svg_ukraine(decision: ImageDecision, svg: SvgInfo) -> None:
    """An undetermined Crimea that the SVG's own Ukraine element covers is drawn as Ukraine:
    the file itself says whose it is (the counterpart of MI206). So is a Crimea that only the
    picture's lines put in Russia, when the registered map shows Ukraine's element over it."""
    from checker.imaging import decide as dec
    from checker.imaging import svg as svgmod

    crimea = decision.crimea
    by_lines = crimea.outcome == dec.RUSSIA and crimea.basis in _LINE_BASES
    if crimea.outcome != dec.UNDETERMINED and not by_lines:
        return
    if by_lines and decision.registration is None:
        return  # where Crimea is comes from Ukraine's outline only: not enough to overrule
    sample = decision.samples.get("crimea") if decision.registration is not None else None
    if decision.registration is not None and (sample is None or sample.mask is None):
        return
    held = svgmod.ukraine_holds_crimea(svg, sample.mask if sample is not None else None)
    if held is None:
        return
    decision.crimea = dataclasses.replace(
        crimea,
        outcome=dec.UKRAINE,
        confidence=held.confidence,
        basis="svg",
        reasons=[held.reason(), *(f"from the picture alone: {r}" for r in crimea.reasons[:1])],
        evidence={**crimea.evidence, "svg_ukraine_share": round(held.share, 3)},
    )
    decision.elsewhere = None  # the file's own Ukraine element puts it in this region


def _undetermined_reasons(decision: ImageDecision) -> tuple[list[str], list[str]]:
    """(reasons that make the file undetermined, notes about what could not be judged).

    Crimea decides: an undetermined Crimea makes the file undetermined (the reason always
    given). The occupied mainland does too when Crimea is not in the picture; when Crimea was
    judged, an undetermined mainland (say, a single-fill map whose eastern border is out of
    frame) is reported as a note, not as the file's verdict.
    """
    from checker.imaging import decide as dec

    reasons: list[str] = []
    side: list[str] = []
    crimea, mainland = decision.crimea, decision.mainland
    if crimea.outcome == dec.UNDETERMINED:
        reasons.extend(f"Crimea: undetermined: {r}" for r in crimea.reasons[:2])
    if mainland.outcome == dec.UNDETERMINED:
        texts = [
            f"occupied mainland: undetermined: {r}"
            for r in mainland.reasons[:2]
            if not any(r in x for x in reasons)  # the same reason once is enough
        ]
        if crimea.outcome in (dec.UNDETERMINED, dec.NOT_SHOWN) and decision.elsewhere is None:
            reasons.extend(texts)
        else:
            side.extend(t.replace(": undetermined:", ": not judged:") for t in texts)
    return reasons, side


def _summary(decision: ImageDecision) -> list[str]:
    from checker.imaging import decide as dec

    out = []
    for a in (decision.crimea, decision.mainland):
        if a.outcome in (dec.UNDETERMINED,):
            continue
        area = "Crimea" if a.area == "crimea" else "occupied mainland"
        reason = a.reasons[0] if a.reasons else ""
        out.append(f"{area}: {a.outcome} (confidence {a.confidence:.2f}): {reason}")
    out.extend(decision.notes)
    return out


__all__ = ["check_image", "georeference"]
