"""Reporting shared by the end-to-end check scripts (tests/anki,
tests/print): one `ok - ...` / `not ok - ...` line per check and a closing
`N passed, M failed` line, the plain format the test runners read."""

import struct
import sys
import traceback
import zlib


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, desc, detail=None):
        if cond:
            self.passed += 1
            print(f"ok - {desc}", flush=True)
        else:
            self.failed += 1
            print(f"not ok - {desc}", flush=True)
            if detail is not None:
                for line in str(detail).splitlines()[:40]:
                    print(f"#   {line}", flush=True)
        return bool(cond)

    def eq(self, got, want, desc):
        return self.check(got == want, desc, f"got:  {got!r}\nwant: {want!r}")

    def info(self, msg):
        for line in str(msg).splitlines():
            print(f"# {line}", flush=True)

    def run_and_exit(self, scenario):
        """Runs the whole scenario (an exception is one failed check),
        prints the summary line and exits: 0 only when every check passed
        and there was at least one."""
        try:
            scenario()
        except Exception as e:  # noqa: BLE001 - any failure is reported as a check
            self.check(False, f"scenario raised {type(e).__name__}: {e}", traceback.format_exc())
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed or not self.passed else 0)

    def stage(self, name, fn, *args):
        """Runs one stage; an exception is one failed check."""
        print(f"# --- {name}", flush=True)
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - any failure of a stage is reported
            self.check(False, f"{name}: raised {type(e).__name__}: {e}", traceback.format_exc())
            return None


# --- PNG (enough of it to measure screenshots and rendered pages) ---------

def png_luminance(path, step=1):
    """(width, height, mean luminance 0-255, share of dark pixels) of an
    8-bit, non-interlaced RGB/RGBA PNG such as Chromium or pdftoppm writes.
    Every `step`-th row and column is sampled."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise AssertionError(f"{path}: unsupported PNG (depth {depth}, color type {ctype})")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    total, dark, count = 0, 0, 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % step:
            continue
        for x in range(0, w, step):
            r, g, bl = line[x * bpp:x * bpp + 3]
            lum = (299 * r + 587 * g + 114 * bl) // 1000
            total += lum
            dark += lum < 128
            count += 1
    return w, h, total / count, dark / count
