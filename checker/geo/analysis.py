"""One pass over a vector file that measures every feature against the reference regions.

The MG1xx rules all read the same :class:`VectorAnalysis`, so geometry is clipped, repaired and
projected once per feature, and only features near Ukraine are measured at all (a bounding-box
test against the window skips the rest of a world file without building anything).

Measurements, per feature (``FeatureFacts``):

* ``covers[key]``: the share of a region's *core* (shrunk a few km inward) that the feature covers.
  A 110m world file's Russia polygon covers ~90 % of Crimea's core; a neighbour's coastline sliver
  covers ~0 %.
* ``within[key]``: the share of the feature's own area that lies in the region grown a few km
  outward: ``≥ 0.5`` means the feature *is located in* the region (a Crimea admin-1 row, a city).
* ``identity``: who the feature belongs to, by attributes first and by shape only when the
  attributes say nothing (see :func:`_identify`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.geo.attribution import NAME_KEYS, RU, UA, Attribution, attribute, norm_key
from checker.reference import OCCUPIED_REGIONS, WINDOW, Reference, get_reference

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from checker.readers.base import VectorEvidence, VectorFeature, VectorLayer

#: Regions whose coverage is measured for every candidate feature.
MEASURED = (*OCCUPIED_REGIONS, "crimea", "ukraine-rest", "russia")

#: Property keys read for region names: the country-name keys and these. A layer whose
#: features name three or more of Russia's federal subjects and none of Ukraine's regions maps
#: Russia's regions: a feature of it that draws Crimea or an occupied oblast draws it as one of
#: Russia's regions, even with no country field (``"name": "Республика Крым"`` beside
#: "Краснодарский край" and "Москва").
_NAME_KEYS = NAME_KEYS | frozenset(
    norm_key(k)
    for k in (
        "region", "region_name", "subject", "subject_name", "name_local", "name_alt",
        "name_1", "gn_name", "woe_label", "regionname", "oblast", "область", "регион",
        "субъект", "name_ru", "name_uk",
    )
)  # fmt: skip

#: A feature identified as Russia by shape covers at least this share of Russia's core in the
#: window and at most ``SHAPE_MAX_OTHER`` of unoccupied Ukraine (a land mass covering both is not
#: attributable to either).
SHAPE_MIN_OWN = 0.30
SHAPE_MAX_OTHER = 0.10


@dataclass
class FeatureFacts:
    """What was measured for one feature near Ukraine."""

    layer: str
    feature: VectorFeature
    attribution: Attribution
    geom_type: str
    covers: dict[str, float] = field(default_factory=dict)
    within: dict[str, float] = field(default_factory=dict)
    #: "RU", "UA" or None; how it was decided ("attributes: ISO_A2=RU", "shape: covers 91 % ...").
    identity: str | None = None
    identity_how: str = ""
    representative: tuple[float, float] | None = None

    def located_in(self, key: str) -> bool:
        return self.within.get(key, 0.0) >= 0.5

    @property
    def label(self) -> str:
        """A short name for messages: ``"Russia" (id 643)``."""
        props = self.feature.properties
        name = None
        for key in ("name", "NAME", "name_en", "NAME_EN", "ADMIN", "admin", "country", "NAME_LONG"):
            if props.get(key):
                name = str(props[key])
                break
        parts = []
        if name:
            parts.append(f'"{name}"')
        parts.append(f"feature #{self.feature.index}")
        if self.feature.id is not None:
            parts.append(f"id {self.feature.id}")
        return " ".join(parts[:1]) + (" (" + ", ".join(parts[1:]) + ")" if len(parts) > 1 else "")


@dataclass
class VectorAnalysis:
    """All measured features of one file plus file-level context."""

    facts: list[FeatureFacts]
    iso_numeric_ids: bool
    looks_natural_earth: bool
    has_polygons_near: bool
    has_lines_near: bool
    attributed_feature_count: int
    notes: list[str] = field(default_factory=list)

    def by_identity(self, who: str) -> list[FeatureFacts]:
        return [f for f in self.facts if f.identity == who]


def analyse(evidence: VectorEvidence, reference: Reference | None = None) -> VectorAnalysis:
    """Measure every feature of ``evidence`` that comes near Ukraine."""
    import numpy as np
    import shapely

    ref = reference or get_reference()
    all_features = [(layer, f) for layer in evidence.layers for f in layer.features]
    ids = {f.id for _, f in all_features if f.id is not None}
    # world-atlas and other ISO-numeric files: id 643 is Russia only when ids *are* ISO numeric,
    # which we accept when the file also uses 804 (Ukraine) or most ids are 3-digit numbers.
    three_digit = sum(1 for i in ids if i.isdigit() and len(i.lstrip("0") or "0") <= 3)
    iso_numeric = bool(ids) and ("804" in ids or three_digit >= 0.8 * len(ids)) and len(ids) <= 300

    looks_ne = _looks_natural_earth(evidence)
    russia_layers = _russia_regions_layers(evidence)
    attributed = 0
    geoms = [f.geometry for _, f in all_features]
    near_mask = np.zeros(len(geoms), dtype=bool)
    if geoms:
        arr = np.array(geoms, dtype=object)
        valid = np.array([g is not None for g in geoms])
        bounds = np.full((len(geoms), 4), np.nan)
        if valid.any():
            bounds[valid] = shapely.bounds(arr[valid])
        with np.errstate(invalid="ignore"):
            near_mask = (
                valid
                & (bounds[:, 0] <= WINDOW[2])
                & (bounds[:, 2] >= WINDOW[0])
                & (bounds[:, 1] <= WINDOW[3])
                & (bounds[:, 3] >= WINDOW[1])
            )
    facts: list[FeatureFacts] = []
    has_poly = has_line = False
    for (layer, feat), near in zip(all_features, near_mask, strict=True):
        attr = attribute(feat.properties, feat.id)
        if attr.has_attributes:
            attributed += 1
        if not near:
            continue
        fact = _measure(ref, layer, feat, attr)
        if fact is None:
            continue
        if fact.geom_type == "polygon":
            has_poly = True
        elif fact.geom_type == "line":
            has_line = True
        _identify(fact, iso_numeric, russia_layers.get(id(layer)))
        facts.append(fact)
    return VectorAnalysis(
        facts=facts,
        iso_numeric_ids=iso_numeric,
        looks_natural_earth=looks_ne,
        has_polygons_near=has_poly,
        has_lines_near=has_line,
        attributed_feature_count=attributed,
    )


def _measure(
    ref: Reference, layer: VectorLayer, feat: VectorFeature, attr: Attribution
) -> FeatureFacts | None:
    import shapely

    from checker.readers._geom import make_valid

    geom = feat.geometry
    if geom is None or geom.is_empty:
        return None
    kind = _geom_kind(geom)
    if kind == "line" and attr.country in ("RU", "UA"):
        outline = _closed_outline(geom)
        if outline is not None:  # a country's border drawn as a closed line: its area
            geom, kind = outline, "polygon"
    projected = ref.project(geom)
    if projected.is_empty:
        return None
    if kind == "polygon":
        if not projected.is_valid:
            projected = make_valid(projected)
        # make_valid (or a GeometryCollection input) may hold stray lines: keep the areal part.
        projected = _polygonal_part(projected)
    fact = FeatureFacts(layer=layer.name, feature=feat, attribution=attr, geom_type=kind)
    rep = shapely.point_on_surface(projected)
    if not rep.is_empty:
        ll = ref.to_lonlat(rep)
        x, y = shapely.get_coordinates(ll)[0]
        fact.representative = (float(x), float(y))
    if kind == "polygon":
        own_area = float(projected.area)
        if own_area <= 0:
            return None
        for key in MEASURED:
            region = ref.regions[key]
            if not region.grown.intersects(projected):
                fact.covers[key] = 0.0
                fact.within[key] = 0.0
                continue
            core_part = shapely.intersection(projected, region.core)
            fact.covers[key] = min(1.0, float(core_part.area) / region.core_area)
            grown_part = shapely.intersection(projected, region.grown)
            fact.within[key] = min(1.0, float(grown_part.area) / own_area)
    elif kind == "point":
        pts = shapely.get_parts(projected)
        for key in MEASURED:
            region = ref.regions[key]
            if key == "russia":
                inside = shapely.contains_xy(region.shape, *_xy(pts))
            else:
                # Coastal points fall in bay water the reference leaves out: grow the region, but
                # never into Russia's recognized territory (Kerch Strait is only ~4.5 km wide).
                inside = shapely.contains_xy(region.grown, *_xy(pts)) & ~shapely.contains_xy(
                    ref.regions["russia"].shape, *_xy(pts)
                )
            fact.within[key] = float(inside.mean()) if len(pts) else 0.0
            fact.covers[key] = 0.0
    else:  # lines
        length = float(projected.length)
        for key in MEASURED:
            region = ref.regions[key]
            part = shapely.intersection(projected, region.grown)
            fact.within[key] = float(part.length) / length if length > 0 else 0.0
            fact.covers[key] = 0.0
    return fact


def _russia_regions_layers(evidence: VectorEvidence) -> dict[int, str]:
    """The layers that map one country's regions by their features' names
    (``rules.data.whose_regions``), by ``id()`` of the layer: for a map of Russia's regions the
    names that show it, for a map of Ukraine's regions ``""``."""
    from checker.rules.data import REGION_LIST_MIN, RU, whose_regions

    out: dict[int, str] = {}
    for layer in evidence.layers:
        if len(layer.features) < REGION_LIST_MIN:
            continue
        names = [
            value
            for feat in layer.features
            for key, value in feat.properties.items()
            if isinstance(value, str) and value and norm_key(str(key)) in _NAME_KEYS
        ]
        whose = whose_regions(names)
        if whose is None:
            continue
        country, russian = whose
        out[id(layer)] = (
            f"its layer maps Russia's regions ({len(russian)} of Russia's federal subjects by "
            f"name: {', '.join(russian[:3])}, …; none of Ukraine's)"
            if country == RU
            else ""  # a map of Ukraine's regions
        )
    return out


