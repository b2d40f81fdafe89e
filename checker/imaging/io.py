"""Read a raster picture into RGB pixels, safely, with its georeferencing metadata if any.

PNG, JPEG, WebP, GIF (first frame), BMP and TIFF, through Pillow with its decompression-bomb
guard on (and its warning turned into a refusal: a picture over the limit is never decoded).
EXIF orientation is applied; transparency is composited over white; palette, 16-bit, CMYK, LA
and the other modes become 8-bit RGB. Truncated files are refused (ME901), not half-read.

Georeferencing comes from GeoTIFF tags (ModelPixelScale 33550 + ModelTiepoint 33922, or
ModelTransformation 34264, with the EPSG code from GeoKeyDirectory 34735) or from a world file
beside the picture (``.pgw``/``.jgw``/``.tfw``/``.wld``…, with the CRS from a ``.prj`` or an
``.aux.xml``). Both become a GDAL-order geotransform ``(x0, dx, rx, y0, ry, dy)`` of the
*original* pixel grid, plus the CRS.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from checker.readers.base import ReaderError, Source

if TYPE_CHECKING:
    from PIL import Image

#: Pictures with more pixels than this are refused (ME903) before decoding. Pillow's own default
#: (``Image.MAX_IMAGE_PIXELS``, ~89 Mpx) is the ceiling; this is lower because a map needs far
#: less and a decoded 89 Mpx RGB picture takes 270 MB.
MAX_PIXELS = 64_000_000
#: The longest side analysed; larger pictures are downsampled (registration and colours need no
#: more, and time grows with pixels).
MAX_SIDE = 2000
#: Pictures whose shorter side is below this cannot hold a readable map of the region.
MIN_SIDE = 48
#: Pictures more elongated than this are strips, not maps.
MAX_ASPECT = 12.0

#: Pillow formats accepted (no EPS/PSD/… decoders are reachable from user input).
FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF", "ICO")

#: World-file extensions tried beside a picture, by the picture's extension.
WORLD_EXTENSIONS: dict[str, tuple[str, ...]] = {
    ".png": (".pgw", ".pngw"),
    ".jpg": (".jgw", ".jpgw"),
    ".jpeg": (".jgw", ".jpegw", ".jpgw"),
    ".tif": (".tfw", ".tifw"),
    ".tiff": (".tfw", ".tiffw"),
    ".gif": (".gfw", ".gifw"),
    ".bmp": (".bpw", ".bmpw"),
    ".webp": (".wpw", ".webpw"),
}


@dataclass(frozen=True)
class GeoMetadata:
    """A picture's own georeferencing: GDAL geotransform of the original pixels, and the CRS."""

    crs: str
    geotransform: tuple[float, float, float, float, float, float]
    source: str  # "geotiff" or "world file"


@dataclass
class LoadedImage:
    """Pixels to analyse (``rgb``, H × W × 3 uint8) and what the reader noticed."""

    rgb: npt.NDArray[np.uint8]
    #: Width and height of the picture as stored (before any downsampling).
    original_size: tuple[int, int]
    #: Analysed pixels per original pixel (1.0 unless downsampled).
    scale: float = 1.0
    notes: list[str] = field(default_factory=list)
    #: Why the picture cannot be judged at all (too small, a strip), if so.
    unusable: str | None = None
    geo: GeoMetadata | None = None
    format: str = ""


