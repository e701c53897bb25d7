"""A VNC client over the console proxy's WebSocket, as noVNC and tempest
connect: the upgrade to the console URL's host and port with the token the
URL carries (noVNC's ?path=%3Ftoken%3D... or ?token=...), then RFB in
binary frames, masked as a client must.

    vnc = VncClient(url)                  # context=ssl_context over https://
    vnc.response                          # the upgrade's answer head
    width, height, name = vnc.handshake() # RFB 3.8, security type None
    vnc.send(bytes([3, 0, 0, 0, 0, 0, 0, 8, 0, 8]))  # FramebufferUpdateRequest
    opcode, payload = vnc.frame()
"""
import os
import socket
import struct
import urllib.parse


class VncClient:
    """A VNC client over the proxy's WebSocket, as noVNC and tempest connect:
    the upgrade to the URL's host and port with the token the URL carries,
    then RFB in binary frames (masked, as a client must)."""

    def __init__(self, url, context=None):
        parts = urllib.parse.urlparse(url)
        path = urllib.parse.parse_qs(parts.query).get("path", ["?" + parts.query])[0]
        raw = socket.create_connection((parts.hostname, parts.port), timeout=10)
        self.sock = context.wrap_socket(raw, server_hostname=parts.hostname) if context else raw
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        self.response = head.decode()

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the proxy closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def frame(self):
        """(opcode, payload) of the next server frame."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def send(self, payload, opcode=2):
        mask = os.urandom(4)
        head = bytes([0x80 | opcode, 0x80 | len(payload)])
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def closed(self):
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def handshake(self):
        """RFB 3.8 with the security type None: the ServerInit (size, format, name)."""
        assert self.frame() == (2, b"RFB 003.008\n")
        self.send(b"RFB 003.008\n")
        assert self.frame() == (2, bytes([1, 1]))  # one security type: None
        self.send(bytes([1]))
        assert self.frame() == (2, bytes(4))  # SecurityResult: OK
        self.send(bytes([1]))  # ClientInit: shared
        _, init = self.frame()
        width, height = struct.unpack(">HH", init[:4])
        (length,) = struct.unpack(">I", init[20:24])
        assert len(init) == 24 + length
        return width, height, init[24:].decode()

    def close(self):
        self.sock.close()
