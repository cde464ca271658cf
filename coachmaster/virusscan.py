"""Asking ClamAV's clamd whether an upload carries malware (optional: ``CLAMD_ADDRESS``).

The client speaks clamd's INSTREAM command: ``zINSTREAM\\0``, then the file in chunks, each
preceded by its length as four big-endian bytes, then a zero length. clamd answers
``stream: OK`` or ``stream: <signature> FOUND``. Anything else (an error reply, a refused or
timed-out connection) raises ``ScanUnavailable``: the caller refuses the upload, because a
scan that could not run is not a clean result.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScanUnavailable(Exception):
    """clamd could not give an answer; the message says why (for the log, not the user)."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


def is_configured() -> bool:
    return bool(settings.CLAMD_ADDRESS)


def scan(stream: BinaryIO, *, address: str = "", timeout: float | None = None) -> ScanResult:
    """Send ``stream`` (from its current position to its end) to clamd and return its verdict."""
    address = address or settings.CLAMD_ADDRESS
    timeout = settings.CLAMD_TIMEOUT if timeout is None else timeout
    try:
        connection = _connect(address, timeout)
    except OSError as error:
        raise ScanUnavailable(f"cannot connect to clamd at {address}: {error}") from error
    with connection:
        try:
            connection.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_BYTES):
                connection.sendall(struct.pack("!I", len(chunk)) + chunk)
            connection.sendall(struct.pack("!I", 0))
        except OSError as error:
            # clamd closes the stream early when it exceeds its StreamMaxLength; its reply
            # says so, and is more useful in the log than the broken pipe.
            reply = _read_reply(connection, quiet=True)
            raise ScanUnavailable(
                f"clamd at {address} stopped reading: {reply or error}"
            ) from error
        reply = _read_reply(connection)
    return _verdict(reply, address)


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _colon, port = address.removeprefix("tcp://").rstrip("/").rpartition(":")
        if not host or not port.isdigit():
            raise OSError(f"not a tcp://host:port address: {address!r}")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    path = address.removeprefix("unix://")
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        raise
    return connection


def _read_reply(connection: socket.socket, *, quiet: bool = False) -> str:
    received = b""
    try:
        while b"\0" not in received and len(received) < MAX_REPLY_BYTES:
            data = connection.recv(1024)
            if not data:
                break
            received += data
    except OSError as error:
        if quiet:
            return ""
        raise ScanUnavailable(f"no reply from clamd: {error}") from error
    return received.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str, address: str) -> ScanResult:
    if reply == "stream: OK":
        return ScanResult(infected=False)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanResult(infected=True, signature=reply.removeprefix("stream: ")[:-6].strip())
    raise ScanUnavailable(f"unexpected reply from clamd at {address}: {reply!r}")
