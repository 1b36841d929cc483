"""Where attachment bytes live: files on disk named by their SHA-256, checked before they are kept."""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import filetype

from engine.errors import FormInvalid, Msg

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# What officials attach: scans and photos, PDFs, Office and OFD documents, plain text.
ALLOWED = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}
_ZIP_MARKER = {"docx": "word/", "xlsx": "xl/"}


@dataclass
class StoredFile:
    """A file accepted into the store."""

    filename: str
    content_type: str
    size: int
    sha256: str


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _content_matches(ext: str, data: bytes) -> bool:
    """The bytes are what the name says: magic numbers, a real Office zip, or UTF-8 text without controls."""
    if ext == "txt":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return not any(ord(c) < 32 and c not in "\r\n\t" for c in text)
    kind = filetype.guess(data)
    if ext in _ZIP_MARKER:
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return any(n.startswith(_ZIP_MARKER[ext]) for n in names) and not any(n.endswith(".bin") and "vba" in n.lower()
                                                                              for n in names)
    return kind is not None and (kind.extension == ext or (ext == "jpeg" and kind.extension == "jpg"))


class AttachmentStore:
    """Keeps files under ``root`` (a directory outside the database), at most ``max_bytes`` each."""

    def __init__(self, root: str | Path, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root)
        self.max_bytes = max_bytes

    def check(self, filename: str, data: bytes) -> StoredFile:
        """Refuse a file by name, size, type or content (FormInvalid on ``files``)."""
        name = os.path.basename((filename or "").replace("\\", "/")).strip()[:255]
        ext = _extension(name)
        if not name or ext not in ALLOWED:
            raise FormInvalid({"files": Msg("attachment.bad_type", name=name or "?", allowed="、".join(sorted(ALLOWED)))})
        if not data:
            raise FormInvalid({"files": Msg("attachment.empty", name=name)})
        if len(data) > self.max_bytes:
            raise FormInvalid({"files": Msg("attachment.too_big", name=name, mb=f"{round(self.max_bytes / 2 ** 20, 1):g}")})
        if not _content_matches(ext, data):
            raise FormInvalid({"files": Msg("attachment.mismatch", name=name, ext=ext)})
        return StoredFile(name, ALLOWED[ext], len(data), hashlib.sha256(data).hexdigest())

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def save(self, stored: StoredFile, data: bytes) -> None:
        """Write the bytes once (same content, same file), atomically."""
        target = self.path(stored.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
