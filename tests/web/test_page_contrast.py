"""The page's colours: every text/background pair it uses reaches WCAG AA contrast (4.5:1), in
the light and the dark scheme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "checker/web/static/app.css").read_text("utf-8")

#: (text colour, background) pairs as the stylesheet uses them: variables or literal colours.
PAIRS = [
    ("--fg", "--bg"),
    ("--fg", "--panel"),
    ("--muted", "--bg"),
    ("--muted", "--panel"),
    ("--accent", "--bg"),
    ("--accent", "--panel"),
    ("--accent-fg", "--accent"),
    ("--flag", "--bg"),
    ("--warn", "--bg"),
    ("--clean", "--bg"),
    ("--undetermined", "--bg"),
    ("--error", "--bg"),
    ("--fg", "--mark"),
]
BADGES = ["flag", "warn", "clean", "undetermined", "error"]


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def schemes() -> dict[str, dict[str, str]]:
    light = _variables(CSS.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = CSS.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]
    return {"light": light, "dark": {**light, **_variables(dark_block)}}


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_contrast(scheme: str, fg: str, bg: str) -> None:
    colours = schemes()[scheme]
    assert contrast(colours[fg], colours[bg]) >= 4.5, (scheme, fg, bg)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_stands_out(scheme: str) -> None:
    """WCAG 2.2 non-text contrast: the focus outline at least 3:1 against the page."""
    colours = schemes()[scheme]
    assert contrast(colours["--focus"], colours["--bg"]) >= 3.0
    assert contrast(colours["--focus"], colours["--panel"]) >= 3.0


@pytest.mark.parametrize("verdict", BADGES)
def test_badges_are_white_on_a_dark_fill(verdict: str) -> None:
    fill = re.search(rf"\.badge\.b-{verdict}\s*\{{\s*background:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert fill is not None
    assert contrast("#ffffff", fill.group(1)) >= 4.5
