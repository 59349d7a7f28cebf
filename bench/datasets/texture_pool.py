#!/usr/bin/python3
"""The texture pool's Python side (called by texture-pool.sh; needs python3-pil and python3-numpy).

  scan    measure every image of one .deb (also inside .zip/.pk3/.wz archives) into a cache TSV
  select  apply the rules below to the scans and write the committed lists (pool/<source>.tsv)
  build   convert the listed images to <out>/<source>/<name>.png (N x N RGB) plus LICENSES.tsv

The rules (select) keep surface textures only. An image is dropped, with the first reason that
applies, when:
  path       its path is in a part of the package that holds no surface textures (EXCLUDED_DIRS:
             interface, fonts, model skins, sky boxes, screenshots, documentation), or a path
             word names UI, fonts,
             icons, sprites, particles, sky boxes, or a normal/height/specular/mask map
             (EXCLUDED_WORDS, EXCLUDED_SUFFIX: grass_n.png, wall023_nm.png, ...)
  small      its shorter side is under MIN_SIDE (128) pixels
  aspect     its longer side is more than MAX_ASPECT (2) times its shorter side (strips, atlases)
  alpha      fewer than MIN_OPAQUE (95 %) of its pixels are opaque (alpha >= 250)
  normalmap  its colours are those of a tangent-space normal map (blue ~1, red and green ~0.5)
  flat       its luminance standard deviation is under MIN_STD (6 of 255): a plain colour
  duplicate  its 64-bit difference hash (dHash of the centre square at 9x8 grey) is within
             DUPLICATE_DISTANCE (5) bits of an image kept before it and its mean colour within
             DUPLICATE_COLOUR (12 of 255 per channel) of that image's, or its bytes are identical
             (the colour test keeps recoloured variants, e.g. red and yellow dirt, and
             low-contrast textures whose coarse grey hashes agree by chance).
             Images are visited by source (ufoai, supertuxkart first: the development
             benchmark's packages keep their copy), then larger first, then path.
"""
import argparse
import fnmatch
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import zipfile

try:
    import numpy as np
    from PIL import Image, UnidentifiedImageError
