#!/usr/bin/python3
"""Converts the listed game textures to one square PNG per class (called by game-textures.sh).

The shell script downloads and unpacks the Debian packages; this step reads the unpacked files
(and, for ufoai, the members of the .pk3 zip), center-crops each image to a square, resizes it,
and writes <class>.png plus LICENSES.tsv. It needs Debian's python3-pil.
"""
import argparse
import os
import sys
import zipfile
from io import BytesIO

try:
    from PIL import Image, UnidentifiedImageError
except ImportError:
    sys.exit("error: python3 cannot import PIL; install it with: apt-get install -y python3-pil")

# Source short name -> (class list file, Debian package).
SOURCES = {
    "ufoai": ("ufoai.classes.tsv", "ufoai-textures"),
    "supertuxkart": ("supertuxkart.classes.tsv", "supertuxkart-data"),
}
# ufoai paths are written <archive>.pk3:<member inside the zip>.
PK3 = ".pk3"


def read_list(path):
    """Rows (path_inside_package, class_name, licence) of one class list."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not all(fields):
                sys.exit(f"error: {path}:{number}: expected 3 tab-separated fields "
                         f"(path_inside_package, class_name, licence), got {len(fields)}")
            rows.append(tuple(fields))
    return rows


def output_names(lists):
    """Class name -> output stem. A name present in more than one list is prefixed with its
    source (e.g. ufoai-dirt, supertuxkart-dirt) in every mode, so a class keeps one file name
    whether the dataset is built from one source or both."""
    seen = {}
    for source, rows in lists.items():
        for _, name, _ in rows:
            seen.setdefault(name, set()).add(source)
    names = {}
    for source, rows in lists.items():
        for _, name, _ in rows:
            if len(seen[name]) > 1:
                names[(source, name)] = f"{source}-{name}"
            else:
                if (source, name) in names:
                    sys.exit(f"error: class {name!r} is listed twice in {SOURCES[source][0]}")
                names[(source, name)] = name
    return names


def square_resize(image, size):
    """Center-crop to the largest square, then resize with Lanczos. Cropping instead of
    squashing keeps the texture's aspect ratio, so its elements are not stretched."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits before converting, or convert() would clip.
        image = image.point(lambda v: v / 256).convert("L")
    image = image.convert("RGB")
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    if side != size:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image


def is_done(path, size):
    try:
        with Image.open(path) as existing:
            return existing.format == "PNG" and existing.size == (size, size) and existing.mode == "RGB"
    except (OSError, UnidentifiedImageError):
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", required=True, help="folder with the *.classes.tsv lists")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--force", action="store_true", help="rewrite existing PNGs")
    parser.add_argument("--source", action="append", nargs=3, metavar=("NAME", "ROOT", "VERSION"),
                        required=True, help="a selected source, its unpacked package root, "
                                            "and the package version (repeatable)")
    args = parser.parse_args()
    if args.size < 16:
        sys.exit(f"error: --size must be >= 16, got {args.size}")

    lists = {name: read_list(os.path.join(args.lists, file)) for name, (file, _) in SOURCES.items()}
    names = output_names(lists)
    selected = {name: (root, version) for name, root, version in args.source}
    for name in selected:
        if name not in SOURCES:
            sys.exit(f"error: unknown source {name!r}, expected one of {', '.join(SOURCES)}")

    jobs = [(source, row) for source in SOURCES if source in selected for row in lists[source]]
    os.makedirs(args.out, exist_ok=True)
    archives = {}
    written = skipped = 0
    licences = []
    for index, (source, (inner_path, class_name, licence)) in enumerate(jobs, 1):
        root, version = selected[source]
        package = SOURCES[source][1]
        stem = names[(source, class_name)]
        target = os.path.join(args.out, stem + ".png")
        licences.append((stem, package, version, inner_path, licence))
        if not args.force and is_done(target, args.size):
            skipped += 1
        else:
            try:
                if PK3 + ":" in inner_path:
                    archive, member = inner_path.split(PK3 + ":", 1)
                    archive = os.path.join(root, archive + PK3)
                    if archive not in archives:
                        archives[archive] = zipfile.ZipFile(archive)
                    data = archives[archive].read(member)
                else:
                    with open(os.path.join(root, inner_path), "rb") as f:
                        data = f.read()
                with Image.open(BytesIO(data)) as image:
                    image.load()
                    result = square_resize(image, args.size)
            except (OSError, KeyError, zipfile.BadZipFile, UnidentifiedImageError) as e:
                sys.exit(f"error: {package} {inner_path} (class {stem}): {e}")
            temporary = target + ".tmp"
            result.save(temporary, format="PNG")
            os.replace(temporary, target)  # atomic: a killed run never leaves a half-written PNG
            written += 1
        if index % 25 == 0 or index == len(jobs):
            print(f"  [{index:3d}/{len(jobs)}] {stem}", flush=True)

    # PNGs of classes from a source that is not selected now (an earlier run with another
    # --source) would silently join the benchmark: remove them. Unknown files are only reported.
    wanted = {row[0] + ".png" for row in licences}
    ours = {stem + ".png" for stem in names.values()}
    for file in sorted(os.listdir(args.out)):
        if file.endswith(".png") and file not in wanted:
            if file in ours:
                os.remove(os.path.join(args.out, file))
                print(f"  removed {file} (its source is not selected)")
            else:
                print(f"  warning: {file} in {args.out} is not a listed class", file=sys.stderr)

    temporary = os.path.join(args.out, "LICENSES.tsv.tmp")
    with open(temporary, "w", encoding="utf-8") as f:
        f.write("class\tpackage\tversion\tpath_inside_package\tlicence\n")
        for row in sorted(licences):
            f.write("\t".join(row) + "\n")
    os.replace(temporary, os.path.join(args.out, "LICENSES.tsv"))
    print(f"  {len(jobs)} classes: {written} written, {skipped} already up to date")


if __name__ == "__main__":
    main()
