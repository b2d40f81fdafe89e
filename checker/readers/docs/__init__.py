"""Readers for documents and data files, one module per format family.

Each module turns bytes into :class:`~checker.readers.base.TextEvidence` through a
:class:`~checker.readers.docs._collect.Collector`, which enforces the shared limits (characters of
text, number of items, embedded images). :func:`checker.readers.text.read_text` dispatches here.

Location conventions (what ``TextSegment.line``/``column`` mean) differ by format and are
documented in each module; in short: text, Markdown, HTML, source code, JSON, YAML, CSV and SQL
give lines and columns of the input file; PDF gives the page and the line within the page's
text; DOCX/ODT give the paragraph number within its part; RTF gives the paragraph number in the
extracted text.
"""
