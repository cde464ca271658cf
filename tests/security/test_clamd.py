"""The optional virus scan: clamd's INSTREAM protocol against a tiny fake clamd, failing closed
when clamd cannot answer, and a real clamd with a local test signature refusing an upload
through the real evidence form."""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from coachmaster import virusscan
from coachmaster.uploads import check_upload
from competencies.models import Evidence
from tests.competencies.evidence_helpers import (  # noqa: F401
    PDF,
    competencies_fixture,
    enrolment_fixture,
    private_media_fixture,
    upload,
)
from tests.competencies.test_evidence_pages import _form_data

MARKER = b"COACHMASTER-CLAMD-TEST-SIGNATURE"
SIGNATURE_NAME = "CoachMaster.Test.Signature-1"
INFECTED_PDF = PDF.replace(b"%%EOF", b"% " + MARKER + b"\n%%EOF")
INFECTED_MESSAGE = "This file contains a virus or other malware (%(name)s), so it is not accepted."
UNAVAILABLE_MESSAGE = (
    "Files cannot be checked for viruses at the moment, so this upload is not "
    "accepted. Please try again later."
)


# --- a fake clamd -------------------------------------------------------------------------------


class FakeClamd:
    """Speaks just enough INSTREAM to check the client: records what it got, answers ``reply``
    (``None``: says nothing until the client gives up)."""

    def __init__(self, reply: bytes | None = b"stream: OK\0", family=socket.AF_INET, path=""):
        self.reply = reply
        self.commands: list[bytes] = []
        self.chunks: list[bytes] = []
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_UNIX:
            self.listener.bind(path)
            self.address = path
        else:
            self.listener.bind(("127.0.0.1", 0))
            self.address = f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.listener.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _peer = self.listener.accept()
            except OSError:
                return
            with connection:
                self._answer(connection)

    def _read(self, connection, count: int) -> bytes:
        data = b""
        while len(data) < count:
            more = connection.recv(count - len(data))
            if not more:
                raise ConnectionError("client hung up")
            data += more
        return data

    def _answer(self, connection) -> None:
        try:
            self.commands.append(self._read(connection, len(b"zINSTREAM\0")))
            while True:
                (length,) = struct.unpack("!I", self._read(connection, 4))
                if length == 0:
                    break
                self.chunks.append(self._read(connection, length))
            if self.reply is None:
                time.sleep(2)
                return
            connection.sendall(self.reply)
        except (ConnectionError, OSError):
            return

    @property
    def received(self) -> bytes:
        return b"".join(self.chunks)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def fake_clamd(settings):
    servers = []

    def start(reply: bytes | None = b"stream: OK\0", **kwargs) -> FakeClamd:
        server = FakeClamd(reply, **kwargs)
        servers.append(server)
        settings.CLAMD_ADDRESS = server.address
        settings.CLAMD_TIMEOUT = 1
        return server

    yield start
    for server in servers:
        server.close()


def check(content: bytes = PDF, name: str = "verslag.pdf"):
    return check_upload(upload(content, name), allowed={"pdf"}, max_bytes=20 * 1024 * 1024)


def test_the_file_is_sent_as_one_instream_in_length_prefixed_chunks(fake_clamd):
    server = fake_clamd()
    content = PDF + os.urandom(200_000)
    checked = check(content)
    assert server.commands == [b"zINSTREAM\0"]
    assert server.received == content
    assert len(server.chunks) == 4  # 64 KB chunks
    assert max(len(chunk) for chunk in server.chunks) == 64 * 1024
    assert checked.file.read() == content  # rewound for storing