except ImportError:
    sys.exit("error: texture_pool.py needs Debian's python3-pil and python3-numpy "
             "(apt-get install -y python3-pil python3-numpy)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from game_textures import is_done, square_resize  # noqa: E402  (same crop + Lanczos as the benchmark)

Image.MAX_IMAGE_PIXELS = 64 * 1024 * 1024

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tga", ".bmp", ".dds", ".rgb", ".sgi")
ARCHIVE_EXTENSIONS = (".zip", ".pk3", ".wz")
MIN_SIDE = 128
MAX_ASPECT = 2.0
MIN_OPAQUE = 0.95
MIN_STD = 6.0
DUPLICATE_DISTANCE = 5
DUPLICATE_COLOUR = 12.0

# Source short name -> Debian package, in dedup priority order.
SOURCES = {
    "ufoai": "ufoai-textures",
    "supertuxkart": "supertuxkart-data",
    "extremetuxracer": "extremetuxracer-data",
    "neverball": "neverball-data",
    "megaglest": "megaglest-data",
    "torcs": "torcs-data",
    "trigger-rally": "trigger-rally-data",
    "warzone2100": "warzone2100-data",
    # evaluation only: never in the training pool (texture-pool.sh builds them only when asked),
    # and last in the dedup order, so none of their images nearly repeats one a model trained on
    "openarena": "openarena-081-textures",
    "0ad": "0ad-data",
}
# Parts of a package without surface textures: interface, fonts, documentation, and model skins
# (UV atlases of karts, cars and units, not surfaces).
EXCLUDED_DIRS = {
    "ufoai": r"/tex_common/|/tex_pics/",
    "supertuxkart": r"/karts/|/gui/|/ttf/|/models/|/editor/|/skins/|/data/[^/]+$",
    # courses/: per-course elevation, terrain-type and tree maps; players/: avatars
    "extremetuxracer": r"/fonts/|/hud/|/gui/|/env/|/courses/|/players/|/textures/(?:herring|tux)",
    "neverball": r"/gui/|/ttf/|/ball/|/shot-",  # shot-*: level screenshots
    "megaglest": r"/techs/|/data/core/|/docs/|/scenarios/|/tutorials/|/maps/|/models/",
    "torcs": r"/cars/|/menu/|/img/|/drivers/",
    # maps/: per-map height, colour, foliage and road maps and screenshots, no surfaces
    "trigger-rally": r"/vehicles/|/gui/|/fonts?/|/events/|/maps/|signs/",
    # texpages/page-*: model atlases (buildings, droids, weapons), except the two water pages
    "warzone2100": r"/images/|/fonts?/|/bdrops/|/doc/|/texpages/page-(?!8[01]-water)",
    # sfx, flares, liquids, skies, env: effects, water and sky; common: editor tool textures;
    # symbols: signage
    "openarena": r"/textures/(?:\w*sfx\d*|flares|liquids|\w*skies|common|effects|oafx|symbols)/|/env/",
    # everything but the terrain: skins/ are building and unit atlases, the rest interface,
    # particles, skies and cursors
    "0ad": r"^(?!/usr/share/games/0ad/mods/public/public\.zip/art/textures/terrain/)",
}
COMMON_DIRS = r"^usr/share/(?:doc|icons|pixmaps|applications|metainfo)/"
EXCLUDED_WORDS = {
    "ui", "gui", "hud", "menu", "menus", "font", "fonts", "icon", "icons", "button", "buttons",
    "cursor", "cursors", "logo", "logos", "splash", "screenshot", "screenshots", "sprite",
    "sprites", "particle", "particles", "preview", "previews", "thumb", "thumbs", "thumbnail",
    "thumbnails", "minimap", "portrait", "portraits", "title", "credits", "loading", "arrow",
    "arrows", "normal", "normals", "nm", "nrm", "norm", "nmap", "bump", "bumpmap", "height",
    "heightmap", "hmap", "disp", "displacement", "spec", "specular", "gloss", "glossiness",
    "roughness", "glossy", "pbrdata", "albedo", "metalness", "ao", "occlusion", "mask", "masks", "lightmap", "shadow", "shadows",
    "sky", "skybox", "skydome", "background", "cubemap", "env", "envmap", "reflection", "glow", "emissive", "gradient",
    "noise", "flare", "lensflare", "smoke", "fire", "flame", "flames", "explosion", "spark", "sparks",
    # character and vehicle skins, signs, foliage cut-outs, clouds
    "face", "body", "eye", "eyes", "cloth", "hair", "skin", "avatar", "accesories", "accessories",
    "kart", "wheel", "tire", "tyre", "crowd", "spectator", "sign", "signs", "leaves", "alpha",
    "clouds", "cloudshadow", "caustics", "elev",
}
EXCLUDED_SUFFIX = re.compile(r"[_\-](?:n|s|h|ao|nm|nrm|norm|spec|gloss|height|bump|mask)$")


# ---------------------------------------------------------------------------------------- scan

def iter_deb_images(deb):
    """(path inside the package, bytes) of every image of a .deb, archives opened."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            path = member.name[2:] if member.name.startswith("./") else member.name
            lower = path.lower()
            if lower.endswith(IMAGE_EXTENSIONS):
                yield path, tar.extractfile(member).read()
            elif lower.endswith(ARCHIVE_EXTENSIONS):
                data = tar.extractfile(member).read()
                try:
                    archive = zipfile.ZipFile(io.BytesIO(data))
                except zipfile.BadZipFile:
                    continue
                for name in sorted(archive.namelist()):
                    if name.lower().endswith(IMAGE_EXTENSIONS) and not name.endswith("/"):
                        yield f"{path}:{name}", archive.read(name)
    if proc.wait() != 0:
        sys.exit(f"error: dpkg-deb --fsys-tarfile {deb} failed")


def dhash(grey):
    """64-bit difference hash of a greyscale image: 9x8, left < right per pixel pair."""
    small = np.asarray(grey.resize((9, 8), Image.Resampling.BILINEAR), dtype=np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def measure(data):
    """Size, opaque fraction, mean RGB, luminance std and dHash of one image's bytes."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        opaque = 1.0
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            alpha = np.asarray(image.convert("RGBA").getchannel("A"))
            opaque = float((alpha >= 250).mean())
        rgb = square_resize(image, 128)
    pixels = np.asarray(rgb, dtype=np.float32)
    grey = rgb.convert("L")
    return (width, height, opaque, *pixels.reshape(-1, 3).mean(axis=0),
            float(np.asarray(grey, dtype=np.float32).std()), dhash(grey))


SCAN_COLUMNS = ["path", "sha256", "width", "height", "opaque", "mean_r", "mean_g", "mean_b", "std", "dhash", "error"]


def scan(args):
    rows = 0
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write("\t".join(SCAN_COLUMNS) + "\n")
        for path, data in iter_deb_images(args.deb):
            sha = hashlib.sha256(data).hexdigest()
            try:
                w, h, opaque, r, g, b, std, dh = measure(data)
                fields = [path, sha, w, h, f"{opaque:.4f}", f"{r:.1f}", f"{g:.1f}", f"{b:.1f}", f"{std:.2f}", f"{dh:016x}", ""]
            # NotImplementedError: a DDS pixel format Pillow cannot decode (some of 0 A.D.'s)
            except (OSError, ValueError, NotImplementedError, UnidentifiedImageError,
                    Image.DecompressionBombError) as e:
                fields = [path, sha, 0, 0, 0, 0, 0, 0, 0, "0", str(e).replace("\t", " ").replace("\n", " ")[:200]]
            out.write("\t".join(str(f) for f in fields) + "\n")
            rows += 1
            if rows % 500 == 0:
                print(f"  {args.deb}: {rows} images measured", flush=True)
    os.replace(temporary, args.out)
    print(f"  {os.path.basename(args.deb)}: {rows} images measured")


# -------------------------------------------------------------------------------------- select

def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def image_stem(path):
    """A path without its extension; 0 A.D.'s converted textures (x.png.cached.dds) lose all three."""
    return re.sub(r"(?:\.(?:png|dds|tga|jpg))?\.cached$", "", os.path.splitext(path)[0])


def words(path):
    """Lower-case words of a path: split at separators and between letters and digits."""
    stem = image_stem(path.lower())
    return set(re.split(r"[/_\-.:\s]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", stem)) - {""}


def drop_reason(source, row):
    """Why a scanned image is no surface texture, or None to keep it (before dedup)."""
    path = row["path"]
    lower = "/" + path.lower().replace(":", "/")
    stem = image_stem(os.path.basename(path.lower()))
    if (re.search(COMMON_DIRS, path) or re.search(EXCLUDED_DIRS[source], lower)
            or words(path) & EXCLUDED_WORDS or EXCLUDED_SUFFIX.search(stem)):
        return "path"
    if row["error"]:
        return "unreadable"
    w, h = int(row["width"]), int(row["height"])
    if min(w, h) < MIN_SIDE:
        return "small"
    if max(w, h) > MAX_ASPECT * min(w, h):
        return "aspect"
    if float(row["opaque"]) < MIN_OPAQUE:
        return "alpha"
    r, g, b = float(row["mean_r"]), float(row["mean_g"]), float(row["mean_b"])
    if b > 190 and abs(r - 128) < 40 and abs(g - 128) < 40 and b - max(r, g) > 40:
        return "normalmap"
    if float(row["std"]) < MIN_STD:
        return "flat"
    return None


class Dep5:
    """The Files/License paragraphs of a DEP-5 copyright file, matched against installed paths.

    DEP-5 patterns name paths in the source package (data/textures/x.jpg) while the image is
    installed elsewhere (usr/share/games/x/data/textures/x.jpg, or inside an archive). A pattern
    matches when it, or its tail after dropping leading directories (keeping at least two
    components), matches the end of the installed path (an archive member counts as a folder
    of its archive). As in DEP-5, the last matching paragraph wins.
    """

    def __init__(self, path):
        self.paragraphs = []
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for block in re.split(r"\n\s*\n", text):
            fields, first, key = {}, {}, None
            for line in block.splitlines():
                if line[:1] in (" ", "\t") and key:
                    fields[key] += " " + line.strip()
                elif ":" in line:
                    key, value = line.split(":", 1)
                    key = key.strip()
                    fields[key] = first[key] = value.strip()
            if "Files" in fields and first.get("License"):
                # The License field's first line is the short name ("GPL-2+", "CC-BY-3.0 or GPL-2").
                self.paragraphs.append((fields["Files"].split(), first["License"]))

    def licence(self, installed_path):
        path = installed_path.replace(":", "/")
        found = None
        for patterns, licence in self.paragraphs:
            for pattern in patterns:
                if self._matches(pattern, path):
                    found = licence
                    break
        return found

    @staticmethod
    def _matches(pattern, path):
        if pattern == "*":
            return True
        parts = pattern.split("/")
        for start in range(len(parts)):
            tail = "/".join(parts[start:])
            if start > 0 and len(parts) - start < 2:
                break
            if fnmatch.fnmatchcase(path, "*/" + tail) or fnmatch.fnmatchcase(path, tail):
                return True
        return False


def output_name(path, taken):
    """A file name for an image: its last path components, made unique within its source."""
    parts = [p for p in re.split(r"[/:]", image_stem(path)) if p]
    for n in range(2, len(parts) + 1):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(parts[-n:]))
        if name not in taken:
            taken.add(name)
            return name
    sys.exit(f"error: no unique name for {path}")