def _identify(fact: FeatureFacts, iso_numeric: bool, russia_layer: str | None = None) -> None:
    """Decide who a feature belongs to: attributes first, then an ISO numeric id, then the
    layer it is one of (a map of Russia's regions), then shape."""
    attr = fact.attribution
    if attr.says_russia:
        fact.identity = RU
        fact.identity_how = "attributes: " + ", ".join(
            attr.country_evidence or attr.ru_subdivisions
        )
        return
    if attr.says_ukraine:
        fact.identity = UA
        fact.identity_how = "attributes: " + ", ".join(
            attr.country_evidence or attr.ua_subdivisions
        )
        return
    if attr.country is not None:  # names some other country
        return
    if attr.numeric_id is not None and (iso_numeric or _shape_says(fact) is not None):
        fact.identity = RU if attr.numeric_id == "643" else UA
        fact.identity_how = f"feature id {fact.feature.id} (ISO 3166 numeric code)"
        return
    if russia_layer and not attr.ua_subdivisions:
        fact.identity, fact.identity_how = RU, russia_layer
        return
    # (In a map of Ukraine's regions, a Russian federal-subject name is only a name.)
    named = _subject_name(fact) if russia_layer is None else None
    if named is not None and not attr.ua_subdivisions:
        fact.identity = RU
        fact.identity_how = (
            f"its name, {named!r}, is the one Russia gives the region as a federal subject"
        )
        return
    if attr.ua_subdivisions or attr.ru_subdivisions:
        return
    shape = _shape_says(fact)
    if shape is not None:
        fact.identity, fact.identity_how = shape


