"""A scripted HTTP/1.1 server on 127.0.0.1 for hostile answers httpx-level fakes cannot make:
bytes trickled over seconds, bodies cut mid-way, gzip bombs streamed without a length."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

# One answer: given the connection, write whatever it likes (and close it, or not).
Answer = Callable[[socket.socket], None]


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += conn.recv(65536)
    return head


@contextmanager
def serve(answers: list[Answer]) -> Iterator[tuple[str, list[bytes]]]:
    """Serve ``answers`` in turn, one connection each (the last repeats); yields the URL and the
    request heads received."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    heads: list[bytes] = []
    stop = threading.Event()

    def run() -> None:
        index = 0
        while True:
            conn, _ = listener.accept()
            if stop.is_set():
                conn.close()
                return
            with conn:
                heads.append(_read_request(conn))
                # The client may leave mid-answer (that is the point of most answers here).
                with suppress(OSError):
                    answers[min(index, len(answers) - 1)](conn)
            index += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", heads
    finally:
        stop.set()
        # A blocking accept woken by one last connection: polling it cost each test a fifth of a
        # second of waiting for the poll to come round (a minute over the files that serve).
        with suppress(OSError), socket.create_connection(listener.getsockname(), timeout=5):
            pass
        thread.join(timeout=5)
        listener.close()


def full(status: int, body: bytes, content_type: bytes = b"application/json") -> Answer:
    """A complete answer, then the connection closes."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (status, content_type, len(body))
            + body
        )

    return answer


def cut(status: int, body: bytes) -> Answer:
    """Headers with the real length, half the body, then the connection closes."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % (status, len(body))
            + body[: len(body) // 2]
        )

    return answer


def trickle(every: float, total: int) -> Answer:
    """A 200 whose body arrives one byte every ``every`` seconds."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % total)  # fmt: skip
        for _ in range(total):
            conn.sendall(b" ")
            time.sleep(every)

    return answer


def gzip_bomb(status: int, inflated: int, *, chunked: bool = True) -> Answer:
    """A gzip body that inflates to ``inflated`` bytes of zeros, streamed without a length."""

    def answer(conn: socket.socket) -> None:
        encoding = b"Transfer-Encoding: chunked\r\n" if chunked else b"Connection: close\r\n"
        conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\n%s\r\n" % (status, encoding))  # fmt: skip
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = bytes(1 << 20)
        for _ in range(inflated >> 20):
            piece = packer.compress(block)
            if piece:
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        tail = packer.flush()
        conn.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(tail), tail) if chunked else tail)

    return answer


def endless(status: int = 200) -> Answer:
    """An identity body without Content-Length that never stops (until the reader leaves)."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\n\r\n" % status)  # fmt: skip
        block = b" " * (1 << 20)
        while True:
            conn.sendall(block)

    return answer


def trickle_head(every: float) -> Answer:
    """The status line and headers themselves, one byte every ``every`` seconds."""

    def answer(conn: socket.socket) -> None:
        for (
            byte
        ) in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}":
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return answer