def test_a_found_signature_refuses_the_upload_and_is_logged(fake_clamd, caplog):
    fake_clamd(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
    with (
        caplog.at_level(logging.WARNING, logger="coachmaster.uploads"),
        pytest.raises(ValidationError) as caught,
    ):
        check(name="factuur.pdf")
    assert caught.value.code == "infected"
    assert caught.value.messages == [gettext(INFECTED_MESSAGE) % {"name": "Win.Test.EICAR_HDB-1"}]
    assert "factuur.pdf" in caplog.text and "Win.Test.EICAR_HDB-1" in caplog.text


@pytest.mark.parametrize(
    "reply",
    [b"INSTREAM size limit exceeded. ERROR\0", b"stream: lstat() failed. ERROR\0", b"", None],
    ids=["size-limit", "error", "hangs-up", "silent"],
)
def test_anything_but_a_verdict_fails_closed(fake_clamd, caplog, reply):
    fake_clamd(reply)
    with (
        caplog.at_level(logging.ERROR, logger="coachmaster.uploads"),
        pytest.raises(ValidationError) as caught,
    ):
        check()
    assert caught.value.code == "scan_unavailable"
    assert caught.value.messages == [gettext(UNAVAILABLE_MESSAGE)]
    assert "virus scan unavailable" in caplog.text


def test_an_unreachable_clamd_fails_closed(settings, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{port}"  # nobody listens there now
    with (
        caplog.at_level(logging.ERROR, logger="coachmaster.uploads"),
        pytest.raises(ValidationError) as caught,
    ):
        check()
    assert caught.value.code == "scan_unavailable"
    assert f"127.0.0.1:{port}" in caplog.text


def test_a_unix_socket_address_works(fake_clamd, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = fake_clamd(b"stream: OK\0", family=socket.AF_UNIX, path=path)
    assert server.address == path
    assert check().sha256
    assert server.received == PDF


def test_without_an_address_nothing_is_scanned(settings, monkeypatch):
    settings.CLAMD_ADDRESS = ""

    def refuse(*args, **kwargs):
        raise AssertionError("scanned without CLAMD_ADDRESS")

    monkeypatch.setattr(virusscan, "scan", refuse)
    assert check().extension == "pdf"


def test_a_file_refused_by_the_policy_never_reaches_clamd(fake_clamd):
    server = fake_clamd()
    with pytest.raises(ValidationError):
        check(b"MZ\x90\x00" + b"\0" * 100, "setup.pdf")
    assert server.commands == []


@pytest.mark.parametrize("address", ["tcp://nohost", "tcp://:3310", "tcp://host:port"])
def test_a_malformed_tcp_address_is_unavailable_not_a_crash(address):
    with pytest.raises(virusscan.ScanUnavailable):
        virusscan.scan(io.BytesIO(PDF), address=address, timeout=1)


# --- a real clamd -------------------------------------------------------------------------------

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def real_clamd(tmp_path_factory):
    """clamd on a free port, knowing only our test signature (no official databases)."""
    if CLAMD is None:
        if os.environ.get("COACHMASTER_REQUIRE_SERVICES"):
            pytest.fail("clamd is missing: apt-get install -y clamav-daemon")
        pytest.skip("needs clamd: apt-get install -y clamav-daemon")
    folder = tmp_path_factory.mktemp("clamd")
    database = folder / "db"
    database.mkdir()
    # A body signature (.ndb): any file containing MARKER, at any offset.
    (database / "coachmaster-test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{MARKER.hex()}\n")
    port = _free_port()
    config = folder / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"TCPSocket {port}\n"
        "TCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {database}\n"
        f"LogFile {folder / 'clamd.log'}\n"
        "StreamMaxLength 30M\n"
    )
    process = subprocess.Popen(
        [CLAMD, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _pong(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start:\n{log}")
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.services
def test_real_clamd_refuses_a_file_with_the_test_signature_through_the_evidence_form(
    client, student, enrolment, competencies, private_media, real_clamd, settings
):
    settings.CLAMD_ADDRESS = real_clamd
    client.force_login(student)
    response = client.post(
        reverse("competencies:evidence_create"),
        _form_data(competencies, upload=upload(INFECTED_PDF, "verslag.pdf")),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["upload"] == [
        gettext(INFECTED_MESSAGE) % {"name": f"{SIGNATURE_NAME}.UNOFFICIAL"}
    ]
    assert not Evidence.objects.exists()
    assert not [path for path in private_media.rglob("*") if path.is_file()]


@pytest.mark.services
def test_real_clamd_accepts_a_clean_file_through_the_evidence_form(
    client, student, enrolment, competencies, private_media, real_clamd, settings
):
    settings.CLAMD_ADDRESS = real_clamd
    client.force_login(student)
    response = client.post(
        reverse("competencies:evidence_create"),
        _form_data(competencies, upload=upload(PDF, "verslag.pdf")),
    )
    assert response.status_code == 302
    assert Evidence.objects.get().size == len(PDF)