#: Names that make a region one of Russia's federal subjects (whole values, normalised): the
#: "Republic of Crimea" without "Autonomous", the "federal city" of Sevastopol, the "people's
#: republics". Oblast names are the same in both, so they say nothing.
SUBJECT_NAMES = {
    "UA-43": ("республика крым", "respublika krym", "republic of crimea", "crimea republic"),
    "UA-40": (
        "город федерального значения севастополь",
        "federal city of sevastopol",
        "sevastopol federal city",
    ),
    "UA-14": (
        "донецкая народная республика",
        "донецька народна республіка",
        "donetsk people's republic",
        "donetsk peoples republic",
        "днр",
        "dnr",
        "dpr",
    ),
    "UA-09": (
        "луганская народная республика",
        "луганська народна республіка",
        "luhansk people's republic",
        "lugansk people's republic",
        "luhansk peoples republic",
        "lugansk peoples republic",
        "лнр",
        "lnr",
        "lpr",
    ),
}


def _subject_name(fact: FeatureFacts) -> str | None:
    """A name of the feature that makes the region it lies in a Russian federal subject
    (:data:`SUBJECT_NAMES`), or ``None``."""
    for key, value in fact.feature.properties.items():
        if not isinstance(value, str) or norm_key(str(key)) not in _NAME_KEYS:
            continue
        name = " ".join(value.casefold().replace("ё", "е").replace("’", "'").split())
        for code, names in SUBJECT_NAMES.items():
            if name in names and fact.located_in(code):
                return value
    return None


