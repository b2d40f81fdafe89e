"""Progress on standard error: a bar with files/s and ETA on a terminal, plain lines otherwise.

On a terminal the line is redrawn at most ten times a second; elsewhere (a log file, CI) a line
is written every :data:`LINE_INTERVAL_S` seconds, so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

LINE_INTERVAL_S = 10.0
_REDRAW_S = 0.1
_BAR = 24


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts files as they finish and shows the rate and the time left."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        enabled: bool = True,
        interval_s: float = LINE_INTERVAL_S,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.enabled = enabled
        self.interval_s = interval_s
        self.total = 0
        self.done = 0
        self.errors = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def listing(self, found: int) -> None:
        """While walking: how many files were found so far."""
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty and now - self._last >= _REDRAW_S:
            self._last = now
            self._write(f"\rlisting: {found:,} files found")
            self._drawn = True

    def start(self, total: int, recorded: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0
        if not self.enabled:
            return
        self._clear()
        note = f" ({recorded:,} already recorded)" if recorded else ""
        self._write(f"audit: {total:,} files to check{note}\n")

    def advance(self, n: int = 1, errors: int = 0) -> None:
        self.done += n
        self.errors += errors
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if now - self._last >= _REDRAW_S or self.done >= self.total:
                self._last = now
                self._write("\r" + self.line(now) + "\x1b[K")
                self._drawn = True
        elif now - self._last >= self.interval_s:
            self._last = now
            self._write(self.line(now) + "\n")

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 and left > 0 else "--:--"
        if self.total:
            filled = int(_BAR * min(self.done / self.total, 1.0))
            bar = "#" * filled + "-" * (_BAR - filled)
            share = f"{100 * self.done / self.total:3.0f}%"
        else:
            bar, share = "-" * _BAR, "  -%"
        errors = f", {self.errors:,} errors" if self.errors else ""
        if not self.tty:
            return (
                f"audit: {self.done:,}/{self.total:,} files ({share.strip()}), "
                f"{rate:.1f} files/s, ETA {eta}{errors}"
            )
        return f"[{bar}] {share} {self.done:,}/{self.total:,} {rate:.1f} files/s ETA {eta}{errors}"

    def finish(self) -> None:
        if not self.enabled:
            return
        self._clear()
        if self.total:
            elapsed = time.monotonic() - self.started
            self._write(
                f"audit: {self.done:,}/{self.total:,} files in {_duration(elapsed)} "
                f"({self.done / max(elapsed, 1e-9):.1f} files/s)\n"
            )

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self._write("\r\x1b[K")
            self._drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # a closed terminal must not stop the audit
