#!/usr/bin/env python3
"""A tiny SOCKS5 or HTTP CONNECT relay on loopback, for recording RDP behind a proxy preamble.

    python3 testdata/lab/proxy-relay.py socks5 PORT     # RFC 1928, no authentication, CONNECT only
    python3 testdata/lab/proxy-relay.py http PORT       # HTTP/1.1 CONNECT host:port -> "200 Connection established"

Listens on 127.0.0.1:PORT and relays each accepted connection to the destination the client asks for,
which must be a loopback address (127.0.0.0/8, ::1 or "localhost"): anything else is refused (SOCKS5 reply 2,
HTTP 403). Standard library only; one thread per direction; prints one line per connection on stdout.
Stop it by its pid (the lab scripts start it in the background and kill that pid).
"""
import ipaddress
import socket
import struct
import sys
import threading


def loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise EOFError("client closed during the proxy preamble")
        b += chunk
    return b


def pipe(src, dst):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            dst.sendall(d)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def socks5(c):
    ver, n = recv_exact(c, 2)
    methods = recv_exact(c, n)
    if ver != 5 or 0 not in methods:
        c.sendall(b"\x05\xff")
        return None
    c.sendall(b"\x05\x00")
    ver, cmd, _, atyp = recv_exact(c, 4)
    if atyp == 1:
        host = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4))
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
    elif atyp == 3:
        host = recv_exact(c, recv_exact(c, 1)[0]).decode("ascii", "replace")
    else:
        c.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)
        return None
    port = struct.unpack(">H", recv_exact(c, 2))[0]
    if cmd != 1:
        c.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)
        return None
    if not loopback(host):
        c.sendall(b"\x05\x02\x00\x01" + b"\x00" * 6)
        return None
    try:
        u = socket.create_connection((host, port), timeout=5)
    except OSError:
        c.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
        return None
    u.settimeout(None)
    bound = u.getsockname()
    c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton(bound[0]) + struct.pack(">H", bound[1]))
    return u, "%s:%d" % (host, port)


def http_connect(c):
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d:
            return None
        head += d
        if len(head) > 16384:
            return None
    head, rest = head.split(b"\r\n\r\n", 1)
    line = head.split(b"\r\n", 1)[0].decode("ascii", "replace").split()
    if len(line) != 3 or line[0] != "CONNECT":
        c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        return None
    host, _, port = line[1].rpartition(":")
    host = host.strip("[]")
    if not loopback(host):
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        return None
    try:
        u = socket.create_connection((host, int(port)), timeout=5)
    except (OSError, ValueError):
        c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        return None
    u.settimeout(None)
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    if rest:
        u.sendall(rest)
    return u, "%s:%s" % (host, port)


def serve(kind, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    print("%s relay listening on 127.0.0.1:%d" % (kind, port), flush=True)
    while True:
        c, peer = ls.accept()
        threading.Thread(target=handle, args=(kind, c, peer), daemon=True).start()


def handle(kind, c, peer):
    try:
        r = socks5(c) if kind == "socks5" else http_connect(c)
    except (OSError, EOFError) as e:
        print("%s:%d preamble failed: %s" % (peer[0], peer[1], e), flush=True)
        c.close()
        return
    if r is None:
        print("%s:%d refused" % peer, flush=True)
        c.close()
        return
    u, dest = r
    print("%s:%d -> %s" % (peer[0], peer[1], dest), flush=True)
    t = threading.Thread(target=pipe, args=(u, c), daemon=True)
    t.start()
    pipe(c, u)
    t.join()
    c.close()
    u.close()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("socks5", "http"):
        sys.exit(__doc__)
    serve(sys.argv[1], int(sys.argv[2]))
