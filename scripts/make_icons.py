"""Draw the PWA icons (a service window on blue) as PNG, with the standard library only."""
import struct
import zlib
from pathlib import Path

BLUE, WHITE, DARK = (11, 92, 173), (255, 255, 255), (6, 52, 99)


def pixel(x, y, size):
    u, v = x / size, y / size
    if 0.22 <= u <= 0.78 and 0.2 <= v <= 0.72:          # the window
        if 0.27 <= u <= 0.73 and 0.25 <= v <= 0.58:
            return BLUE if abs(u - 0.5) > 0.012 else WHITE  # two panes
        return WHITE
    if 0.16 <= u <= 0.84 and 0.72 <= v <= 0.8:          # the counter
        return WHITE
    return BLUE if v < 0.9 else DARK


def png(size: int) -> bytes:
    rows = b"".join(b"\x00" + bytes(c for x in range(size) for c in pixel(x, y, size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "pwa" / "static" / "icons"
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
