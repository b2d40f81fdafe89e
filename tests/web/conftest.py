"""Fixtures for the web page tests: the app with a private upload root, and map pictures.

The pictures are drawn from the reference boundaries (``tests/imaging/maps.py``): a regional map
1000 px wide with Crimea in Russia's colour and the borders as Russia claims them, and the same
map with Crimea in Ukraine's colour. The real image pipeline (registration included) decides both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from checker.web.app import create_app
from tests.imaging import maps

#: The page's origin in the tests (the Host header the app accepts).
BASE_URL = "http://127.0.0.1:8765"
HEADERS = {"X-Mapcheck": "1"}
LIMIT = 2 * 1024 * 1024


def draw_maps(folder: Path, width: int = 1000) -> dict[str, Path]:
    """``crimea-russia.png`` (Crimea in Russia's fill, annexed borders) and ``correct.png``."""
    reg, size = maps.projection(maps.REGIONAL, width)
    styles = {
        "crimea-russia": maps.Style(crimea=maps.RUSSIA, borders=maps.BLACK, annexed=True),
        "correct": maps.Style(borders=maps.BLACK),
    }
    out = {}
    for name, style in styles.items():
        path = folder / f"{name}.png"
        Image.fromarray(maps.render(style, reg, size)).save(path)
        out[name] = path
    return out


@pytest.fixture(scope="session")
def map_pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return draw_maps(tmp_path_factory.mktemp("maps"))


@pytest.fixture
def upload_root(tmp_path: Path) -> Iterator[Path]:
    """The folder the app makes its private per-request folders in; empty after every test."""
    root = tmp_path / "uploads"
    root.mkdir()
    yield root
    assert list(root.iterdir()) == [], "a request left files behind"


@pytest.fixture
def client(upload_root: Path) -> TestClient:
    app = create_app(max_upload=LIMIT, ocr=False, temp_root=upload_root)
    return TestClient(app, base_url=BASE_URL)