def read_image(source: Source, fmt: str) -> LoadedImage:
    """Decode ``source`` (a raster format) into :class:`LoadedImage`; ME9xx on bad input."""
    from PIL import Image

    data = source.read_bytes()
    try:
        with warnings.catch_warnings():
            # Over Image.MAX_IMAGE_PIXELS Pillow only warns; a bomb must never be decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)
            return _load(img, source, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReaderError("ME903", f"decompression bomb refused: {exc}") from None
    except Image.UnidentifiedImageError:
        raise ReaderError("ME901", f"not a readable {fmt.upper()} picture") from None
    except ReaderError:
        raise
    except MemoryError:
        raise ReaderError("ME903", "the picture is too large to decode") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        text = str(exc) or type(exc).__name__
        if "truncated" in text.lower() or isinstance(exc, EOFError):
            raise ReaderError("ME901", f"truncated picture: {text}") from None
        raise ReaderError("ME901", f"corrupt picture: {text}") from None


def _load(img: Image.Image, source: Source, fmt: str) -> LoadedImage:
    from PIL import Image, ImageOps

    width, height = img.size
    if width * height > MAX_PIXELS:
        raise ReaderError(
            "ME903",
            f"the picture is {width}×{height} px ({width * height:,} pixels), over the "
            f"{MAX_PIXELS:,}-pixel limit",
        )
    notes: list[str] = []
    frames = int(getattr(img, "n_frames", 1) or 1)
    if frames > 1:
        img.seek(0)
        notes.append(f"animated picture: the first of {frames} frames was checked")
    geo = _geotiff(img, notes) if img.format == "TIFF" else None
    if geo is None:
        geo = _world_file(source, (width, height), notes)
    if width < 1 or height < 1:
        raise ReaderError("ME906", "the picture has no pixels")
    # Downsample huge pictures while decoding (JPEG draft mode) to save time and memory.
    if img.format == "JPEG" and max(width, height) > 2 * MAX_SIDE:
        img.draft(
            "RGB", (width * MAX_SIDE // max(width, height), height * MAX_SIDE // max(width, height))
        )
    img.load()
    if geo is None:
        try:
            img = ImageOps.exif_transpose(img)
        except Exception:  # malformed EXIF: keep the stored orientation
            notes.append("the EXIF orientation could not be read; the stored orientation is used")
    rgb = _to_rgb(img)
    h, w = rgb.shape[:2]
    out = LoadedImage(rgb=rgb, original_size=(width, height), notes=notes, geo=geo, format=fmt)
    short, long = min(w, h), max(w, h)
    if short < MIN_SIDE:
        out.unusable = (
            f"image too small: {width}×{height} px cannot show the region readably "
            f"(at least {MIN_SIDE} px on each side are needed)"
        )
    elif long / short > MAX_ASPECT:
        out.unusable = f"the picture is a {width}×{height} px strip, not a map"
    if long > MAX_SIDE:
        factor = MAX_SIDE / long
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        small = Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        out.rgb = np.asarray(small, dtype=np.uint8)
        notes.append(f"downsampled from {width}×{height} px to {size[0]}×{size[1]} px for analysis")
    out.scale = out.rgb.shape[1] / width
    return out


def _to_rgb(img: Image.Image) -> npt.NDArray[np.uint8]:
    """Any Pillow mode → 8-bit RGB, transparency composited over white."""
    from PIL import Image

    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        if top > 255:
            # 16-bit (or wider) grey: scale the stored range, not the value's type range, so
            # that 12-bit scans are not drawn black.
            arr = arr * (255.0 / (65535.0 if top > 4095 else 4095.0))
        grey = np.clip(arr, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
    elif mode in ("LA", "La", "PA", "RGBa", "RGBA") or (
        mode in ("1", "L", "RGB") and "transparency" in img.info
    ):
        img = img.convert("RGBA")
    elif mode != "RGB":
        img = img.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX …
    if img.mode == "RGBA":
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img).convert("RGB")
    return np.asarray(img, dtype=np.uint8)


# --- georeferencing metadata ---------------------------------------------------------------------

_TAG_PIXEL_SCALE = 33550
_TAG_TIEPOINT = 33922
_TAG_TRANSFORMATION = 34264
_TAG_GEOKEYS = 34735
_KEY_MODEL_TYPE = 1024
_KEY_RASTER_TYPE = 1025
_KEY_GEOGRAPHIC = 2048
_KEY_PROJECTED = 3072
_USER_DEFINED = 32767


def _geotiff(img: Image.Image, notes: list[str]) -> GeoMetadata | None:
    tags: Any = getattr(img, "tag_v2", None)
    if tags is None:
        return None
    try:
        keys = _geokeys(tags.get(_TAG_GEOKEYS))
        scale = tags.get(_TAG_PIXEL_SCALE)
        tie = tags.get(_TAG_TIEPOINT)
        matrix = tags.get(_TAG_TRANSFORMATION)
    except Exception:  # odd tag types: not georeferenced as far as we can tell
        return None
    if scale is None and matrix is None:
        return None
    gt: tuple[float, float, float, float, float, float] | None = None
    if matrix is not None and len(matrix) >= 16:
        m = [float(v) for v in matrix]
        gt = (m[3], m[0], m[1], m[7], m[4], m[5])
    elif scale is not None and tie is not None and len(scale) >= 2 and len(tie) >= 6:
        sx, sy = float(scale[0]), float(scale[1])
        i, j, x, y = float(tie[0]), float(tie[1]), float(tie[3]), float(tie[4])
        gt = (x - i * sx, sx, 0.0, y + j * sy, 0.0, -sy)
    if gt is None or not all(np.isfinite(gt)) or gt[1] == 0 or gt[5] == 0:
        notes.append("GeoTIFF tags present but unusable; the map is georeferenced from its pixels")
        return None
    if keys.get(_KEY_RASTER_TYPE) == 2:  # PixelIsPoint: the tiepoint is a pixel's centre
        gt = (
            gt[0] - gt[1] / 2 - gt[2] / 2,
            gt[1],
            gt[2],
            gt[3] - gt[4] / 2 - gt[5] / 2,
            gt[4],
            gt[5],
        )
    code = keys.get(_KEY_PROJECTED) if keys.get(_KEY_MODEL_TYPE) != 2 else None
    code = code or keys.get(_KEY_GEOGRAPHIC)
    if not code or code == _USER_DEFINED:
        notes.append("GeoTIFF without an EPSG code (user-defined CRS): not used")
        return None
    return GeoMetadata(crs=f"EPSG:{code}", geotransform=gt, source="geotiff")


def _geokeys(directory: Any) -> dict[int, int]:
    """GeoKeyDirectory → {key id: value} for keys stored inline (SHORT values)."""
    if directory is None:
        return {}
    vals = [int(v) for v in directory]
    if len(vals) < 4:
        return {}
    count = min(vals[3], (len(vals) - 4) // 4, 200)
    out: dict[int, int] = {}
    for k in range(count):
        key, location, _n, value = vals[4 + 4 * k : 8 + 4 * k]
        if location == 0:
            out[key] = value
    return out


def _world_file(source: Source, size: tuple[int, int], notes: list[str]) -> GeoMetadata | None:
    if source.path is None:
        return None
    path = source.path
    exts = (*WORLD_EXTENSIONS.get(path.suffix.lower(), ()), ".wld")
    world: Path | None = None
    for ext in exts:
        for candidate in (path.with_suffix(ext), path.with_suffix(ext.upper())):
            if candidate.is_file():
                world = candidate
                break
        if world is not None:
            break
    if world is None:
        return None
    try:
        text = world.read_text(encoding="utf-8", errors="replace")[:4096]
        vals = [float(v) for v in text.split()[:6]]
    except (OSError, ValueError):
        notes.append(f"world file {world.name} is unreadable; not used")
        return None
    if len(vals) != 6 or not all(np.isfinite(vals)) or vals[0] == 0 or vals[3] == 0:
        notes.append(f"world file {world.name} is malformed; not used")
        return None
    a, d, b, e, c, f = vals
    # World files locate the centre of the top-left pixel; GDAL's geotransform its corner.
    gt = (c - a / 2 - b / 2, a, b, f - d / 2 - e / 2, d, e)
    crs = _sidecar_crs(path)
    if crs is None:
        corners_x = [gt[0], gt[0] + gt[1] * size[0]]
        corners_y = [gt[3], gt[3] + gt[5] * size[1]]
        if all(-180.5 <= v <= 360.5 for v in corners_x) and all(
            -90.5 <= v <= 90.5 for v in corners_y
        ):
            notes.append(f"world file {world.name} has no .prj: longitude/latitude assumed")
            crs = "EPSG:4326"
        else:
            notes.append(f"world file {world.name} has no .prj and is not in degrees; not used")
            return None
    notes.append(f"georeferenced from the world file {world.name}")
    return GeoMetadata(crs=crs, geotransform=gt, source="world file")


def _sidecar_crs(path: Path) -> str | None:
    """The CRS from ``NAME.prj`` (WKT) or ``NAME.EXT.aux.xml`` (``<SRS>``) beside the picture."""
    for prj in (path.with_suffix(".prj"), path.with_suffix(".PRJ")):
        if prj.is_file():
            try:
                text = prj.read_text(encoding="utf-8", errors="replace")[:65536].strip()
            except OSError:
                continue
            if text:
                return text
    aux = path.with_name(path.name + ".aux.xml")
    if aux.is_file():
        try:
            import defusedxml.ElementTree as SafeET

            root = SafeET.fromstring(aux.read_bytes()[:1_000_000])
            srs = root.find(".//SRS")
            if srs is not None and srs.text and srs.text.strip():
                return srs.text.strip()
        except Exception:  # malformed or hostile XML: no CRS from it
            return None
    return None
