"""MG1xx: vector maps whose geometry or attributes show Crimea or occupied oblasts as Russian.

Every rule reads the same :class:`~checker.geo.analysis.VectorAnalysis`: per-feature shares of
each reference region's core that the feature covers, where the feature lies, and who its
attributes (or, lacking any, its shape) say it belongs to. Thresholds are shares of *area*, chosen
to survive 1:110m generalisation (Crimea's core is still ≥ 85 % covered) and coastline slivers
(a neighbour's sliver covers < 2 %).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.geo.attribution import RU, UA, occupied_codes
from checker.model import (
    POLICY_CRIMEA,
    POLICY_OBLASTS,
    Category,
    Location,
    RawFinding,
    policy_for_regions,
)
from checker.reference import MAINLAND_OCCUPIED_CODES, OCCUPIED_REGIONS
from checker.rules.registry import register

if TYPE_CHECKING:
    from checker.geo.analysis import FeatureFacts, VectorAnalysis
    from checker.readers.base import VectorEvidence

#: A Russia feature covering at least this share of a region's core draws it as Russian.
COVER_MIN = 0.15
#: A Ukraine feature (or several) covering at least this share of Crimea's core includes Crimea.
UA_HAS = 0.5

FIX_CRIMEA = (
    "Draw Crimea and Sevastopol as part of Ukraine: move their polygons from the Russia feature "
    "into Ukraine's (`mapcheck fix INPUT -o OUTPUT` does this), or start from a Natural Earth "
    "point-of-view file that follows UN borders (e.g. ne_10m_admin_0_countries_ukr)."
)
FIX_OBLAST = (
    "Draw the oblast within Ukraine's recognized borders; to show Russian control, overlay an "
    "'occupied' or 'Russian-controlled' area over Ukraine's fill with a legend, not Russia's fill."
)


@dataclass
class VectorContext:
    """What a vector rule gets: the input name, the reader's evidence and the shared analysis."""

    path: str
    evidence: VectorEvidence
    analysis: VectorAnalysis


def _location(ctx: VectorContext, fact: FeatureFacts) -> Location:
    return Location(
        path=ctx.path,
        layer=fact.layer,
        feature_index=fact.feature.index,
        feature_id=fact.feature.id,
        properties=_key_properties(fact.feature.properties),
        lonlat=fact.representative,
    )


def _key_properties(props: dict[str, Any], limit: int = 8) -> dict[str, Any]:
    """The few attributes a reader needs to find the feature (names and codes), not all 160."""
    from checker.geo.attribution import (
        CODE_KEYS,
        NAME_KEYS,
        NUMERIC_KEYS,
        SUBDIVISION_KEYS,
        norm_key,
    )

    wanted = CODE_KEYS | NAME_KEYS | NUMERIC_KEYS | SUBDIVISION_KEYS
    out: dict[str, Any] = {}
    for key, value in props.items():
        if norm_key(str(key)) in wanted and isinstance(value, (str, int, float)) and value != "":
            out[str(key)] = value
            if len(out) >= limit:
                break
    return out


def _feature_identity(fact: FeatureFacts) -> str:
    return (
        f"{fact.layer}|{_stable_key(fact.feature.properties, fact.feature.id, fact.feature.index)}"
    )


def _stable_key(props: dict[str, Any], fid: str | None, index: int) -> str:
    """A feature's identity that survives reordering: its id, else its names and codes."""
    if fid is not None:
        return f"id={fid}"
    key = _key_properties(props)
    if key:
        return json.dumps(key, sort_keys=True, ensure_ascii=False, default=str)
    return f"index={index}"  # nothing else identifies an attribute-less feature


def _confidence(fact: FeatureFacts, share: float) -> float:
    base = 0.99 if share >= 0.5 else 0.9
    if fact.identity_how.startswith("shape"):
        base *= 0.85
    elif fact.identity_how.startswith("feature id"):
        base *= 0.95
    return round(base, 3)


