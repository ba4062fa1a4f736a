"""DS-19 ORL-like faces: a synthetic, seeded stand-in for the AT&T / ORL face database (HOA ch. 8,
Siamese few-shot network V-26), written in the real layout so the ORL loader is exercised and the
real files work unchanged.

Layout: ``orl_faces/s1 ... s40/1.pgm ... 10.pgm``, binary PGM (P5), 8-bit, 112 rows x 92 columns
(PIL size (92, 112)).

Rendering (specs/data.md DS-19). Each subject has a template: an elliptical face of its own skin
level and proportions, a hair cap (hairline, volume, level), eyes (position, spacing, size, iris
level), eyebrows (height, thickness, tilt), nose shading, a mouth (height, width, level), a
smooth texture (6 Gaussian blobs + low-pass noise) and, for 10 % of the subjects, glasses. Each of
its images draws a shift of +-4 px, a rotation of +-8 degrees, a scale of 0.95-1.05, a brightness
factor of 0.85-1.15, a mouth-height change of +-30 % and Gaussian pixel noise sigma 4 on a dark
noisy background. The face is evaluated analytically at the inverse-transformed pixel
coordinates (no resampling blur). Nearest-neighbour identification on raw pixels is clearly above
chance but not perfect (tests/models/test_siamese.py checks it).

``make_orl_faces(n, seed, out_dir=None)``: ``n`` subjects x 10 images -> ``(images uint8
[10 n, 112, 92], subjects int64 [10 n])`` (subject k = folder ``s{k+1}``, images in file order).
``load_orl_faces(config="book", seed=0)``: real ORL files from ``$MINIGRAD_DATA_ORL`` (the
``orl_faces`` folder or its parent) when set, else the stand-in (``"book"``: 40 subjects,
``"tiny"``: 10 subjects). ``read_pgm`` / ``write_pgm`` / ``read_orl_dir`` handle the files.
"""
import os
import tempfile

import numpy as np

from ..errors import DataFormatError, DataSourceMissing
from ._source import override

__all__ = ["make_orl_faces", "load_orl_faces", "read_pgm", "write_pgm", "read_orl_dir",
           "write_orl_dir", "ORL_SHAPE", "SIZES"]

ORL_SHAPE = (112, 92)                   # rows, columns
IMAGES_PER_SUBJECT = 10
SIZES = {"book": 40, "tiny": 10}


# ------------------------------------------------------------------------------ PGM files
def write_pgm(path, image):
    """Write a 2-D uint8 array as binary PGM (P5), atomically."""
    image = np.ascontiguousarray(image, np.uint8)
    if image.ndim != 2:
        raise ValueError(f"write_pgm: expected a 2-D image, got shape {image.shape}")
    header = f"P5\n{image.shape[1]} {image.shape[0]}\n255\n".encode()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(header + image.tobytes())
    os.replace(tmp, path)


def _tokens(raw, count, start, path):
    out, i = [], start
    while len(out) < count:
        while i < len(raw) and raw[i:i + 1].isspace():
            i += 1
        if raw[i:i + 1] == b"#":                           # comment to end of line
            while i < len(raw) and raw[i:i + 1] not in (b"\n", b"\r"):
                i += 1
            continue
        j = i
        while j < len(raw) and not raw[j:j + 1].isspace():
            j += 1
        if j == i:
            raise DataFormatError(f"read_pgm: {path}: truncated header")
        out.append(raw[i:j])
        i = j
    return out, i + 1                                       # one whitespace byte ends the header


def read_pgm(path):
    """A binary (P5) 8-bit PGM file as a uint8 array ``[rows, columns]``."""
    with open(path, "rb") as f:
        raw = f.read()
    (magic, w, h, maxval), offset = _tokens(raw, 4, 0, path)
    if magic != b"P5":
        raise DataFormatError(f"read_pgm: {path} is not a binary PGM (magic {magic!r}, expected b'P5')")
    w, h, maxval = int(w), int(h), int(maxval)
    if maxval > 255:
        raise DataFormatError(f"read_pgm: {path} has maxval {maxval}; only 8-bit PGM is supported")
    data = np.frombuffer(raw, np.uint8, count=w * h, offset=offset) if len(raw) >= offset + w * h \
        else None
    if data is None:
        raise DataFormatError(f"read_pgm: {path} holds fewer than {w}x{h} pixels")
    return data.reshape(h, w).copy()


def write_orl_dir(root, images, subjects):
    """Write ``root/orl_faces/s{k+1}/{i+1}.pgm``; returns the ``orl_faces`` folder."""
    folder = os.path.join(root, "orl_faces")
    counts = {}
    for img, s in zip(images, subjects):
        d = os.path.join(folder, f"s{int(s) + 1}")
        os.makedirs(d, exist_ok=True)
        counts[int(s)] = counts.get(int(s), 0) + 1
        write_pgm(os.path.join(d, f"{counts[int(s)]}.pgm"), img)
    return folder


