"""Where a page may send the user next: paths on this site only, never a URL a browser could take elsewhere."""
from __future__ import annotations

from urllib.parse import urlsplit


def is_local_path(target: str) -> bool:
    """True for a path on this site such as "/tasks/3?x=1"; False for anything a browser might read otherwise."""
    # Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil" and "/\evil" lead to //evil.
    if any(ord(c) < 0x20 or c == "\x7f" or c == "\\" for c in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
