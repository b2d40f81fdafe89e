"""Web page benchmark: how much does ``mapcheck serve`` add to the image pipeline's own time?

Issue 7's target: a verdict for a 1000-px map appears within the image pipeline's own time plus
one second. For each picture this script measures, alternately and ``--runs`` times:

- **library**: ``checker.engine.check_source`` in this process, with the settings the page uses
  (no cache, OCR on, the evidence picture written to a private folder): the pipeline's own time;
- **HTTP**: the same file posted to ``/api/check`` of a real ``mapcheck serve`` started in a
  subprocess on a free loopback port, timed from the first byte sent to the last byte of the
  JSON answer received (upload, multipart parsing, the check in a worker thread, the evidence
  picture as base64, JSON, cleanup of the temporary folder).

One untimed warm-up of each comes first (imports, tesseract's first start). It prints the
medians of the library time, of the server's own time for the request (``seconds`` in the
answer: the check plus building the answer), of the HTTP round trip, the difference
(HTTP − library) and the ratio; it asserts nothing and exits 0.

The pictures are ``bench/mapgen`` maps about 1000 px wide: the first Crimea-as-Russia and the
first correct map of the tuning seed whose longer side is 900–1100 px (``--image`` adds your own).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pictures(folder: Path) -> list[Path]:
    """One Crimea-as-Russia and one correct map of ~1000 px from ``bench/mapgen``."""
    from bench.mapgen import TUNING_SEED, encode, render, sample_spec

    out: list[Path] = []
    for depiction in ("crimea-as-russia", "crimea-as-ukraine"):
        for index in range(500):
            spec = sample_spec(TUNING_SEED, index)
            if spec.depiction == depiction and 900 <= max(spec.width, spec.height) <= 1100:
                break
        else:
            continue
        image, _ = render(spec)
        ext = ".jpg" if spec.fmt == "jpeg" else ".png"
        path = folder / f"{depiction}-seed{TUNING_SEED}-{index}{ext}"
        path.write_bytes(encode(image, spec))
        out.append(path)
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "checker", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("mapcheck serve did not start")


def post(port: int, path: Path) -> tuple[float, dict[str, object]]:
    """Seconds from sending the upload to receiving the whole answer, and the answer."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="profile"\r\n\r\n'.encode(),
            b"un\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode(),
            path.read_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/check",
        data=body,
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Mapcheck": "1",
        },
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as r:
        data = r.read()
    return time.perf_counter() - started, json.loads(data)


def library(path: Path) -> tuple[float, str]:
    from checker.config import Config
    from checker.engine import check_source
    from checker.readers.base import Source

    folder = Path(tempfile.mkdtemp(prefix="mapcheck-bench-"))
    try:
        config = Config(use_cache=False, cache_dir=None, evidence_dir=folder, ocr=True)
        started = time.perf_counter()
        report = check_source(Source(name=path.name, path=path), config)
        return time.perf_counter() - started, report.verdict.value
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--image", action="append", default=[], help="also time this picture")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="mapcheck-bench-serve-"))
    port = free_port()
    server = start_server(port)
    try:
        images = pictures(work) + [Path(p) for p in args.image]
        print(f"mapcheck serve on 127.0.0.1:{port}; {args.runs} timed runs each; OCR on")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)\n")
        header = f"{'picture':<40} {'size':>9} {'verdict':>7} {'library':>9} {'server':>9}"
        print(header + f" {'HTTP':>9} {'HTTP-lib':>9} {'ratio':>6}")
        for path in images:
            from PIL import Image

            with Image.open(path) as im:
                size = f"{im.width}x{im.height}"
            library(path)  # warm-up: imports, tesseract's first start
            post(port, path)
            lib_times, http_times, server_times = [], [], []
            verdict = ""
            for _ in range(args.runs):
                seconds, verdict = library(path)
                lib_times.append(seconds)
                seconds, answer = post(port, path)
                http_times.append(seconds)
                server_times.append(float(answer.get("seconds") or 0.0))  # type: ignore[arg-type]
                if answer.get("verdict") != verdict:
                    print(f"  note: HTTP said {answer.get('verdict')}, the library {verdict}")
            lib, http = statistics.median(lib_times), statistics.median(http_times)
            server_side = statistics.median(server_times)
            print(
                f"{path.name[:40]:<40} {size:>9} {verdict:>7} {lib:>8.2f}s {server_side:>8.2f}s "
                f"{http:>8.2f}s {http - lib:>+8.2f}s {http / lib:>6.2f}"
            )
        print("\ntarget (issue 7): HTTP − library ≤ 1 s for a 1000-px map (medians)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