def read_orl_dir(folder):
    """Read ``folder/s*/N.pgm`` (subjects and images in numeric order) -> ``(images uint8
    [M, rows, cols], subjects int64 [M])`` with subject k for folder ``s{k+1}``."""
    subs = sorted((d for d in os.listdir(folder) if d.startswith("s") and d[1:].isdigit()),
                  key=lambda d: int(d[1:]))
    if not subs:
        raise DataFormatError(f"read_orl_dir: {folder} holds no s1 ... s40 subject folders")
    images, labels = [], []
    for d in subs:
        files = sorted((f for f in os.listdir(os.path.join(folder, d))
                        if f.endswith(".pgm") and f[:-4].isdigit()), key=lambda f: int(f[:-4]))
        for f in files:
            images.append(read_pgm(os.path.join(folder, d, f)))
            labels.append(int(d[1:]) - 1)
    return np.stack(images), np.asarray(labels, np.int64)


# ------------------------------------------------------------------------------ rendering
def _smooth_inside(q, softness=0.08):
    """~1 inside (q < 1), ~0 outside, a smooth edge of relative width ``softness``."""
    return 1.0 / (1.0 + np.exp(np.clip((q - 1.0) / softness, -50, 50)))


def _subject(rng):
    """Random template parameters of one identity."""
    a, b = rng.uniform(25, 34), rng.uniform(35, 44)
    p = dict(
        skin=rng.uniform(105, 205), a=a, b=b, cy=rng.uniform(-4, 6),
        hair=rng.uniform(15, 95), hairline=rng.uniform(-0.75, -0.35), hair_volume=rng.uniform(1.05, 1.25),
        side_hair=rng.uniform(0.0, 1.0),
        eye_y=rng.uniform(-0.3, -0.08) * b, eye_dx=rng.uniform(0.3, 0.46) * a,
        eye_rx=rng.uniform(3.0, 5.5), eye_ry=rng.uniform(1.6, 3.2), iris=rng.uniform(10, 60),
        brow_dy=rng.uniform(4.5, 9.0), brow_t=rng.uniform(0.9, 2.2), brow_tilt=rng.uniform(-0.25, 0.25),
        brow_level=rng.uniform(0.25, 0.7),
        nose_y=rng.uniform(0.08, 0.26) * b, nose_w=rng.uniform(2.5, 6.0), nose_len=rng.uniform(6, 14),
        nose_dark=rng.uniform(0.08, 0.3),
        mouth_y=rng.uniform(0.42, 0.6) * b, mouth_w=rng.uniform(0.22, 0.42) * a,
        mouth_h=rng.uniform(1.4, 3.6), mouth_level=rng.uniform(0.3, 0.65),
        blobs=[(rng.uniform(-a, a), rng.uniform(-b, b), rng.uniform(4, 11), rng.uniform(-28, 28))
               for _ in range(6)],
        noise=rng.normal(0, 1, (12, 10)),
        noise_amp=rng.uniform(6, 16),
        glasses=rng.random() < 0.1,
    )
    return p


def _lowpass(grid, y, x):
    """Bilinear interpolation of a coarse random grid over [-60, 60] x [-50, 50] (low-pass noise)."""
    gh, gw = grid.shape
    fy = np.clip((y + 60.0) / 120.0 * (gh - 1), 0, gh - 1.001)
    fx = np.clip((x + 50.0) / 100.0 * (gw - 1), 0, gw - 1.001)
    y0, x0 = fy.astype(int), fx.astype(int)
    ty, tx = fy - y0, fx - x0
    return ((1 - ty) * (1 - tx) * grid[y0, x0] + (1 - ty) * tx * grid[y0, x0 + 1]
            + ty * (1 - tx) * grid[y0 + 1, x0] + ty * tx * grid[y0 + 1, x0 + 1])


