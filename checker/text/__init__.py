"""Text matching shared by the text (MT3xx) and data (MD4xx) rules."""

from checker.text import native as _native

# Compiled modules or their sources: decided before any of them is imported.
_native.choose()
