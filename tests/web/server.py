"""The real server (uvicorn) on a free loopback port, in a thread: for the browser test and
``bench/serve.py``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from checker.web import DEFAULT_MAX_UPLOAD
from checker.web.app import create_app


@contextmanager
def running_server(
    *, ocr: bool = True, temp_root: Path | None = None, max_upload: int = DEFAULT_MAX_UPLOAD
) -> Iterator[str]:
    """Yield the base URL of a running server; stop it on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(ocr=ocr, temp_root=temp_root, max_upload=max_upload)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