def _russia_over(ctx: VectorContext, key: str) -> Iterator[tuple[FeatureFacts, float]]:
    """Russia-identified polygons that cover region ``key`` without being located in it."""
    for fact in ctx.analysis.by_identity(RU):
        if fact.geom_type != "polygon" or fact.located_in(key):
            continue
        share = fact.covers.get(key, 0.0)
        if share >= COVER_MIN:
            yield fact, share


def _ukraine_crimea_share(ctx: VectorContext) -> float:
    return min(1.0, sum(f.covers.get("crimea", 0.0) for f in ctx.analysis.by_identity(UA)))


def _crimea_evidence(fact: FeatureFacts, share: float) -> dict[str, Any]:
    return {
        "region": "UA-43+UA-40",
        "share_of_region_covered": round(share, 4),
        "share_of_UA-43_covered": round(fact.covers.get("UA-43", 0.0), 4),
        "share_of_UA-40_covered": round(fact.covers.get("UA-40", 0.0), 4),
        "identified_by": fact.identity_how,
    }


@register("MG101", "geometry.crimea-in-russia", Category.CONCEDES, "vector")
def crimea_in_russia(ctx: VectorContext) -> Iterator[RawFinding]:
    """Crimea or Sevastopol is drawn inside a feature attributed to Russia.

    The share of Crimea's area (the Autonomous Republic of Crimea and Sevastopol, measured on the
    reference borders shrunk 3 km inward) covered by a Russia feature is the evidence. This is
    what default Natural Earth admin-0 files, npm ``world-atlas``, plotly's world map and old
    geopandas ``naturalearth_lowres`` do: the Crimea polygon is a part of Russia's MultiPolygon.
    Russia is recognised by any attribute convention (ISO_A2/ISO_A3/ADM0_A3/SOV_A3, ISO numeric
    643 or a feature id of 643 in ISO-numeric files, names in English, Ukrainian and Russian,
    ``RU-*`` subdivision codes), or by shape when the file has no attributes at all.

    Bad: ``{"id": "643", "properties": {"name": "Russia"}, "geometry": MultiPolygon[..., Crimea]}``
    Good: Russia's MultiPolygon without the Crimea part; Crimea inside Ukraine's (id 804) feature.
    """
    ua_share = _ukraine_crimea_share(ctx)
    if ua_share >= UA_HAS:
        return  # drawn in both: MG104
    for fact, share in _russia_over(ctx, "crimea"):
        ukraine = ctx.analysis.by_identity(UA)
        tail = ""
        if ukraine and ua_share < 0.05:
            tail = f" Ukraine's feature {ukraine[0].label} is drawn without Crimea."
        yield RawFinding(
            code="MG101",
            message=(
                f"Crimea is drawn as part of Russia: the Russia feature {fact.label} covers "
                f"{share:.0%} of Crimea and Sevastopol.{tail}"
            ),
            location=_location(ctx, fact),
            confidence=_confidence(fact, share),
            evidence=_crimea_evidence(fact, share),
            suggestion=FIX_CRIMEA,
            identity=f"{_feature_identity(fact)}|crimea",
        )


@register("MG102", "geometry.oblast-in-russia", Category.CONCEDES, "vector", POLICY_OBLASTS)
def oblast_in_russia(ctx: VectorContext) -> Iterator[RawFinding]:
    """An occupied oblast (Donetsk, Luhansk, Zaporizhzhia, Kherson) is drawn inside Russia.

    Fires when a Russia feature covers at least 15 % of the oblast's area (reference borders
    shrunk 3 km inward), which catches maps that redraw Russia's border along the front line or
    the oblast borders after the purported 2022 annexation, while ignoring border slivers.
    Maps that show Russian *control* with an overlay over Ukraine's fill are legitimate and are
    not flagged.

    Bad: a Russia polygon whose western border runs through Zaporizhzhia and Kherson oblasts.
    Good: Russia within its recognized borders, with an "occupied" hatch over Ukraine's fill.
    """
    for code in MAINLAND_OCCUPIED_CODES:
        for fact, share in _russia_over(ctx, code):
            yield RawFinding(
                code="MG102",
                message=(
                    f"{OCCUPIED_REGIONS[code]} ({code}) is drawn as part of Russia: the Russia "
                    f"feature {fact.label} covers {share:.0%} of it."
                ),
                location=_location(ctx, fact),
                confidence=_confidence(fact, share),
                evidence={
                    "region": code,
                    "share_of_region_covered": round(share, 4),
                    "identified_by": fact.identity_how,
                },
                suggestion=FIX_OBLAST,
                identity=f"{_feature_identity(fact)}|{code}",
            )


