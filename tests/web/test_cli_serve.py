"""``mapcheck serve``: options reach the server; a non-loopback address warns."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.web import app as web_app


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_serve(host: str, port: int, open_browser: bool, max_upload: int, ocr: bool) -> None:
        seen.append(
            {"host": host, "port": port, "open": open_browser, "max": max_upload, "ocr": ocr}
        )

    monkeypatch.setattr(web_app, "serve", fake_serve)
    return seen


def test_defaults_bind_loopback(calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert calls == [
        {"host": "127.0.0.1", "port": 8765, "open": False, "max": 50 * 1024 * 1024, "ocr": True}
    ]
    assert "http://127.0.0.1:8765/" in result.output
    assert "warning" not in result.output


def test_other_address_warns(calls: list[dict[str, Any]]) -> None:
    args = ["serve", "--host", "0.0.0.0", "--port", "9000", "--open", "--max-upload", "5"]
    result = CliRunner().invoke(cli, [*args, "--no-ocr"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.output
    assert calls[0] == {"host": "0.0.0.0", "port": 9000, "open": True, "max": 5 << 20, "ocr": False}


def test_bad_port_is_a_usage_error(calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and calls == []


def test_check_does_not_import_the_web_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from checker import cli; "
        "print(any(m.split('.')[0] in ('starlette', 'uvicorn', 'anyio') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
