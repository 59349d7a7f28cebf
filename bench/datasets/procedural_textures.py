#!/usr/bin/env python3
"""Procedurally generated texture classes: one stationary texture per image, for training.

Every image is drawn from its own seed, so a folder of N images is N classes that no package
holds, made here and free of any licence. Families: fractal noise, cellular (Worley) noise,
bricks and tiles, warped stripes, spots, and the blend of two of them; each colourised with a
random palette of 2-4 colours. Textures are stationary by construction (the same statistics in
every quadrant), which is what the cross-package protocols compare: a patch of one quadrant
against the other three.

Usage: procedural_textures.py OUT_DIR [--count N] [--size S] [--seed SEED]
Put OUT_DIR beside a texture pool's source folders (e.g. a folder of symlinks to the pool's
sources plus this one) and train on that folder: it is one more training source.
Needs python3-numpy and python3-pil (Debian packages).
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image, ImageFilter


def smooth_noise(rng, size, cells):
    """Value noise: a cells x cells random grid, bicubically upsampled to size x size."""
    grid = rng.random((cells, cells)).astype(np.float32)
    img = Image.fromarray(grid, mode="F").resize((size, size), Image.BICUBIC)
    return np.asarray(img)


def octaves(rng, size):
    """Sum of octaves of value noise of a random base frequency and persistence."""
    base = int(rng.integers(2, 16))
    persistence = rng.uniform(0.35, 0.75)
    out = np.zeros((size, size), np.float32)
    amp = 1.0
    for octave in range(int(rng.integers(3, 7))):
        cells = base * 2**octave
        if cells > size // 2:
            break
        out += amp * smooth_noise(rng, size, cells)
        amp *= persistence
    return out


def fractal(rng, size):
    """Fractal noise, in 40% of the textures with a grain: stretched along one axis and turned."""
    if rng.random() >= 0.4:
        return octaves(rng, size)
    # drawn 1.5x as large, so the turned rectangle still covers the centre square
    m = int(size * 1.5)
    stretch = rng.uniform(2, 8)
    big = Image.fromarray(octaves(rng, m), mode="F").resize((m, int(m * stretch)), Image.BILINEAR)
    big = big.rotate(rng.uniform(0, 180), resample=Image.BILINEAR)
    w, h = big.size
    left, top = (w - size) // 2, (h - size) // 2
    return np.asarray(big.crop((left, top, left + size, top + size)))


def torus_distance(ys, xs, py, px, size):
    """Distance of every pixel to (py, px) on a size x size torus, so the texture wraps around."""
    dy = np.abs(ys - py)
    dx = np.abs(xs - px)
    return np.hypot(np.minimum(dy, size - dy), np.minimum(dx, size - dx))


def cellular(rng, size):
    """Worley noise on a torus: F1, F2 - F1 or their mix, from 20-400 random points."""
    n = int(rng.integers(20, 400))
    pts = rng.random((n, 2)).astype(np.float32) * size
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    f1 = np.full((size, size), np.inf, np.float32)
    f2 = np.full((size, size), np.inf, np.float32)
    for py, px in pts:
        d = torus_distance(ys, xs, py, px, size)
        f2 = np.where(d < f1, f1, np.minimum(f2, d))
        f1 = np.minimum(f1, d)
    kind = rng.integers(3)
    return [f1, f2 - f1, f1 + rng.uniform(-1, 1) * (f2 - f1)][kind]


def bricks(rng, size):
    """Bricks or tiles: a random cell size, offset rows, mortar width and per-cell shade."""
    ch = int(rng.integers(8, 96))
    cw = int(ch * rng.uniform(1, 4)) if rng.random() < 0.7 else ch
    offset = rng.choice([0.0, 0.5, rng.uniform(0, 1)])
    mortar = rng.uniform(0.04, 0.2)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    row = np.floor(ys / ch)
    xs_shift = xs + row * offset * cw
    col = np.floor(xs_shift / cw)
    fy = ys / ch - row
    fx = xs_shift / cw - col
    edge = np.minimum(np.minimum(fy, 1 - fy) * ch, np.minimum(fx, 1 - fx) * cw)
    shade = np.random.default_rng(int(rng.integers(1 << 31))).random((4096,)).astype(np.float32)
    cell_shade = shade[((row * 131 + col * 17) % 4096).astype(np.int64)]
    inside = np.clip(edge / (mortar * ch + 1e-6), 0, 1) ** rng.uniform(0.3, 2)
    return inside * (0.5 + 0.5 * cell_shade) + 0.15 * fractal(rng, size)


def stripes(rng, size):
    """Sine stripes of a random period and angle, warped by fractal noise."""
    period = rng.uniform(4, 80)
    angle = rng.uniform(0, np.pi)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    warp = fractal(rng, size) * rng.uniform(0, 3) * period
    phase = (xs * np.cos(angle) + ys * np.sin(angle) + warp) * 2 * np.pi / period
    wave = 0.5 + 0.5 * np.sin(phase)
    return wave ** rng.uniform(0.3, 3)


def spots(rng, size):
    """Random discs of one size range on a torus, over a faint noise."""
    n = int(rng.integers(30, 600))
    r_lo = rng.uniform(1.5, 12)
    r_hi = r_lo * rng.uniform(1, 3)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    out = 0.2 * fractal(rng, size)
    for _ in range(n):
        py, px = rng.random(2) * size
        r = rng.uniform(r_lo, r_hi)
        d = torus_distance(ys, xs, py, px, size)
        out = np.maximum(out, np.clip(1 - d / r, 0, 1) ** 0.5)
    return out


FAMILIES = {
    "fractal": fractal,
    "cellular": cellular,
    "bricks": bricks,
    "stripes": stripes,
    "spots": spots,
}


def colourise(rng, field):
    """Maps a field to RGB through a palette of 2-4 colours at sorted random stops.

    The palette is mostly muted (low saturation, like stone, wood, soil and metal), sometimes
    vivid; its colours differ more in value than in hue.
    """
    lo, hi = np.percentile(field, [1, 99])
    t = np.clip((field - lo) / (hi - lo + 1e-6), 0, 1)
    k = int(rng.integers(2, 5))
    hue = rng.random()
    saturation = rng.random() ** 2
    values = np.sort(rng.uniform(0.05, 0.95, k))
    low, high = values[0], values[-1]
    if high - low < 0.25:  # a texture, not a flat colour: at least a quarter of the value range
        mid = np.clip((low + high) / 2, 0.175, 0.825)
        values = mid - 0.125 + (values - low) / (high - low + 1e-6) * 0.25
    hues = (hue + rng.normal(0, 0.05, k)) % 1.0
    sats = np.clip(saturation + rng.normal(0, 0.1, k), 0, 1)
    colours = np.array([hsv_to_rgb(h, s, v) for h, s, v in zip(hues, sats, values)])
    if rng.random() < 0.5:
        colours = colours[::-1]
    stops = np.sort(np.concatenate([[0.0, 1.0], rng.random(k - 2)]))
    return np.stack([np.interp(t, stops, colours[:, c]) for c in range(3)], axis=-1)


def hsv_to_rgb(h, s, v):
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]


def texture(seed, size):
    """The texture of one class: a family (or the blend of two), colourised, lightly filtered."""
    rng = np.random.default_rng(seed)
    names = sorted(FAMILIES)
    first = names[int(rng.integers(len(names)))]
    field = FAMILIES[first](rng, size)
    name = first
    if rng.random() < 0.3:
        second = names[int(rng.integers(len(names)))]
        other = FAMILIES[second](rng, size)
        w = rng.uniform(0.2, 0.6)
        field = (1 - w) * field / (np.ptp(field) + 1e-6) + w * other / (np.ptp(other) + 1e-6)
        name = first + "-" + second
    rgb = colourise(rng, field)
    rgb += rng.normal(0, rng.uniform(0, 0.04), rgb.shape)  # sensor-like grain
    img = Image.fromarray((np.clip(rgb, 0, 1) * 255).astype(np.uint8), mode="RGB")
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2)))
    return img, name


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--count", type=int, default=1000, help="images, i.e. classes (default 1000)")
    p.add_argument("--size", type=int, default=512, help="side in pixels (default 512)")
    p.add_argument("--seed", type=int, default=1, help="seed of the first image (default 1)")
    a = p.parse_args(argv)
    if a.count < 1 or a.size < 64:
        p.error("--count must be at least 1 and --size at least 64")
    os.makedirs(a.out_dir, exist_ok=True)
    families = {}
    for i in range(a.count):
        seed = a.seed + i
        img, name = texture(seed, a.size)
        path = os.path.join(a.out_dir, "proc-%06d-%s.png" % (seed, name))
        tmp = path + ".tmp"
        img.save(tmp, format="PNG")
        os.replace(tmp, path)  # never a half-written image in the pool
        family = name.split("-")[0]
        families[family] = families.get(family, 0) + 1
        if (i + 1) % 50 == 0 or i + 1 == a.count:
            print("%d / %d images" % (i + 1, a.count), file=sys.stderr, flush=True)
    for name, n in sorted(families.items()):
        print("%s\t%d" % (name, n))


if __name__ == "__main__":
    main(sys.argv[1:])