@register("MG103", "geometry.ukraine-without-crimea", Category.CONCEDES, "vector")
def ukraine_without_crimea(ctx: VectorContext) -> Iterator[RawFinding]:
    """Ukraine's feature leaves Crimea out, and no other feature draws Crimea as Ukraine.

    A country-level Ukraine feature (it covers most of unoccupied Ukraine) that covers less than
    half of Crimea, in a file where no other Ukraine feature (an admin-1 row for UA-43, say) fills
    the gap. When a Russia feature holds Crimea, MG101 reports that instead; when Crimea is a
    separate unattributed feature, MG107 does.

    Bad: a Ukraine outline that stops at the Perekop isthmus.
    Good: Ukraine's outline including the Crimean peninsula and Sevastopol.
    """
    analysis = ctx.analysis
    if _ukraine_crimea_share(ctx) >= UA_HAS:
        return
    if any(True for _ in _russia_over(ctx, "crimea")):
        return  # MG101 says it
    if any(_is_neutral_crimea(ctx, f) for f in analysis.facts):
        return  # MG107 says it
    for fact in analysis.by_identity(UA):
        if fact.geom_type != "polygon" or fact.covers.get("ukraine-rest", 0.0) < 0.5:
            continue
        share = fact.covers.get("crimea", 0.0)
        yield RawFinding(
            code="MG103",
            message=(
                f"Ukraine is drawn without Crimea: the Ukraine feature {fact.label} covers only "
                f"{share:.0%} of Crimea and Sevastopol, and no other feature draws them as Ukraine."
            ),
            location=_location(ctx, fact),
            confidence=_confidence(fact, 1.0 - share),
            evidence={
                "region": "UA-43+UA-40",
                "share_of_region_covered": round(share, 4),
                "identified_by": fact.identity_how,
            },
            suggestion="Include the Crimean peninsula and Sevastopol in Ukraine's geometry.",
            identity=f"{_feature_identity(fact)}|missing-crimea",
        )


@register("MG104", "geometry.crimea-in-both", Category.CONCEDES, "vector")
def crimea_in_both(ctx: VectorContext) -> Iterator[RawFinding]:
    """Crimea is drawn in both a Russia feature and a Ukraine feature (they overlap over it).

    Overlapping country polygons usually come from merging two sources (one with Crimea in
    Russia, one with it in Ukraine). Renderers draw whichever comes last, so the map may show
    Crimea as Russian depending on order.

    Bad: Russia's MultiPolygon and Ukraine's Polygon both contain the peninsula.
    Good: only Ukraine's feature contains it.
    """
    ua_share = _ukraine_crimea_share(ctx)
    if ua_share < UA_HAS:
        return
    for fact, share in _russia_over(ctx, "crimea"):
        evidence = _crimea_evidence(fact, share)
        evidence["share_covered_by_ukraine_features"] = round(ua_share, 4)
        yield RawFinding(
            code="MG104",
            message=(
                f"Crimea is drawn in both Russia and Ukraine: the Russia feature {fact.label} "
                f"covers {share:.0%} of Crimea and Sevastopol, and Ukraine's features cover "
                f"{ua_share:.0%}. Depending on drawing order the map shows Crimea as Russian."
            ),
            location=_location(ctx, fact),
            confidence=_confidence(fact, share),
            evidence=evidence,
            suggestion="Remove the Crimea part from the Russia feature; keep it in Ukraine's.",
            identity=f"{_feature_identity(fact)}|crimea-both",
        )


