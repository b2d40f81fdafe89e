"""YAML, loaded safely, with line and column for every scalar.

PyYAML (MIT) composes the document into a node graph with ``SafeLoader`` — no object
construction, so no arbitrary Python objects or tags — and each node carries the mark where it
starts. Aliases share nodes: each node is visited once (an alias is not expanded again), so an
alias bomb costs nothing. The evidence model is the JSON one (:mod:`.jsondata`): records per
mapping, segments per string scalar (keys included), enumerations for sequences of strings, the
values of a key across a sequence of mappings, and the keys of a mapping of containers.

Positions: a plain or quoted scalar's first character; for block scalars (``|``, ``>``) the first
character of the text on the line after the indicator. A scalar written over several lines (block,
folded plain or single-quoted) is given as its source lines, indentation included, so that
:meth:`TextSegment.position` is exact inside it; records hold the loaded value. Multi-document
streams give key paths ``$`` for the first document and ``doc 2: $…`` for the next ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.readers.base import ReaderError, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, js_path
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
MAX_DOCUMENTS = 10_000

Columns = dict[str, list[TextSegment]]


def read_yaml(data: bytes) -> TextEvidence:
    import yaml

    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector("yaml", encoding, notes)
    col.evidence.source_lines = text.split("\n")
    walker = _Walker(col, text)
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=yaml.SafeLoader)):
            if index >= MAX_DOCUMENTS:
                col.undetermined(f"more than {MAX_DOCUMENTS:,} YAML documents; the rest not read")
                break
            if node is not None:
                walker.walk(node, "$" if index == 0 else f"doc {index + 1}: $")
            if col.full:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ReaderError("ME901", f"invalid YAML{where}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ReaderError("ME901", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ReaderError("ME903", "YAML nested more deeply than the reader allows") from None
    return col.evidence


def _scalar(node: Any) -> Any:
    value = node.value
    try:
        if node.tag == _INT:
            return int(value.replace("_", ""), 0) if value[:2] in ("0x", "0o") else int(value)
        if node.tag == _FLOAT:
            return float(value)
    except ValueError:
        return value
    if node.tag == _NULL:
        return None
    return value  # strings, and booleans as written ("yes", "no", "true")


class _Walker:
    def __init__(self, col: Collector, text: str) -> None:
        self.col = col
        self.text = text
        self.seen: set[int] = set()

    def _segment(self, node: Any, path: str, part: str) -> TextSegment | None:
        if node.tag != _STR or not node.value.strip():
            return None
        start, end = node.start_mark, node.end_mark
        line, column = start.line + 1, start.column + 1
        style = node.style
        value = node.value
        if style in ("|", ">"):
            # The text starts on the next non-blank line, after its indentation. The raw lines
            # (indentation kept) are the segment, so positions inside it stay exact.
            pos = self.text.find("\n", start.index) + 1
            line += 1
            while 0 < pos < end.index and self.text.startswith("\n", pos):
                pos += 1
                line += 1
            raw = self.text[pos : end.index]
            indent = len(raw) - len(raw.lstrip(" "))
            value, column = raw[indent:].rstrip(), indent + 1
        elif style in ('"', "'"):
            column += 1
            if end.line > start.line and style == "'":
                value = self.text[start.index + 1 : end.index - 1]
        elif end.line > start.line:  # a plain scalar folded over several lines
            value = self.text[start.index : end.index].rstrip()
        if not value.strip():
            return None
        return self.col.segment(value, line, column, part=part, key_path=path)

    def walk(self, root: Any, path: str) -> None:
        import yaml

        if isinstance(root, yaml.ScalarNode):
            self._segment(root, path, "value")
            return
        stack: list[Iterator[tuple[Any, str, Columns | None]]] = [self._visit(root, path, None)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if self.col.full:
                return
            stack.append(self._visit(*child))

    def _visit(
        self, node: Any, path: str, sink: Columns | None
    ) -> Iterator[tuple[Any, str, Columns | None]]:
        import yaml

        if id(node) in self.seen:  # an alias: already read where it was defined
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            fields: dict[str, Any] = {}
            keys: list[TextSegment] = []
            containers = 0
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                child = js_path(path, key)
                kseg = self._segment(key_node, child, "key")
                if kseg is not None:
                    keys.append(kseg)
                if isinstance(value_node, yaml.ScalarNode):
                    fields[key] = _scalar(value_node)
                    seg = self._segment(value_node, child, "value")
                    if seg is not None and sink is not None:
                        sink.setdefault(key, []).append(seg)
                else:
                    containers += 1
                    if isinstance(value_node, yaml.MappingNode):
                        for k2, v2 in value_node.value:
                            if isinstance(k2, yaml.ScalarNode) and isinstance(v2, yaml.ScalarNode):
                                fields.setdefault(f"{key}.{k2.value}", _scalar(v2))
                    yield value_node, child, None
            self.col.record(fields, path, None, node.start_mark.line + 1)
            if len(node.value) >= 2 and containers == len(node.value) == len(keys):
                self.col.enumeration(keys, path, "yaml-keys")
        elif isinstance(node, yaml.SequenceNode):
            strings: list[TextSegment] = []
            mappings = 0
            columns: Columns = {}
            for index, item in enumerate(node.value):
                child = js_path(path, index)
                if isinstance(item, yaml.ScalarNode):
                    seg = self._segment(item, child, "value")
                    if seg is not None:
                        strings.append(seg)
                else:
                    if isinstance(item, yaml.MappingNode):
                        mappings += 1
                    yield item, child, columns
            if len(strings) >= 2 and len(strings) == len(node.value):
                self.col.enumeration(strings, path, "yaml-sequence")
            if mappings >= 2:
                for key, segs in columns.items():
                    if len(segs) >= 2:
                        self.col.enumeration(segs, js_path(f"{path}[*]", key), f"yaml-field:{key}")
