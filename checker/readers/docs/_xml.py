"""XML parsing for document readers: always through defusedxml, with ME9xx errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from checker.readers.base import ReaderError


def parse_xml(data: bytes, member: str) -> Any:
    """The root element of ``data`` (an archive member named ``member``).

    Entity declarations (billion laughs, external entities) are refused with ME901, as DESIGN §8
    asks of every XML input; malformed XML is ME901 with the parser's reason.
    """
    import defusedxml.ElementTree as SafeET

    with xml_errors(member):
        return SafeET.fromstring(data)


@contextlib.contextmanager
def xml_errors(member: str) -> Iterator[None]:
    """defusedxml's refusals and the parser's errors inside the block, as ME901 naming
    ``member``."""
    import defusedxml
    import defusedxml.ElementTree as SafeET

    try:
        yield
    except defusedxml.DefusedXmlException as exc:
        raise ReaderError(
            "ME901", f"{member}: XML entities are not allowed ({type(exc).__name__})"
        ) from None
    except SafeET.ParseError as exc:
        raise ReaderError("ME901", f"{member}: invalid XML ({exc})") from None


def local(tag: object) -> str:
    """``{namespace}name`` → ``name``."""
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1]