@register("MG105", "attributes.russian-in-occupied-area", Category.CONCEDES, "vector")
def russian_attributes_in_area(ctx: VectorContext) -> Iterator[RawFinding]:
    """A feature located in Crimea or an occupied oblast carries Russian country attributes.

    For admin-1 rows, points (cities, airports) and small polygons that lie within one of the six
    regions (at least half their area or length, or the point itself) and whose country fields
    say Russia (``iso_a2=RU``, ``country=Россия``, a ``RU-*``/``ru-*`` subdivision code …), or
    that are one of the regions of a layer mapping Russia's regions (three or more of Russia's
    federal subjects by name, none of Ukraine's regions: ``"name": "Республика Крым"`` beside
    "Краснодарский край" and "Москва"), or whose name is the one Russia gives the region as a
    federal subject ("Республика Крым", "Donetsk People's Republic"; not in a map of Ukraine's
    regions, where it is only a name). Features marked as an occupation or control overlay
    ("occupied", "under Russian control") are not flagged. A row that also carries a Ukrainian
    code is reported by MG106 instead.

    Bad: ``{"name": "Simferopol", "country": "Russia"}`` at 34.10°E 44.95°N.
    Good: ``{"name": "Simferopol", "country": "Ukraine"}``.
    """
    for fact in ctx.analysis.facts:
        attr = fact.attribution
        if fact.identity != RU or attr.ua_subdivisions or attr.control_overlay:
            continue
        code = _located_region(fact)
        if code is None:
            continue
        if attr.says_russia:
            said = ", ".join(attr.country_evidence or attr.ru_subdivisions)
            why = f"its attributes attribute it to Russia ({said})"
        else:
            why = f"it is drawn as one of Russia's regions: {fact.identity_how}"
        yield RawFinding(
            code="MG105",
            message=f"{fact.label} lies in {OCCUPIED_REGIONS[code]} ({code}) but {why}.",
            location=_location(ctx, fact),
            confidence=0.97 if fact.within.get(code, 0.0) >= 0.8 else 0.85,
            evidence={
                "region": code,
                "share_of_feature_in_region": round(fact.within.get(code, 0.0), 4),
                "attributes": list(attr.country_evidence or attr.ru_subdivisions),
                "identified_by": fact.identity_how,
            },
            suggestion=(
                "Set the country fields to Ukraine (UA / UKR / 804 / Ukraine) and use the ISO "
                f"3166-2 code {code} for the region."
            ),
            identity=f"{_feature_identity(fact)}|attrs-{code}",
            policy=policy_for_regions((code,), POLICY_CRIMEA),
        )


