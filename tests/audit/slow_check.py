"""A check function for the audit's limit tests (``WorkerSettings.check_function``): files whose
names say so sleep, spin, allocate without bound or crash; the others are checked normally."""

from __future__ import annotations

import os
import signal
import time

from checker.config import Config
from checker.engine import check_source as real_check
from checker.model import FileReport
from checker.readers.base import Source


def check_source(source: Source, config: Config) -> FileReport:
    name = os.path.basename(source.name)
    if "SLEEP" in name:
        time.sleep(3600)
    if "SPIN" in name:
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:  # busy, holding the GIL
            pass
    if "HOG" in name:
        import numpy as np

        hoard = []
        for _ in range(1 << 20):  # 64 MiB at a time until the address-space limit stops it
            hoard.append(np.empty(64 << 20, dtype=np.uint8))  # reserved, not touched: fast
    if "CRASH" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    return real_check(source, config)
