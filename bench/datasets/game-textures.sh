#!/usr/bin/env bash
# Builds the development benchmark: one square PNG (512x512) per texture class, from the Debian
# packages ufoai-textures and supertuxkart-data, with the licences beside them.
# Usage: bench/datasets/game-textures.sh OUT_DIR [options]; see --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

# The class lists were made from these versions (Debian 12 "bookworm").
declare -A PACKAGE=([ufoai]=ufoai-textures [supertuxkart]=supertuxkart-data)
declare -A EXPECTED_VERSION=([ufoai]=2.5-2 [supertuxkart]=1.4+dfsg-2)
declare -A LIST=([ufoai]=ufoai.classes.tsv [supertuxkart]=supertuxkart.classes.tsv)

usage() {
  cat <<EOF
Usage: $(basename "$0") OUT_DIR [--source ufoai|supertuxkart|both] [--lists DIR] [--cache DIR]
                         [--size N] [--python PYTHON] [--force]

Builds the game-textures development benchmark in OUT_DIR: <class>.png (N x N, RGB; each image
center-cropped to a square, then resized with Lanczos), LICENSES.tsv (class, package, version,
path inside the package, licence) and <package>.copyright (the packages' DEP-5 copyright files).

  --source S    ufoai (204 classes), supertuxkart (121) or both (325, default)
  --lists DIR   folder with ufoai.classes.tsv and supertuxkart.classes.tsv
                (default: bench/datasets, beside this script)
  --cache DIR   where the .deb files (~321 MiB and ~599 MiB) and the unpacked members are kept
                (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/texhash/game-textures)
  --size N      output side in pixels (default 512)
  --python P    a python3 that can import PIL (default: /usr/bin/python3; apt-get install python3-pil)
  --force       rewrite PNGs that already exist

Re-running is cheap: downloads, unpacking and PNGs that are already there are reused.
Needs apt-get, dpkg-deb, tar and Debian's python3-pil; apt-get update is run once if a
package has to be downloaded.
EOF
}

die() { echo "error: $*" >&2; exit 1; }
step() { echo "==> $*"; }
# shellcheck source=debian-packages.sh
source "$SCRIPT_DIR/debian-packages.sh"

OUT_DIR="" SOURCE=both SIZE=512 FORCE=()
LISTS="$SCRIPT_DIR"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/texhash/game-textures"
PYTHON=/usr/bin/python3
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --source|--lists|--cache|--size|--python)
      (($# >= 2)) || die "$1 needs a value (see --help)"
      case "$1" in
        --source) SOURCE=$2 ;; --lists) LISTS=$2 ;; --cache) CACHE=$2 ;;
        --size) SIZE=$2 ;; --python) PYTHON=$2 ;;
      esac
      shift 2 ;;
    --force) FORCE=(--force); shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$OUT_DIR" ]] || die "only one OUT_DIR expected, got '$OUT_DIR' and '$1'"
       OUT_DIR=$1; shift ;;
  esac
done
[[ -n "$OUT_DIR" ]] || { usage >&2; exit 2; }
case "$SOURCE" in
  both) SOURCES=(ufoai supertuxkart) ;;
  ufoai|supertuxkart) SOURCES=("$SOURCE") ;;
  *) die "--source must be ufoai, supertuxkart or both, got '$SOURCE'" ;;
esac
[[ "$SIZE" =~ ^[0-9]+$ ]] && ((SIZE >= 16)) || die "--size must be an integer >= 16, got '$SIZE'"
[[ -d "$LISTS" ]] || die "class lists folder not found: $LISTS (pass --lists DIR)"
for source in "${!LIST[@]}"; do
  [[ -f "$LISTS/${LIST[$source]}" ]] || die "class list missing: $LISTS/${LIST[$source]}"
  bad=$(awk -F'\t' 'NF && (NF != 3 || $1 == "" || $2 == "" || $3 == "") { print FILENAME ":" FNR; exit }' \
    "$LISTS/${LIST[$source]}")
  [[ -z "$bad" ]] || die "$bad: expected 3 tab-separated fields (path_inside_package, class_name, licence)"
done
deb_require_tools
"$PYTHON" -c 'import PIL' 2>/dev/null \
  || die "$PYTHON cannot import PIL: install it with 'apt-get install -y python3-pil' (or pass --python)"

START=$SECONDS
mkdir -p "$OUT_DIR" "$CACHE/debs" "$CACHE/unpacked"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

# Unpacks the listed members (and the copyright file) of one package; prints the unpack root.
unpack() {
  local source=$1 deb=$2 members root
  members=$(mktemp)
  # ufoai rows name <archive>.pk3:<member>: the whole .pk3 (a zip) is unpacked and read by Python.
  cut -f1 "$LISTS/${LIST[$source]}" | sed -e 's/\.pk3:.*$/.pk3/' -e '/^$/d' > "$members"
  root=$(deb_unpack "${PACKAGE[$source]}" "$deb" "$members")
  rm -f "$members"
  echo "$root"
}

PY_SOURCES=()
for source in "${SOURCES[@]}"; do
  package=${PACKAGE[$source]}
  deb=$(deb_fetch "$package")
  version=$(dpkg-deb -f "$deb" Version)
  [[ "$version" == "${EXPECTED_VERSION[$source]}" ]] || echo "warning: $package is $version;" \
    "the class lists were made from ${EXPECTED_VERSION[$source]} (a missing file fails clearly)" >&2
  root=$(unpack "$source" "$deb")
  cp "$root/usr/share/doc/$package/copyright" "$OUT_DIR/$package.copyright"
  PY_SOURCES+=(--source "$source" "$root" "$version")
done

step "writing ${SIZE}x$SIZE PNGs to $OUT_DIR"
"$PYTHON" "$SCRIPT_DIR/game_textures.py" --lists "$LISTS" --out "$OUT_DIR" --size "$SIZE" \
  "${FORCE[@]}" "${PY_SOURCES[@]}"
for source in "${!PACKAGE[@]}"; do  # copyright of a source no longer selected
  [[ " ${SOURCES[*]} " == *" $source "* ]] || rm -f "$OUT_DIR/${PACKAGE[$source]}.copyright"
done
step "done in $((SECONDS - START)) s: $(find "$OUT_DIR" -maxdepth 1 -name '*.png' | wc -l) PNGs in $OUT_DIR"