@register("MG106", "attributes.self-contradiction", Category.CONCEDES, "vector")
def self_contradiction(ctx: VectorContext) -> Iterator[RawFinding]:
    """A feature's attributes contradict themselves: a Ukrainian region code beside Russia.

    Natural Earth admin-1 gives Crimea ``iso_3166_2=UA-43`` but ``iso_a2=RU``, ``adm0_a3=RUS``,
    ``admin=Russia`` and ``adm1_code=RUS-283``; Sevastopol likewise. Address and region tables
    copied from it inherit the contradiction. Any row that pairs a code of Crimea, Sevastopol or an
    occupied oblast with a Russian country (or a ``RU-*`` code with Ukraine) is reported.

    Bad: ``{"iso_3166_2": "UA-43", "iso_a2": "RU", "admin": "Russia"}``
    Good: ``{"iso_3166_2": "UA-43", "iso_a2": "UA", "admin": "Ukraine"}``
    """
    from checker.geo.attribution import attribute

    for layer in ctx.evidence.layers:
        for feat in layer.features:
            attr = attribute(feat.properties, feat.id)
            codes = occupied_codes(attr.ua_subdivisions)
            russia_side = attr.country in (RU, "CONFLICT")
            if codes and russia_side:
                detail = f"{', '.join(codes)} beside {', '.join(attr.country_evidence)}"
            elif attr.ru_subdivisions and attr.country == UA:
                detail = (
                    f"Russian code {', '.join(attr.ru_subdivisions)} beside "
                    f"{', '.join(attr.country_evidence)}"
                )
                codes = ()
            elif attr.country == "CONFLICT" and not codes:
                detail = f"both Russia and Ukraine: {', '.join(attr.country_evidence)}"
            else:
                continue
            if attr.ru_subdivisions and codes:
                detail += f" and {', '.join(attr.ru_subdivisions)}"
            fact_label = _plain_label(feat.properties, feat.index, feat.id)
            region = codes[0] if codes else None
            yield RawFinding(
                code="MG106",
                message=(
                    f"{fact_label} contradicts itself: {detail}. "
                    + (
                        f"{region} is {OCCUPIED_REGIONS[region]}, part of Ukraine."
                        if region
                        else "Pick the country the region belongs to: Ukraine."
                    )
                ),
                location=Location(
                    path=ctx.path,
                    layer=layer.name,
                    feature_index=feat.index,
                    feature_id=feat.id,
                    properties=_key_properties(feat.properties),
                ),
                confidence=0.98,
                evidence={
                    "ukrainian_codes": list(attr.ua_subdivisions),
                    "russian_codes": list(attr.ru_subdivisions),
                    "country_fields": list(attr.country_evidence),
                },
                suggestion=(
                    "Set the country fields of this row to Ukraine (UA / UKR / 804) and drop "
                    "Russian codes such as RUS-283, RU-CR or RU-SEV."
                ),
                identity=f"{layer.name}|{_stable_key(feat.properties, feat.id, feat.index)}|mixed",
                policy=policy_for_regions(codes, POLICY_CRIMEA),
            )


@register("MG107", "geometry.crimea-unattributed", Category.DISPUTES, "vector")
def crimea_unattributed(ctx: VectorContext) -> Iterator[RawFinding]:
    """Crimea is a separate feature with no sovereign, or is marked "disputed".

    In a file whose other features carry countries, a Crimea polygon that belongs to no one (or
    says "disputed") neutralises its status: a warning in the ``un`` profile and an error in
    ``ua-strict``. Overlays that say "occupied" or "under Russian control" are legitimate.

    Bad: ``{"name": "Crimea", "status": "disputed"}`` beside ``{"name": "Ukraine", ...}``.
    Good: Crimea inside Ukraine's feature, or ``{"name": "Crimea", "iso_a2": "UA"}``.
    """
    for fact in ctx.analysis.facts:
        if not _is_neutral_crimea(ctx, fact):
            continue
        why = (
            "is marked as disputed"
            if fact.attribution.disputed
            else "belongs to no country, while the file's other features do"
        )
        yield RawFinding(
            code="MG107",
            message=(f"Crimea is drawn as a separate feature ({fact.label}) that {why}."),
            location=_location(ctx, fact),
            confidence=0.9,
            evidence={
                "region": "UA-43+UA-40",
                "share_of_region_covered": round(fact.covers.get("crimea", 0.0), 4),
                "disputed_marker": fact.attribution.disputed,
            },
            suggestion=(
                "Attribute the Crimea feature to Ukraine (iso_a2=UA) or merge it into Ukraine's "
                "feature; to show occupation, label it 'temporarily occupied by Russia'."
            ),
            identity=f"{_feature_identity(fact)}|neutral-crimea",
        )


