"""A loopback server for the client-memory benchmark: a gzip bomb or an endless body.

``python benchmarks/hostile_server.py bomb|endless`` prints its URL and serves that answer to
every request until killed. It runs as its own process so that its memory is not the client's.
"""

from __future__ import annotations

import socket
import sys
import threading
import zlib


def _bomb(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")  # fmt: skip
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    for _ in range(1024):  # 1 GiB once inflated
        piece = packer.compress(block)
        if piece:
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
    tail = packer.flush()
    conn.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(tail), tail))


def _endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    block = b" " * (1 << 20)
    for _ in range(1024):  # 1 GiB without a Content-Length
        conn.sendall(block)


def _serve(conn: socket.socket, answer: str) -> None:
    with conn:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        try:
            (_bomb if answer == "bomb" else _endless)(conn)
        except OSError:
            return  # the client left at its cap: that is the point


def main() -> None:
    """Serve the chosen answer forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_serve, args=(conn, sys.argv[1]), daemon=True).start()


if __name__ == "__main__":
    main()
