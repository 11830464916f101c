"""Measuring what an upload costs the running app: its processes' memory and the temporary files
they hold (spooled uploads are unlinked at once, so they are counted through /proc/<pid>/fd)."""

from __future__ import annotations

import http.client
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

MB = 1024 * 1024
TEMP_DIR = tempfile.gettempdir()  # the app inherits the test's environment, so the same folder
BOUNDARY = "----mentoringProbeBoundary"


def app_pids(port: int) -> list[int]:
    """Every process of the app started on ``port`` (the harness gives each app its own PORT)."""
    wanted = f"PORT={port}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def open_file_bytes(pids: list[int]) -> int:
    """Bytes in regular files the processes hold open that live in a temporary directory or are
    already deleted (where spooled uploads go)."""
    total = 0
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        try:
            fds = list(fd_dir.iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
                if "(deleted)" not in target and not target.startswith(TEMP_DIR):
                    continue
                info = fd.stat()
            except OSError:
                continue
            if (info.st_mode & 0o170000) == 0o100000:
                total += info.st_size
    return total


@dataclass
class Peak:
    """Samples memory and spooled bytes every 50 ms while an upload runs."""

    pids: list[int]
    rss_before: int = 0
    rss_peak: int = 0
    spool_peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Peak:
        self.rss_before = self.rss_peak = rss_bytes(self.pids)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.rss_peak = max(self.rss_peak, rss_bytes(self.pids))
            self.spool_peak = max(self.spool_peak, open_file_bytes(self.pids))
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.5)
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    @property
    def rss_growth(self) -> int:
        return self.rss_peak - self.rss_before


def multipart_body(size: int, *, filename: str = "big.mp4", chunk: int = MB) -> Iterator[bytes]:
    """A multipart/form-data body with one file of ``size`` bytes, made as it is sent."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    block = b"\0\0\0\x18ftypmp42" + b"x" * (chunk - 12)
    sent = 0
    while sent < size:
        piece = block[: min(chunk, size - sent)]
        sent += len(piece)
        yield piece
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


@dataclass
class UploadResult:
    status: int | None  # None when the server closed the connection before answering
    body: bytes
    sent: int


def post_upload(
    base_url: str,
    *,
    handler: str,
    size: int,
    cookie: str = "",
    declare_length: bool = True,
    timeout: float = 120,
) -> UploadResult:
    """POST a streamed upload to /_upload as Reflex's browser code does (token and handler
    headers), with or without a Content-Length (chunked transfer when without)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    head_len = len(next(multipart_body(0)))
    tail_len = len(f"\r\n--{BOUNDARY}--\r\n")
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Reflex-Client-Token": "probe-" + os.urandom(8).hex(),
        "Reflex-Event-Handler": handler,
    }
    if cookie:
        headers["Cookie"] = cookie
    if declare_length:
        headers["Content-Length"] = str(head_len + size + tail_len)
    else:
        headers["Transfer-Encoding"] = "chunked"
    sent = 0
    try:
        connection.putrequest("POST", "/_upload")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        for piece in multipart_body(size):
            data = piece if declare_length else b"%x\r\n%s\r\n" % (len(piece), piece)
            connection.send(data)
            sent += len(piece)
        if not declare_length:
            connection.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server refused and closed while we were still sending
    try:
        response = connection.getresponse()
        return UploadResult(response.status, response.read(), sent)
    except (OSError, http.client.HTTPException):
        return UploadResult(None, b"", sent)
    finally:
        connection.close()
