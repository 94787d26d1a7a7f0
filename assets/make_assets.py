#!/usr/bin/env python3
"""make_assets.py - draws the demo game's sprites from the pixel art below and writes them
next to this script: ship.png (RGBA PNG, loaded by the host through stb_image) and star.bmp
(32-bit BMP with an alpha mask, loaded through SDL_LoadBMP). Standard library only.
Run it after editing the art: python3 assets/make_assets.py
"""
import os
import struct
import zlib

PALETTE = {
    ".": (0, 0, 0, 0),          # transparent
    "c": (20, 90, 160, 255),    # ship outline
    "C": (60, 200, 255, 255),   # ship body
    "w": (240, 240, 255, 255),  # cockpit
    "r": (230, 60, 60, 255),    # stripes
    "o": (255, 150, 0, 255),    # flame
    "y": (255, 230, 80, 255),   # flame tip, star
    "Y": (255, 200, 0, 255),    # star core
    "k": (170, 110, 0, 255),    # star edge
}

SHIP = [
    ".......cc.......",
    "......cCCc......",
    "......cCCc......",
    ".....cCwwCc.....",
    ".....cCwwCc.....",
    "....cCCCCCCc....",
    "....cCCCCCCc....",
    "...cCCCCCCCCc...",
    "..cCCCCCCCCCCc..",
    ".cCCCrCCCCrCCCc.",
    "cCCCrrCCCCrrCCCc",
    "cCCCrrCCCCrrCCCc",
    "cCCc.oo..oo.cCCc",
    "ccc..oo..oo..ccc",
    ".....y....y.....",
    "................",
]

STAR = [
    "...kk...",
    "...yy...",
    "kyyYYyyk",
    ".kyYYyk.",
    "..yYYy..",
    ".kyyyyk.",
    ".yk..ky.",
    "k......k",
]


def pixels(art):
    return [[PALETTE[ch] for ch in row] for row in art]


def write_png(path, rows):
    h, w = len(rows), len(rows[0])
    raw = b"".join(b"\0" + bytes(v for px in row for v in px) for row in rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))  # 8-bit RGBA
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def write_bmp(path, rows):
    h, w = len(rows), len(rows[0])
    # Bottom-up rows of B, G, R, A bytes; BITMAPV4HEADER so the alpha mask is declared.
    data = b"".join(bytes((b, g, r, a)) for row in reversed(rows) for (r, g, b, a) in row)
    header_size = 108
    offset = 14 + header_size
    info = struct.pack("<IiiHHIIiiII", header_size, w, h, 1, 32, 3, len(data), 2835, 2835, 0, 0)
    info += struct.pack("<IIII", 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000)
    info += b"sRGB"[::-1] + bytes(36) + bytes(12)  # colour space, endpoints, gamma
    head = struct.pack("<2sIHHI", b"BM", offset + len(data), 0, 0, offset)
    with open(path, "wb") as f:
        f.write(head + info + data)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    write_png(os.path.join(here, "ship.png"), pixels(SHIP))
    write_bmp(os.path.join(here, "star.bmp"), pixels(STAR))
