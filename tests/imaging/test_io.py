"""The picture reader: every mode becomes RGB, hostile files get clear verdicts, metadata is read.

Fixtures are generated in the tests (a few kB each); nothing here needs the registration stage:
end-to-end checks replace it with a stub that declines to register.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from checker import imaging
from checker.config import Config
from checker.engine import check_file
from checker.imaging.io import MAX_PIXELS, read_image
from checker.model import Verdict
from checker.readers.base import ReaderError, Source


def save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def src(data: bytes, name: str = "picture.png") -> Source:
    return Source(name=name, data=data)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width``×``height`` and holds no pixel data (a bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def map_like(size: tuple[int, int] = (200, 150)) -> Image.Image:
    arr = np.zeros((size[1], size[0], 3), np.uint8)
    arr[:, : size[0] // 2] = (250, 230, 120)
    arr[:, size[0] // 2 :] = (170, 211, 223)
    return Image.fromarray(arr)


@pytest.fixture
def no_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    def decline(loaded: object, notes: list[str]) -> tuple[None, str]:
        return None, "not georeferenced: registration skipped in this test"

    monkeypatch.setattr(imaging, "georeference", decline)


# --- modes --------------------------------------------------------------------------------------


def test_rgb_png() -> None:
    out = read_image(src(save(map_like(), "PNG")), "png")
    assert out.rgb.shape == (150, 200, 3) and out.rgb.dtype == np.uint8
    assert tuple(out.rgb[0, 0]) == (250, 230, 120)


def test_palette_png_with_transparency_goes_over_white() -> None:
    img = Image.new("P", (64, 64), 0)
    img.putpalette([10, 20, 30, 200, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 32, 64))
    data = save(img, "PNG", transparency=0)
    out = read_image(src(data), "png")
    assert tuple(out.rgb[10, 10]) == (200, 0, 0)
    assert tuple(out.rgb[10, 50]) == (255, 255, 255)  # transparent index → white


def test_rgba_and_la_go_over_white() -> None:
    rgba = Image.new("RGBA", (64, 64), (0, 0, 255, 0))
    out = read_image(src(save(rgba, "PNG")), "png")
    assert tuple(out.rgb[5, 5]) == (255, 255, 255)
    la = Image.new("LA", (64, 64), (0, 128))
    out = read_image(src(save(la, "PNG")), "png")
    assert 120 <= out.rgb[5, 5, 0] <= 135  # half-transparent black over white: mid grey


def test_16_bit_grey_png() -> None:
    arr = np.full((64, 64), 40000, np.uint16)
    arr[:, :32] = 1000
    img = Image.fromarray(arr)
    assert img.mode.startswith("I;16")
    out = read_image(src(save(img, "PNG")), "png")
    assert out.rgb.dtype == np.uint8
    assert out.rgb[0, 40, 0] == pytest.approx(40000 * 255 / 65535, abs=1)
    assert out.rgb[0, 0, 0] < 10


def test_cmyk_jpeg() -> None:
    img = Image.new("CMYK", (80, 60), (0, 255, 255, 0))  # red in CMYK
    out = read_image(src(save(img, "JPEG", quality=95), "map.jpg"), "jpeg")
    r, g, b = (int(v) for v in out.rgb[30, 40])
    assert r > 200 and g < 60 and b < 60


def test_animated_gif_first_frame() -> None:
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    data = save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    out = read_image(src(data, "a.gif"), "gif")
    assert tuple(out.rgb[0, 0]) == (255, 0, 0)
    assert any("first of 3 frames" in n for n in out.notes)


def test_exif_orientation_is_applied() -> None:
    img = map_like((120, 60))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = read_image(src(save(img, "JPEG", exif=exif.tobytes()), "a.jpg"), "jpeg")
    assert out.rgb.shape[:2] == (120, 60)


@pytest.mark.parametrize(("fmt", "name"), [("WEBP", "a.webp"), ("BMP", "a.bmp"), ("TIFF", "a.tif")])
def test_other_formats(fmt: str, name: str) -> None:
    out = read_image(src(save(map_like(), fmt), name), fmt.lower())
    assert out.rgb.shape == (150, 200, 3)


def test_large_picture_is_downsampled() -> None:
    out = read_image(src(save(map_like((4200, 1400)), "PNG")), "png")
    assert max(out.rgb.shape[:2]) == 2000
    assert out.scale == pytest.approx(2000 / 4200)
    assert any("downsampled" in n for n in out.notes)


# --- hostile and degenerate files ----------------------------------------------------------------


def test_decompression_bomb_is_refused() -> None:
    with pytest.raises(ReaderError) as err:
        read_image(src(png_header_only(200_000, 200_000)), "png")
    assert err.value.code == "ME903"
    assert "bomb" in err.value.message


def test_decompression_bomb_warning_is_a_refusal_too() -> None:
    # Between Pillow's limit and twice it Pillow only warns; we refuse before decoding.
    side = int((Image.MAX_IMAGE_PIXELS or 89_478_485) ** 0.5) + 100
    with pytest.raises(ReaderError) as err:
        read_image(src(png_header_only(side, side)), "png")
    assert err.value.code == "ME903"


def test_our_pixel_limit_is_lower_than_pillows() -> None:
    side = int(MAX_PIXELS**0.5) + 100
    with pytest.raises(ReaderError) as err:
        read_image(src(png_header_only(side, side)), "png")
    assert err.value.code == "ME903"
    assert "limit" in err.value.message


def test_truncated_png() -> None:
    data = save(
        Image.fromarray(np.random.default_rng(1).integers(0, 255, (300, 300, 3), np.uint8)), "PNG"
    )
    with pytest.raises(ReaderError) as err:
        read_image(src(data[: len(data) * 6 // 10]), "png")
    assert err.value.code == "ME901"
    assert "truncated" in err.value.message


def test_garbage_after_signature() -> None:
    with pytest.raises(ReaderError) as err:
        read_image(src(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 10), "png")
    assert err.value.code == "ME901"


def test_tiny_picture_is_unusable() -> None:
    out = read_image(src(save(Image.new("RGB", (1, 1)), "PNG")), "png")
    assert out.unusable is not None and "too small" in out.unusable


def test_strip_picture_is_unusable_and_downsampled() -> None:
    out = read_image(src(save(Image.new("RGB", (30000, 20), (255, 255, 255)), "PNG")), "png")
    assert out.unusable is not None
    assert max(out.rgb.shape[:2]) <= 2000


# --- verdicts end to end -------------------------------------------------------------------------


def _check(tmp_path: Path, name: str, data: bytes, **config: object) -> tuple[Verdict, str]:
    path = tmp_path / name
    path.write_bytes(data)
    report = check_file(path, Config(ocr=False, **config))  # type: ignore[arg-type]
    text = " | ".join([report.error or "", *report.notes])
    return report.verdict, text


@pytest.mark.usefixtures("no_registration")
@pytest.mark.parametrize(
    ("name", "make", "verdict", "words"),
    [
        ("bomb.png", lambda: png_header_only(200_000, 200_000), Verdict.ERROR, "ME903"),
        (
            "truncated.png",
            lambda: save(map_like((300, 300)), "PNG")[:300],
            Verdict.ERROR,
            "ME901",
        ),
        ("one.png", lambda: save(Image.new("RGB", (1, 1)), "PNG"), Verdict.UNDETERMINED, "small"),
        (
            "strip.png",
            lambda: save(Image.new("RGB", (30000, 20), (255, 255, 255)), "PNG"),
            Verdict.UNDETERMINED,
            "30000×20",
        ),
        (
            "cmyk.jpg",
            lambda: save(Image.new("CMYK", (300, 200), (0, 40, 90, 0)), "JPEG"),
            Verdict.UNDETERMINED,
            "not georeferenced",
        ),
        (
            "anim.gif",
            lambda: save(
                map_like((300, 200)),
                "GIF",
                save_all=True,
                append_images=[Image.new("RGB", (300, 200), (255, 0, 0))],
            ),
            Verdict.UNDETERMINED,
            "first of 2 frames",
        ),
    ],
)
def test_hostile_verdicts(
    tmp_path: Path, name: str, make: object, verdict: Verdict, words: str
) -> None:
    got, text = _check(tmp_path, name, make())  # type: ignore[operator]
    assert got is verdict, text
    assert words in text


# --- georeferencing metadata ---------------------------------------------------------------------


def test_geotiff_tags() -> None:
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[33550] = (0.05, 0.05, 0.0)
    ifd.tagtype[33550] = 12
    ifd[33922] = (0.0, 0.0, 0.0, 28.0, 53.0, 0.0)
    ifd.tagtype[33922] = 12
    # GeoKeyDirectory: version 1.1.0, 3 keys: model type 2 (geographic), raster type 1 (area),
    # geographic CRS 4326.
    ifd[34735] = (1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326)
    ifd.tagtype[34735] = 3
    data = save(map_like((280, 200)), "TIFF", tiffinfo=ifd)
    out = read_image(src(data, "map.tif"), "tiff")
    assert out.geo is not None
    assert out.geo.crs == "EPSG:4326"
    assert out.geo.geotransform == pytest.approx((28.0, 0.05, 0.0, 53.0, 0.0, -0.05))


def test_geotiff_with_user_defined_crs_is_not_used() -> None:
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[33550] = (0.05, 0.05, 0.0)
    ifd.tagtype[33550] = 12
    ifd[33922] = (0.0, 0.0, 0.0, 28.0, 53.0, 0.0)
    ifd.tagtype[33922] = 12
    ifd[34735] = (1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32767)
    ifd.tagtype[34735] = 3
    out = read_image(src(save(map_like(), "TIFF", tiffinfo=ifd), "m.tif"), "tiff")
    assert out.geo is None
    assert any("user-defined" in n for n in out.notes)


def test_world_file_with_prj(tmp_path: Path) -> None:
    path = tmp_path / "map.png"
    path.write_bytes(save(map_like((280, 200)), "PNG"))
    (tmp_path / "map.pgw").write_text("0.05\n0\n0\n-0.05\n28.025\n52.975\n")
    (tmp_path / "map.prj").write_text('GEOGCS["WGS 84",DATUM["WGS_1984"]]')
    out = read_image(Source(name=str(path), path=path), "png")
    assert out.geo is not None and out.geo.source == "world file"
    assert out.geo.crs.startswith("GEOGCS")
    assert out.geo.geotransform == pytest.approx((28.0, 0.05, 0.0, 53.0, 0.0, -0.05))


def test_world_file_without_prj_in_degrees(tmp_path: Path) -> None:
    path = tmp_path / "map.jpg"
    path.write_bytes(save(map_like((280, 200)), "JPEG"))
    (tmp_path / "map.jgw").write_text("0.05\n0\n0\n-0.05\n28.025\n52.975\n")
    out = read_image(Source(name=str(path), path=path), "jpeg")
    assert out.geo is not None and out.geo.crs == "EPSG:4326"
    assert any("longitude/latitude assumed" in n for n in out.notes)


def test_malformed_world_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "map.png"
    path.write_bytes(save(map_like(), "PNG"))
    (tmp_path / "map.pgw").write_text("hello\nworld\n")
    out = read_image(Source(name=str(path), path=path), "png")
    assert out.geo is None
    assert any("unreadable" in n or "malformed" in n for n in out.notes)


def test_a_windows_icon_saved_as_png_is_read_as_a_picture(tmp_path: Path) -> None:
    """rustdoc ships favicons in ICO format under .png: they were ME901 errors ("damaged or
    misnamed?"), failing a docs site's check."""
    from PIL import Image

    from checker.config import Config
    from checker.engine import check_file
    from checker.model import Verdict

    path = tmp_path / "favicon.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(path, format="ICO", sizes=[(64, 64)])
    assert path.read_bytes()[:4] == b"\x00\x00\x01\x00"
    report = check_file(path, Config(ocr=False))
    assert report.verdict is Verdict.UNDETERMINED
    assert not report.findings