def _shape_says(fact: FeatureFacts) -> tuple[str, str] | None:
    if fact.geom_type != "polygon":
        return None
    russia = fact.covers.get("russia", 0.0)
    rest = fact.covers.get("ukraine-rest", 0.0)
    if russia >= SHAPE_MIN_OWN and rest <= SHAPE_MAX_OTHER:
        return RU, (
            f"shape: it has no country attributes, but covers {russia:.0%} of Russia's recognized "
            f"territory near Ukraine and {rest:.0%} of unoccupied Ukraine"
        )
    if rest >= 0.5 and russia <= SHAPE_MAX_OTHER:
        return UA, (
            f"shape: it has no country attributes, but covers {rest:.0%} of unoccupied Ukraine "
            f"and {russia:.0%} of Russia"
        )
    return None


def _looks_natural_earth(evidence: VectorEvidence) -> bool:
    """Default Natural Earth admin-0, or a file built on it (world-atlas, plotly, lowres)."""
    ne_keys = {
        "featurecla", "adm0_a3", "sov_a3", "ne_id", "scalerank", "labelrank", "gu_a3",
        # Natural Earth's statistics columns, kept by derivatives that drop the codes above
        # (geopandas' naturalearth_lowres: pop_est, continent, name, iso_a3, gdp_md_est).
        "pop_est", "gdp_md_est", "income_grp", "region_un",
    }  # fmt: skip
    for layer in evidence.layers:
        for feat in layer.features[:50]:
            keys = {k.casefold() for k in feat.properties}
            if len(keys & ne_keys) >= 2:
                return True
    names = {layer.name for layer in evidence.layers}
    # world-atlas's layout: Natural Earth countries + land, ISO numeric ids.
    return evidence.format in ("topojson", "jsmodule") and {"countries", "land"} <= names


def _closed_outline(geom: BaseGeometry) -> BaseGeometry | None:
    """The area a country's outline encloses, when it is drawn as lines that are all closed
    rings (a KML ``LineString`` of Ukraine's border), else ``None``."""
    import shapely

    parts = list(getattr(geom, "geoms", [geom]))
    rings = []
    for part in parts:
        coords = shapely.get_coordinates(part)
        if len(coords) < 4 or not (coords[0] == coords[-1]).all():
            return None
        rings.append(shapely.Polygon(coords))
    area = shapely.union_all(rings)
    return area if not area.is_empty and area.area > 0 else None


def _geom_kind(geom: BaseGeometry) -> str:
    gt = geom.geom_type
    if gt in ("Polygon", "MultiPolygon"):
        return "polygon"
    if gt in ("Point", "MultiPoint"):
        return "point"
    if gt in ("LineString", "MultiLineString", "LinearRing"):
        return "line"
    # GeometryCollection: judge by its areal part when it has one.
    part = _polygonal_part(geom)
    return "polygon" if not part.is_empty else "line"


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def _xy(points: Any) -> tuple[Any, Any]:
    import shapely

    coords = shapely.get_coordinates(points)
    return coords[:, 0], coords[:, 1]