@register("MG108", "source.default-natural-earth", Category.STYLE, "vector")
def default_natural_earth(ctx: VectorContext) -> Iterator[RawFinding]:
    """The file is built on default Natural Earth data, which puts Crimea in Russia.

    Information that explains *why* a file shows Crimea as Russian, and the known-good
    replacement. Fires only together with a Crimea-as-Russia problem in the same file: Natural
    Earth's admin-0 "default" view, npm world-atlas, plotly's world map and geopandas
    ``naturalearth_lowres`` before 0.12.2 share it.

    Bad: ``countries-110m.json`` from world-atlas 2.0.2 (Russia's MultiPolygon holds Crimea).
    Good: Natural Earth's point-of-view files other than Russia's (``…_ukr``, ``…_deu``, ``…_usa``),
    or the same file after ``mapcheck fix``.
    """
    analysis = ctx.analysis
    if not analysis.looks_natural_earth:
        return
    culprits = [f for f, _ in _russia_over(ctx, "crimea")]
    if not culprits:
        return
    fact = culprits[0]
    yield RawFinding(
        code="MG108",
        message=(
            "This file looks like default Natural Earth data (or world-atlas, plotly's world "
            "map or geopandas' naturalearth_lowres, which are built on it); its default view "
            "draws Crimea inside Russia."
        ),
        location=Location(path=ctx.path, layer=fact.layer),
        confidence=0.8,
        evidence={"natural_earth_layout": True},
        suggestion=(
            "Use Natural Earth's point-of-view admin-0 file for Ukraine (or Germany, the US, …: "
            "any but Russia's), e.g. ne_10m_admin_0_countries_ukr, or run `mapcheck fix`."
        ),
        identity="natural-earth-default",
    )


def _located_region(fact: FeatureFacts) -> str | None:
    """The occupied region the feature lies in (≥ half of it), if any."""
    best = max(OCCUPIED_REGIONS, key=lambda c: fact.within.get(c, 0.0))
    return best if fact.within.get(best, 0.0) >= 0.5 else None


def _is_neutral_crimea(ctx: VectorContext, fact: FeatureFacts) -> bool:
    if fact.geom_type != "polygon" or fact.identity is not None:
        return False
    attr = fact.attribution
    if attr.control_overlay or attr.country is not None:
        return False
    if not fact.located_in("crimea") or fact.covers.get("crimea", 0.0) < UA_HAS:
        return False
    others_attributed = ctx.analysis.attributed_feature_count - int(attr.has_attributes) >= 2
    return attr.disputed or others_attributed


def _plain_label(props: dict[str, Any], index: int, fid: str | None) -> str:
    for key in ("name", "NAME", "name_en", "NAME_EN", "admin"):
        if props.get(key):
            extra = f", id {fid}" if fid is not None else ""
            return f'"{props[key]}" (feature #{index}{extra})'
    return f"feature #{index}" + (f" (id {fid})" if fid is not None else "")


def undetermined_reasons(ctx: VectorContext) -> list[str]:
    """Why a file with no findings still cannot be called clean (empty list: it can)."""
    analysis = ctx.analysis
    reasons: list[str] = []
    for fact in analysis.facts:
        if fact.geom_type != "polygon" or fact.identity is not None:
            continue
        if fact.attribution.country is not None or fact.attribution.control_overlay:
            continue
        crimea = fact.covers.get("crimea", 0.0)
        russia = fact.covers.get("russia", 0.0)
        rest = fact.covers.get("ukraine-rest", 0.0)
        if crimea >= UA_HAS and russia > 0.02 and rest <= 0.1:
            reasons.append(
                f"Crimea is drawn in one shape with part of Russia ({fact.label} covers "
                f"{crimea:.0%} of Crimea and {russia:.0%} of Russia near Ukraine), but the shape "
                "has no attributes that say whose it is"
            )
    if not analysis.has_polygons_near and analysis.has_lines_near:
        touches = any(v > 0 for f in analysis.facts for k, v in f.within.items() if k != "russia")
        if touches:
            reasons.append(
                "the file draws only lines near Ukraine; boundary lines are not judged yet"
            )
    return reasons
