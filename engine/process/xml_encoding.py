"""Uploads in the encoding their XML declaration names: read per that declaration, kept as UTF-8 from then on."""
from __future__ import annotations

import codecs
import re

_DECLARATION = re.compile(r'^(\ufeff?<\?xml\s[^>]*?encoding\s*=\s*)(["\'])([A-Za-z][A-Za-z0-9._-]*)\2')
_DECLARATION_BYTES = re.compile(rb'^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*["\']([A-Za-z][A-Za-z0-9._-]*)["\']')


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_utf8(text: str) -> str:
    """Text (already decoded, as a JSON upload is) with its declaration saying UTF-8, the bytes it becomes."""
    return _DECLARATION.sub(lambda m: f"{m.group(1)}{m.group(2)}UTF-8{m.group(2)}", text, count=1)


def to_utf8(data: bytes) -> bytes:
    """A document's bytes as UTF-8, decoded per its declared encoding (undecodable bytes stay for the parser to refuse)."""
    match = _DECLARATION_BYTES.match(data)
    if not match:
        return data
    codec = _codec(match.group(1).decode("ascii"))
    if codec is None or codec == "utf-8" or codec.startswith(("utf-16", "utf-32")):
        return data
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return data
    return declared_utf8(text).encode("utf-8")
