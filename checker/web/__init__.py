"""``mapcheck serve``: a local web page where a journalist drops a map or a document and sees the
verdict, why, and what to use instead.

A thin layer over the library: :mod:`.upload` streams a multipart upload into a private temporary
folder under a size limit, :mod:`.service` runs :func:`checker.engine.check_source` (and
:func:`checker.fix.fix_file` for vector maps) and turns the report into plain data for the page,
:mod:`.app` is the Starlette application (one page, one ``POST`` endpoint, strict security
headers), :mod:`.strings` holds every interface string, one table per language. The page's
script and styles are package data in ``static/`` and are served by the app itself, so the page
works with no network at all.
"""

from __future__ import annotations

#: Upload limit when none is given (bytes of the whole request body).
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
