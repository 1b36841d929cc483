"""Frames between the server and a script runner: a 4-byte big-endian length, then UTF-8 JSON.

A frame that tells a user something (a refusal, an error, a refused call) carries its "message" text and,
for an engine message, its "code" and "params" beside it, so the other side rebuilds the Msg (``said``/``heard``).
"""
from __future__ import annotations

import json
import os
import select
import struct
import time

from engine.errors import Msg
from engine.messages import MESSAGES

MAX_FRAME = 64 * 1024 * 1024  # a matter's data is far smaller; anything larger is a runaway


class ChannelClosed(Exception):
    """The other side closed the pipe (a runner that died, or a server that went away)."""


class TimedOut(Exception):
    """Nothing arrived before the deadline."""


def said(message: str) -> dict:
    """The fields of a frame that carry ``message``: its text, and its code and params when it has them."""
    if isinstance(message, Msg) and message.code:
        return {"message": str(message), "code": message.code, "params": message.params}
    return {"message": str(message)}


def heard(frame: dict, default: str = "") -> str:
    """The message a frame carries: the Msg its code and params rebuild, else its text (or ``default``)."""
    text = frame.get("message")
    text = text if isinstance(text, str) else default
    code, params = frame.get("code"), frame.get("params")
    if isinstance(code, str) and code in MESSAGES and isinstance(params, dict):
        try:
            return Msg(code, **params)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            pass  # params that do not fit the message: its text still says what happened
    return text


def dumps(value) -> str:
    """``value`` as compact JSON text; raises TypeError or ValueError for anything that is not JSON data."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def encode(message: dict) -> bytes:
    """One frame; raises TypeError or ValueError for anything that is not JSON data."""
    body = dumps(message).encode("utf-8")
    return struct.pack(">I", len(body)) + body


def write(fd: int, frame: bytes) -> None:
    """Write an encoded frame to ``fd``."""
    data = memoryview(frame)
    while data:
        data = data[os.write(fd, data):]


def send(fd: int, message: dict) -> None:
    """Write one frame to ``fd``."""
    write(fd, encode(message))


def _read(fd: int, deadline: float | None) -> bytes:
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimedOut()
    chunk = os.read(fd, 1 << 20)
    if not chunk:
        raise ChannelClosed()
    return chunk


def receive(fd: int, deadline: float | None = None) -> dict:
    """Read one frame from ``fd``, waiting until ``deadline`` (time.monotonic) at most.

    Each side sends one frame and then waits for the answer, so a read never takes the start of the
    next frame: whole chunks can be read at once.
    """
    data = _read(fd, deadline)
    while len(data) < 4:
        data += _read(fd, deadline)
    (size,) = struct.unpack(">I", data[:4])
    if size > MAX_FRAME:
        raise ChannelClosed()
    parts, have = [data[4:]], len(data) - 4
    while have < size:
        chunk = _read(fd, deadline)
        parts.append(chunk)
        have += len(chunk)
    message = json.loads(b"".join(parts))
    if not isinstance(message, dict):
        raise ChannelClosed()
    return message
