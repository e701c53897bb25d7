"""Writes the console proxy's seed corpora (tests/fuzz/corpus/console_websocket/
and console_rfb/) from what VNC clients send.

    /usr/bin/python3 tests/fuzz/console_seeds.py   # Debian's python3, which has tempest

Tempest's own WebSocket client (tempest.common.compute._WebSocket, what
test_novnc drives) runs against a recording socket: its handshake for both
URL forms (Nova's ?path=%3Ftoken%3D... and ?token=...) and its RFB 3.8
frames, byte for byte. The rest are what noVNC sends after the handshake
(its SetPixelFormat, SetEncodings and FramebufferUpdateRequest as
noVNC 1.x writes them), the 3.3 and 3.7 handshakes, and frames in every
length form, fragmented, with a ping and a close. Each seed is named by the
SHA-1 of its content, as libFuzzer names its own.
"""
import hashlib
import os
import struct

from tempest.common import compute

HERE = os.path.dirname(os.path.abspath(__file__))


class Recorder:
    """A socket that records what the client sends and answers the upgrade."""

    def __init__(self):
        self.sent = b""

    def sendall(self, data):
        self.sent += data

    def recv(self, size):
        return b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"


def tempest_session(url, messages):
    socket = Recorder()
    ws = compute._WebSocket(socket, compute.urlparse.urlparse(url))
    for m in messages:
        ws.send_frame(m)
    return socket.sent


def frame(payload, opcode=2, fin=True, mask=b"\x11\x22\x33\x44"):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n <= 0xFFFF:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


# What noVNC 1.x sends once ServerInit has come: its pixel format (32 bpp,
# depth 24, little-endian, true colour), its encodings, a full update request.
NOVNC_PIXEL_FORMAT = bytes([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0])
NOVNC_ENCODINGS = [7, 6, 5, 16, 1, 0, -314, -313, -312, -307, -309, -258, -261, -224, -223, -247, -308, -311, -1063131698]
SET_ENCODINGS = bytes([2, 0]) + struct.pack(">H", len(NOVNC_ENCODINGS)) + b"".join(
    struct.pack(">i", e) for e in NOVNC_ENCODINGS)
FULL_UPDATE = bytes([3, 0, 0, 0, 0, 0, 2, 128, 1, 144])
INCREMENTAL = bytes([3, 1, 0, 0, 0, 0, 2, 128, 1, 144])
KEY = bytes([4, 1, 0, 0, 0, 0, 0, 0x61])
POINTER = bytes([5, 0, 0, 10, 0, 20])
CUT = bytes([6, 0, 0, 0]) + struct.pack(">I", 5) + b"hello"


def write(name, seeds):
    out = os.path.join(HERE, "corpus", name)
    os.makedirs(out, exist_ok=True)
    for data in seeds:
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    print(f"{name}: {len(seeds)} seeds")


def main():
    handshake_38 = [b"RFB 003.008\n", bytes([1]), bytes([1])]
    nova_url = "http://127.0.0.1:6080/vnc_lite.html?path=%3Ftoken%3Dc3R1ZmZlZC10b2tlbi1mb3ItdGhlLXNlZWQ"
    token_url = "http://127.0.0.1:6080/vnc_lite.html?token=c3R1ZmZlZC10b2tlbi1mb3ItdGhlLXNlZWQ"
    websocket = [
        tempest_session(nova_url, handshake_38),
        tempest_session(token_url, handshake_38),
        tempest_session(nova_url.replace("token%3D", "token%3Dbad"), []),
        tempest_session(nova_url, handshake_38 + [NOVNC_PIXEL_FORMAT, SET_ENCODINGS[:100], FULL_UPDATE]),
    ]
    head = tempest_session(nova_url, [])
    websocket += [
        head + frame(b"RFB 003.008\n", fin=False) + frame(b"", opcode=9) + frame(b"", opcode=0),
        head + frame(b"x" * 126) + frame(b"y" * 300, opcode=2),
        head + frame(b"z" * 70000)[:200],  # the 64-bit length form, cut short as a read would
        head + frame(b"ping", opcode=9) + frame(b"\x03\xe8bye", opcode=8),
        head + frame(b"text", opcode=1),
        frame(b"RFB 003.003\n") + frame(b"\x01"),
    ]
    write("console_websocket", websocket)

    rfb = [
        b"RFB 003.008\n" + bytes([1, 1]) + NOVNC_PIXEL_FORMAT + SET_ENCODINGS + FULL_UPDATE + INCREMENTAL,
        b"RFB 003.008\n" + bytes([1, 1]) + KEY + POINTER + CUT + FULL_UPDATE,
        b"RFB 003.007\n" + bytes([1, 0]) + bytes([0, 0, 0, 0, 16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0])
        + FULL_UPDATE,
        b"RFB 003.003\n" + bytes([1]) + bytes([0, 0, 0, 0, 8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 0, 3, 6, 0, 0, 0])
        + FULL_UPDATE,
        b"RFB 003.008\n" + bytes([2]),
        b"RFB 003.889\n" + bytes([1]) + FULL_UPDATE,
    ]
    write("console_rfb", rfb)


if __name__ == "__main__":
    main()