def select(args):
    scans = {}
    for source, scan_file, version, copyright_file in args.source:
        if source not in SOURCES:
            sys.exit(f"error: unknown source {source!r}, expected one of {', '.join(SOURCES)}")
        scans[source] = (read_tsv(scan_file), version, Dep5(copyright_file))
    reasons = {source: {} for source in scans}
    candidates = []
    for source in SOURCES:
        if source not in scans:
            continue
        for row in scans[source][0]:
            reason = drop_reason(source, row)
            if reason:
                reasons[source][reason] = reasons[source].get(reason, 0) + 1
            else:
                side = min(int(row["width"]), int(row["height"]))
                candidates.append((list(SOURCES).index(source), -side, row["path"], source, row))
    candidates.sort(key=lambda c: c[:3])
    kept_hashes, kept_shas, kept = [], set(), {source: [] for source in scans}
    for _, _, _, source, row in candidates:
        h = int(row["dhash"], 16)
        colour = [float(row[c]) for c in ("mean_r", "mean_g", "mean_b")]
        if row["sha256"] in kept_shas or any(
                bin(h ^ k).count("1") <= DUPLICATE_DISTANCE and max(abs(a - b) for a, b in zip(colour, c)) <= DUPLICATE_COLOUR
                for k, c in kept_hashes):
            reasons[source]["duplicate"] = reasons[source].get("duplicate", 0) + 1
            continue
        kept_hashes.append((h, colour))
        kept_shas.add(row["sha256"])
        kept[source].append(row)
    os.makedirs(args.lists, exist_ok=True)
    summary = []
    for source, rows in kept.items():
        dep5, taken, lines = scans[source][2], set(), []
        for row in sorted(rows, key=lambda r: r["path"]):
            licence = dep5.licence(row["path"])
            if not licence:
                sys.exit(f"error: no licence for {SOURCES[source]} {row['path']} in its copyright file")
            lines.append((row["path"], output_name(row["path"], taken), licence, row["sha256"]))
        with open(os.path.join(args.lists, f"{source}.tsv"), "w", encoding="utf-8") as f:
            f.write(f"# {SOURCES[source]} {scans[source][1]}: path_inside_package, name, licence, sha256\n")
            for line in lines:
                f.write("\t".join(line) + "\n")
        total = len(scans[source][0])
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(reasons[source].items(), key=lambda kv: -kv[1]))
        summary.append(f"{source}\t{scans[source][1]}\t{total}\t{len(lines)}\t{dropped}")
    with open(os.path.join(args.lists, "SUMMARY.tsv"), "w", encoding="utf-8") as f:
        f.write("source\tversion\timages_in_package\tkept\tdropped (reason count)\n")
        f.write("\n".join(summary) + "\n")
    print("\n".join(summary))


