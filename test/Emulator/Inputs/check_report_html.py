#!/usr/bin/env python3
"""Checks spc-run --report-html against the run's --stats.

  check_report_html.py REPORT.html STATS.json [--dom DOM.html] [--png SHOT.png]

The page must be self-contained (no resource loaded from anywhere), hold
one cycles and one energy bar per layer, one utilisation bar per layer, a
dense and a stored bar per layer that streamed weights, and the layer table
with every layer's figures. With --dom (Chromium's --dump-dom after the
scripts ran), the sorting script must have set up the table headers; with
--png (Chromium's screenshot), each chart's colour must cover pixels.
Prints `ok` or the first failure.
"""

import json
import struct
import sys
import zlib
from html.parser import HTMLParser

# The bar colours of HtmlReport.cpp's style sheet.
COLOURS = {"bar-cycles": (0x3b, 0x6f, 0xd8), "bar-energy": (0xe0, 0x8a, 0x2c),
           "bar-utilization": (0x3a, 0x9d, 0x5d), "bar-dense": (0xb7, 0xbf, 0xcc),
           "bar-stored": (0x8a, 0x4f, 0xc7)}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rects = {}       # chart id -> [class, ...]
        self.chart = None
        self.external = []    # attributes that would load something
        self.rows = []        # layer table: [[cell text, data-value], ...]
        self.in_table = self.in_body = False
        self.cell = None
        self.headers = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "xlink:href", "srcset", "action"):
            if key in a:
                self.external.append((tag, key, a[key]))
        if tag == "link":
            self.external.append((tag, "link", a))
        if tag == "svg" and a.get("id", "").startswith("chart-"):
            self.chart = a["id"]
            self.rects[self.chart] = []
        if tag == "rect" and self.chart:
            self.rects[self.chart].append(a.get("class"))
        if tag == "table" and a.get("id") == "layer-table":
            self.in_table = True
        if self.in_table and tag == "tbody":
            self.in_body = True
        if self.in_table and tag == "th":
            self.headers.append(a.get("class", ""))
        if self.in_body and tag == "tr":
            self.rows.append([])
        if self.in_body and tag == "td":
            self.cell = ["", a.get("data-value")]

    def handle_endtag(self, tag):
        if tag == "svg":
            self.chart = None
        if tag == "table":
            self.in_table = self.in_body = False
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def read_png(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, colour %d)" % (depth, colour))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            upleft = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 0xff
            elif f == 2:
                line[i] = (line[i] + up) & 0xff
            elif f == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xff
            elif f == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upleft
                line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def check(report, stats_path, dom=None, png=None):
    stats = json.load(open(stats_path))
    layers = stats["layers"]
    page = Page()
    page.feed(open(report).read())
    if page.external:
        return "loads external resources: %s" % page.external
    n = len(layers)
    want = {"chart-cycles-energy": ["bar-cycles", "bar-energy"] * n,
            "chart-utilization": ["bar-utilization"] * n}
    weighted = [l for l in layers if l["weight_bytes_streamed_dense"]]
    if weighted:
        want["chart-weights"] = ["bar-dense", "bar-stored"] * len(weighted)
    for chart, classes in want.items():
        if page.rects.get(chart) != classes:
            return "%s: bars %s, expected %s" % (chart, page.rects.get(chart),
                                                 classes)
    if len(page.rows) != n:
        return "%d table rows for %d layers" % (len(page.rows), n)
    for row, layer in zip(page.rows, layers):
        name, start, cycles, energy, utilization = [c[1] for c in row[:5]]
        name = row[0][0]
        energy_uj = layer["energy_pj"] * 1e-6
        if name != layer["name"] or int(start) != layer["start"] or \
                int(cycles) != layer["cycles"] or \
                abs(float(energy) - energy_uj) > 1e-12 * max(1.0, energy_uj) or \
                abs(float(utilization) - layer["utilization"]) > 1e-12:
            return "row %s differs from the stats' %s" % (row, layer)
    if dom is not None:
        sorted_page = Page()
        sorted_page.feed(open(dom).read())
        if not sorted_page.headers or \
                not all("sortable" in h for h in sorted_page.headers):
            return "the sorting script did not run: headers %s" % \
                sorted_page.headers
    if png is not None:
        _, _, pixels = read_png(png)
        counts = dict.fromkeys(COLOURS, 0)
        by_colour = {v: k for k, v in COLOURS.items()}
        for line in pixels:
            for p in line:
                if p in by_colour:
                    counts[by_colour[p]] += 1
        needed = ["bar-cycles", "bar-energy", "bar-utilization"]
        if weighted:
            needed += ["bar-dense", "bar-stored"]
        missing = [c for c in needed if counts[c] < 20]
        if missing:
            return "the screenshot shows no %s (pixels per colour: %s)" % (
                missing, counts)
    return "ok"


def main():
    args = sys.argv[1:]
    options = {}
    while len(args) > 2 and args[-2] in ("--dom", "--png"):
        options[args[-2][2:]] = args[-1]
        args = args[:-2]
    print(check(args[0], args[1], **options))


if __name__ == "__main__":
    main()
