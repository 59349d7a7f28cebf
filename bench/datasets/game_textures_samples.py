#!/usr/bin/python3
"""Writes the bundled sample textures (samples/textures/) and samples/SOURCES.md.

Uses the packages that game-textures.sh downloaded and unpacked into its cache, so run that
script first (either --source, both needed here). Only CC0 and public-domain textures are used.
Usage: bench/datasets/game_textures_samples.py [--cache DIR] [--out samples]
"""
import argparse
import fnmatch
import os
import sys
import zipfile
from io import BytesIO

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from game_textures import PK3, SOURCES, read_list, square_resize  # noqa: E402
from PIL import Image, ImageChops, ImageStat  # noqa: E402

SIZE = 256
JPEG_QUALITY = 90
# Textures with two samples: <class>_a is the top-left and <class>_b the bottom-right quadrant
# of the (square) source, so the two show the same texture without sharing a pixel.
# Not blackrock or forest_floor: they repeat with a period of half the image, so their
# quadrants are copies (main() checks this).
PAIRS = ["3td_BrickOldRound_01", "Ice03_col", "bumpy_surface", "carpet010", "carpet025", "metal01",
         "metal02", "potatoes", "pyramidwall", "railway", "solar", "wood_planks1"]
# Textures with one sample: the whole image, center-cropped to a square.
SINGLES = ["Tizeta_grey1", "blackrock", "ceramic", "forest_floor", "ice001", "oldWood", "paving001",
           "tile01", "tile02"]
MIN_PAIR_DIFFERENCE = 5.0  # mean absolute RGB difference (0-255) between the two crops of a pair
FREE = {"CC0", "public-domain"}
# Where a file inside the .deb sits in the tree that the DEP-5 copyright file describes.
COPYRIGHT_PREFIX = {"ufoai": ("usr/share/games/ufoai/base/0textures.pk3:", "base/"),
                    "supertuxkart": ("usr/share/games/supertuxkart/", "")}


def dep5_stanzas(path):
    """(patterns, copyright, licence) of each Files stanza of a DEP-5 copyright file."""
    stanzas, fields, key = [], {}, None
    with open(path, encoding="utf-8") as f:
        for line in list(f) + ["\n"]:
            if not line.strip():
                if "Files" in fields:
                    stanzas.append((fields["Files"].split(), "; ".join(
                        line for line in fields.get("Copyright", "").split("\n") if line),
                                    fields.get("License", "").split("\n")[0].strip()))
                fields, key = {}, None
            elif line[0] in " \t" and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
    return stanzas


def dep5_lookup(stanzas, file):
    """Copyright and licence of a file: the last stanza whose pattern matches wins (DEP-5)."""
    found = None
    for patterns, holder, licence in stanzas:
        if any(fnmatch.fnmatchcase(file, pattern) for pattern in patterns):
            found = (holder, licence)
    return found


