"""Shared test helpers: reference shapes in lon/lat and builders of vector evidence."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from checker.readers.base import VectorEvidence, VectorFeature, VectorLayer

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference_boundaries"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def ref_shapes() -> dict[str, BaseGeometry]:
    """Reference shapes in lon/lat: ukraine, russia (clipped to Europe), and each oblast code."""
    out: dict[str, BaseGeometry] = {}
    for name, key in (("ukraine.geojson", "ukraine"), ("russia.geojson", "russia")):
        data = json.loads((REF / name).read_text(encoding="utf-8"))
        out[key] = shape(data["features"][0]["geometry"])
    out["russia"] = shapely.clip_by_rect(out["russia"], 19.0, 40.0, 70.0, 72.0)
    data = json.loads((REF / "ukraine_oblasts.geojson").read_text(encoding="utf-8"))
    for feat in data["features"]:
        out[feat["properties"]["iso_3166_2"]] = shape(feat["geometry"])
    out["crimea"] = shapely.union(out["UA-43"], out["UA-40"])
    return out


def evidence(
    *features: tuple[dict[str, Any], BaseGeometry | None],
    fid: list[Any] | None = None,
    layer: str = "layer",
    fmt: str = "geojson",
) -> VectorEvidence:
    """Vector evidence from (properties, geometry) pairs; ``fid`` gives feature ids."""
    feats = [
        VectorFeature(
            index=i,
            geometry=geom,
            properties=dict(props),
            id=None if fid is None or fid[i] is None else str(fid[i]),
        )
        for i, (props, geom) in enumerate(features)
    ]
    return VectorEvidence(format=fmt, layers=[VectorLayer(name=layer, features=feats)])


@pytest.fixture(scope="session")
def shapes() -> dict[str, BaseGeometry]:
    return ref_shapes()