def _render(p, rng):
    """One 112x92 uint8 image of template ``p`` under a random pose / lighting."""
    h, w = ORL_SHAPE
    dy, dx = rng.uniform(-4, 4, 2)
    theta = np.deg2rad(rng.uniform(-8, 8))
    scale = rng.uniform(0.95, 1.05)
    bright = rng.uniform(0.85, 1.15)
    mouth_h = p["mouth_h"] * rng.uniform(0.7, 1.3)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    py, px = rows - (h / 2 + p["cy"] + dy), cols - (w / 2 + dx)
    c, s = np.cos(theta), np.sin(theta)
    x = (c * px + s * py) / scale                          # inverse rotation and scale
    y = (-s * px + c * py) / scale
    a, b = p["a"], p["b"]

    background = rng.uniform(12, 45) + rng.normal(0, 6, (h, w))
    face = _smooth_inside((x / a) ** 2 + (y / b) ** 2)
    tex = sum(amp * np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * sg ** 2))
              for bx, by, sg, amp in p["blobs"]) + p["noise_amp"] * _lowpass(p["noise"], y, x)
    skin = p["skin"] + tex
    # nose: a shaded ridge below the eyes
    nose = np.exp(-(x / p["nose_w"]) ** 2 - ((y - p["nose_y"]) / p["nose_len"]) ** 2)
    skin = skin * (1 - p["nose_dark"] * nose * np.tanh(x / p["nose_w"] + 0.5))
    img = background * (1 - face) + skin * face
    # hair cap: inside a larger ellipse and above the hairline (plus optional side hair)
    outer = _smooth_inside((x / (a * p["hair_volume"])) ** 2 + (y / (b * p["hair_volume"])) ** 2)
    above = 1.0 / (1.0 + np.exp(np.clip((y - p["hairline"] * b) / 2.0, -50, 50)))
    sides = p["side_hair"] * _smooth_inside(((np.abs(x) - a * 0.98) / 4.5) ** 2 + (y / (0.6 * b)) ** 2)
    hair = np.clip(outer * above + sides * outer, 0, 1)
    img = img * (1 - hair) + (p["hair"] + 0.5 * tex) * hair
    for sign in (-1, 1):
        ex, ey = sign * p["eye_dx"], p["eye_y"]
        eye = _smooth_inside(((x - ex) / p["eye_rx"]) ** 2 + ((y - ey) / p["eye_ry"]) ** 2, 0.2)
        white = img * (1 - eye) + 215 * eye
        iris = _smooth_inside(((x - ex) / (0.5 * p["eye_rx"])) ** 2 + ((y - ey) / (0.8 * p["eye_ry"])) ** 2, 0.2)
        img = white * (1 - iris) + p["iris"] * iris
        by = ey - p["brow_dy"] + sign * p["brow_tilt"] * (x - ex)
        brow = _smooth_inside(((x - ex) / (p["eye_rx"] * 1.4)) ** 2 + ((y - by) / p["brow_t"]) ** 2, 0.25)
        img = img * (1 - p["brow_level"] * brow)
        if p["glasses"]:
            r = np.sqrt((x - ex) ** 2 + (y - ey) ** 2)
            ring = np.exp(-((r - (p["eye_rx"] + 4.0)) / 0.9) ** 2)
            img = img * (1 - 0.8 * ring)
    if p["glasses"]:
        bridge = np.exp(-(y - p["eye_y"]) ** 2 / 0.8) * (np.abs(x) < p["eye_dx"] - p["eye_rx"] - 3)
        img = img * (1 - 0.7 * bridge)
    mouth = _smooth_inside((x / p["mouth_w"]) ** 2 + ((y - p["mouth_y"]) / mouth_h) ** 2, 0.2)
    img = img * (1 - p["mouth_level"] * mouth)
    img = img * bright + rng.normal(0, 4, (h, w))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def make_orl_faces(n=40, seed=0, out_dir=None):
    """``n`` synthetic subjects x 10 images; see the module docstring. With ``out_dir`` also
    writes ``out_dir/orl_faces/s*/N.pgm``."""
    if n < 1:
        raise ValueError(f"make_orl_faces: n (subjects) must be >= 1, got {n}")
    rng = np.random.Generator(np.random.PCG64(seed))
    templates = [_subject(rng) for _ in range(n)]
    images = np.stack([_render(p, rng) for p in templates for _ in range(IMAGES_PER_SUBJECT)])
    subjects = np.repeat(np.arange(n, dtype=np.int64), IMAGES_PER_SUBJECT)
    if out_dir is not None:
        write_orl_dir(out_dir, images, subjects)
    return images, subjects


def load_orl_faces(config="book", seed=0):
    """``(images uint8 [M, 112, 92], subjects int64 [M])``: the real ORL database from
    ``$MINIGRAD_DATA_ORL`` when set, else the DS-19 stand-in (40 or 10 subjects)."""
    real = override("ORL")
    if real:
        for cand in (real, os.path.join(real, "orl_faces")):
            if os.path.isdir(os.path.join(cand, "s1")):
                return read_orl_dir(cand)
        raise DataSourceMissing(f"MINIGRAD_DATA_ORL={real!r} holds no orl_faces/s1 ... s40 "
                                "folders; unset it to use the synthetic DS-19 stand-in")
    if config not in SIZES:
        raise ValueError(f"load_orl_faces: config must be one of {sorted(SIZES)}, got {config!r}")
    return make_orl_faces(SIZES[config], seed)