def quadrant(image, which):
    image = square_resize(image, min(image.size))
    half = image.size[0] // 2
    left = top = 0 if which == "a" else half
    return image.crop((left, top, left + half, top + half))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "texhash", "game-textures"))
    parser.add_argument("--lists", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples"))
    args = parser.parse_args()

    rows = {}
    for source, (list_file, package) in SOURCES.items():
        unpacked = [d for d in sorted(os.listdir(os.path.join(args.cache, "unpacked")))
                    if d.startswith(package + "_")] if os.path.isdir(os.path.join(args.cache, "unpacked")) else []
        if not unpacked:
            sys.exit(f"error: {package} is not unpacked in {args.cache}; run bench/datasets/game-textures.sh first")
        root = os.path.join(args.cache, "unpacked", unpacked[-1])
        version = unpacked[-1][len(package) + 1:]
        stanzas = dep5_stanzas(os.path.join(root, "usr/share/doc", package, "copyright"))
        for path, name, licence in read_list(os.path.join(args.lists, list_file)):
            rows[name] = (source, package, version, root, path, licence, stanzas)

    textures = os.path.normpath(os.path.join(args.out, "textures"))
    os.makedirs(textures, exist_ok=True)
    for old in os.listdir(textures):
        os.remove(os.path.join(textures, old))
    archives = {}
    table = []
    for name in sorted(PAIRS + SINGLES, key=str.lower):
        if name not in rows:
            sys.exit(f"error: {name} is not in the class lists")
        source, package, version, root, path, licence, stanzas = rows[name]
        deb_prefix, tree_prefix = COPYRIGHT_PREFIX[source]
        holder, dep5_licence = dep5_lookup(stanzas, tree_prefix + path[len(deb_prefix):])
        if len(holder) > 80:  # one stanza covering many files from many sources: name no one wrongly
            holder = f"not given per file (one public-domain stanza of {package}'s copyright file covers it)"
        if licence not in FREE or dep5_licence != licence:
            sys.exit(f"error: {name}: licence {licence} (copyright file: {dep5_licence}); samples must be CC0 or public domain")
        if PK3 + ":" in path:
            archive, member = path.split(PK3 + ":", 1)
            archive = os.path.join(root, archive + PK3)
            archives.setdefault(archive, zipfile.ZipFile(archive))
            data = archives[archive].read(member)
        else:
            with open(os.path.join(root, path), "rb") as f:
                data = f.read()
        with Image.open(BytesIO(data)) as image:
            image.load()
            width, height = image.size
            extension = "jpg" if image.format == "JPEG" else "png"
            if name in PAIRS:
                outputs = [(f"{name}_{q}", quadrant(image, q), f"{'top-left' if q == 'a' else 'bottom-right'} "
                            f"quadrant of the {min(width, height)} px center square") for q in "ab"]
                difference = sum(ImageStat.Stat(ImageChops.difference(outputs[0][1], outputs[1][1])).mean) / 3
                if difference < MIN_PAIR_DIFFERENCE:
                    sys.exit(f"error: {name}: its quadrants differ by only {difference:.1f} on average "
                             "(a periodic texture): list it in SINGLES, not PAIRS")
            else:
                outputs = [(name, square_resize(image, min(width, height)), "whole image"
                            + ("" if width == height else f", center-cropped to {min(width, height)} px square"))]
        for stem, crop, what in outputs:
            side = crop.size[0]
            crop = crop.resize((SIZE, SIZE), Image.Resampling.LANCZOS) if side != SIZE else crop
            file = f"{stem}.{extension}"
            if extension == "jpg":
                crop.save(os.path.join(textures, file), format="JPEG", quality=JPEG_QUALITY)
            else:
                crop.save(os.path.join(textures, file), format="PNG", optimize=True)
            done = what + (f", resized {side} to {SIZE} px (Lanczos)" if side != SIZE else f" ({SIZE} px, not resized)")
            done += f", JPEG quality {JPEG_QUALITY}" if extension == "jpg" else ", PNG"
            table.append((file, package, version, path, f"{width}x{height}", licence, holder, done))

    with open(os.path.join(args.out, "SOURCES.md"), "w", encoding="utf-8") as f:
        f.write("# Sources of the sample textures\n\n"
                "Written by `bench/datasets/game_textures_samples.py` from the Debian 12 packages that\n"
                "`bench/datasets/game-textures.sh` downloads. Every file is CC0 or public domain\n"
                "according to the package's `/usr/share/doc/<package>/copyright` (DEP-5; the last\n"
                "matching `Files:` stanza wins); the copyright holder column repeats that file's\n"
                "`Copyright:` field as credit. For ufoai the path is `<pk3 archive>:<member of the zip>`.\n\n"
                f"All files are {SIZE}x{SIZE} RGB. A `_a`/`_b` pair holds two disjoint crops of one texture\n"
                "(top-left and bottom-right quadrants), so a search with one should find the other.\n\n"
                "| file | package | version | path inside the package | source size | licence | copyright holder | what was done |\n"
                "|---|---|---|---|---|---|---|---|\n")
        for row in table:
            f.write("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |\n")
    print(f"{len(table)} files in {textures}")


if __name__ == "__main__":
    main()
