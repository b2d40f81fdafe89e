"""Text matching shared by the text (MT3xx) and data (MD4xx) rules."""