# --------------------------------------------------------------------------------------- build

def read_list(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 4 or not all(fields):
                sys.exit(f"error: {path}:{number}: expected 4 tab-separated fields "
                         f"(path_inside_package, name, licence, sha256), got {len(fields)}")
            rows.append(fields)
    return rows


def build(args):
    licences = []
    written = kept = 0
    for source, root, version in args.source:
        rows = read_list(os.path.join(args.lists, f"{source}.tsv"))
        folder = os.path.join(args.out, source)
        os.makedirs(folder, exist_ok=True)
        archives = {}
        for path, name, licence, sha in rows:
            target = os.path.join(folder, name + ".png")
            licences.append((source, name, SOURCES[source], version, path, licence))
            if not args.force and is_done(target, args.size):
                kept += 1
                continue
            if ":" in path:
                archive, member = path.split(":", 1)
                if archive not in archives:
                    archives[archive] = zipfile.ZipFile(os.path.join(root, archive))
                data = archives[archive].read(member)
            else:
                with open(os.path.join(root, path), "rb") as f:
                    data = f.read()
            if hashlib.sha256(data).hexdigest() != sha:
                sys.exit(f"error: {SOURCES[source]} {path}: SHA256 differs from the list "
                         f"(another package version?); regenerate the lists with --regenerate-lists")
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image.load()
                    result = square_resize(image, args.size)
            except (OSError, UnidentifiedImageError) as e:
                sys.exit(f"error: {SOURCES[source]} {path}: {e}")
            result.save(target + ".tmp", format="PNG")
            os.replace(target + ".tmp", target)
            written += 1
        wanted = {row[1] + ".png" for row in rows}
        for file in sorted(os.listdir(folder)):
            if file.endswith(".png") and file not in wanted:
                os.remove(os.path.join(folder, file))
                print(f"  removed {source}/{file} (not in the list)")
        print(f"  {source}: {len(rows)} images", flush=True)
    with open(os.path.join(args.out, "LICENSES.tsv.tmp"), "w", encoding="utf-8") as f:
        f.write("source\tname\tpackage\tversion\tpath_inside_package\tlicence\n")
        for row in sorted(licences):
            f.write("\t".join(row) + "\n")
    os.replace(os.path.join(args.out, "LICENSES.tsv.tmp"), os.path.join(args.out, "LICENSES.tsv"))
    print(f"  {len(licences)} images: {written} written, {kept} already up to date")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("scan", help="measure every image of a .deb")
    p.add_argument("--deb", required=True)
    p.add_argument("--out", required=True, help="scan TSV to write")
    p.add_argument("--_", dest="func", default=scan, help=argparse.SUPPRESS)
    p = commands.add_parser("select", help="apply the rules to scans, write the lists")
    p.add_argument("--lists", required=True, help="folder for <source>.tsv and SUMMARY.tsv")
    p.add_argument("--source", action="append", nargs=4, required=True,
                   metavar=("NAME", "SCAN", "VERSION", "COPYRIGHT"))
    p.add_argument("--_", dest="func", default=select, help=argparse.SUPPRESS)
    p = commands.add_parser("build", help="convert the listed images")
    p.add_argument("--lists", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--force", action="store_true")
    p.add_argument("--source", action="append", nargs=3, required=True, metavar=("NAME", "ROOT", "VERSION"))
    p.add_argument("--_", dest="func", default=build, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
