#!/usr/bin/env bash
# Builds the texture pool: surface textures from eight Debian game-data packages, one folder per
# package, for training encoders and for the cross-package unseen protocols; and, only when asked,
# evaluation-only sources that no shipped model trained on.
# Usage: bench/datasets/texture-pool.sh OUT_DIR [options]; see --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Source short name -> Debian package (the lists were made from Debian 12 "bookworm").
# The pool is SOURCE_ORDER; EVAL_ONLY is built only when --sources names it (then into a folder of
# its own: a training run on a folder reads every source in it).
SOURCE_ORDER=(ufoai supertuxkart extremetuxracer neverball megaglest torcs trigger-rally warzone2100)
EVAL_ONLY=(openarena 0ad)
declare -A PACKAGE=([ufoai]=ufoai-textures [supertuxkart]=supertuxkart-data
  [extremetuxracer]=extremetuxracer-data [neverball]=neverball-data [megaglest]=megaglest-data
  [torcs]=torcs-data [trigger-rally]=trigger-rally-data [warzone2100]=warzone2100-data
  [openarena]=openarena-081-textures [0ad]=0ad-data)

usage() {
  cat <<EOF
Usage: $(basename "$0") OUT_DIR [--sources S1,S2,...] [--lists DIR] [--cache DIR] [--size N]
                        [--python PYTHON] [--force]
       $(basename "$0") --regenerate-lists [--lists DIR] [--cache DIR] [--python PYTHON]

Builds the texture pool in OUT_DIR from the committed lists (bench/datasets/pool/<source>.tsv):
OUT_DIR/<source>/<name>.png (N x N RGB, each image center-cropped to a square, then resized with
Lanczos), OUT_DIR/LICENSES.tsv (source, name, package, version, path inside the package,
licence) and OUT_DIR/<package>.copyright (the packages' DEP-5 copyright files). Every source file
is checked against the SHA256 in its list.

--regenerate-lists scans every image of the ten packages (also inside .zip/.pk3/.wz archives),
applies the rules of texture_pool.py (surface textures only, near-duplicates removed) and
rewrites the lists and SUMMARY.tsv (images per package, and why the others were dropped).

  --sources L   comma list of sources to build (default: the pool, all of):
                ${SOURCE_ORDER[*]}
                evaluation only (never in the default; build one with the pool into a folder
                of its own, then evaluate with --protocol unseen-SOURCE):
                ${EVAL_ONLY[*]}
  --lists DIR   folder with the lists (default: bench/datasets/pool, beside this script)
  --cache DIR   where the .deb files (~1.9 GiB; 0ad adds 1.3 GiB and a 3 GiB archive once
                unpacked), unpacked members and scans are kept
                (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/texhash/game-textures, shared with
                game-textures.sh)
  --size N      output side in pixels (default 512)
  --python P    a python3 with PIL and numpy (default: /usr/bin/python3;
                apt-get install python3-pil python3-numpy)
  --force       rewrite PNGs that already exist

Re-running is cheap: downloads, unpacking, scans and PNGs that are already there are reused.
EOF
}

die() { echo "error: $*" >&2; exit 1; }
step() { echo "==> $*"; }
# shellcheck source=debian-packages.sh
source "$SCRIPT_DIR/debian-packages.sh"

OUT_DIR="" SIZE=512 FORCE=() REGENERATE=false SOURCES_ARG=""
LISTS="$SCRIPT_DIR/pool"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/texhash/game-textures"
PYTHON=/usr/bin/python3
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --sources|--lists|--cache|--size|--python)
      (($# >= 2)) || die "$1 needs a value (see --help)"
      case "$1" in
        --sources) SOURCES_ARG=$2 ;; --lists) LISTS=$2 ;; --cache) CACHE=$2 ;;
        --size) SIZE=$2 ;; --python) PYTHON=$2 ;;
      esac
      shift 2 ;;
    --force) FORCE=(--force); shift ;;
    --regenerate-lists) REGENERATE=true; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$OUT_DIR" ]] || die "only one OUT_DIR expected, got '$OUT_DIR' and '$1'"
       OUT_DIR=$1; shift ;;
  esac
done
if [[ "$REGENERATE" == false && -z "$OUT_DIR" ]]; then usage >&2; exit 2; fi
if [[ "$REGENERATE" == true && -n "$OUT_DIR$SOURCES_ARG" ]]; then
  die "--regenerate-lists takes no OUT_DIR or --sources (it scans all ten packages)"
fi
SOURCES=("${SOURCE_ORDER[@]}")
if [[ -n "$SOURCES_ARG" ]]; then
  IFS=, read -r -a SOURCES <<< "$SOURCES_ARG"
  for source in "${SOURCES[@]}"; do
    [[ -n "${PACKAGE[$source]:-}" ]] || die "unknown source '$source'; expected some of: ${SOURCE_ORDER[*]} ${EVAL_ONLY[*]}"
  done
fi
[[ "$SIZE" =~ ^[0-9]+$ ]] && ((SIZE >= 16)) || die "--size must be an integer >= 16, got '$SIZE'"
deb_require_tools
"$PYTHON" -c 'import PIL, numpy' 2>/dev/null \
  || die "$PYTHON cannot import PIL and numpy: apt-get install -y python3-pil python3-numpy (or pass --python)"
START=$SECONDS
mkdir -p "$CACHE/debs" "$CACHE/unpacked" "$CACHE/scans"

if [[ "$REGENERATE" == true ]]; then
  SELECT=()
  for source in "${SOURCE_ORDER[@]}" "${EVAL_ONLY[@]}"; do
    package=${PACKAGE[$source]}
    deb=$(deb_fetch "$package")
    version=$(dpkg-deb -f "$deb" Version)
    scan="$CACHE/scans/${package}_$version.tsv"
    if [[ ! -f "$scan" ]]; then
      step "measuring every image of $package $version"
      "$PYTHON" "$SCRIPT_DIR/texture_pool.py" scan --deb "$deb" --out "$scan"
    fi
    root=$(deb_unpack "$package" "$deb" /dev/null)  # only the copyright file (cached)
    SELECT+=(--source "$source" "$scan" "$version" "$root/usr/share/doc/$package/copyright")
  done
  step "applying the rules, writing the lists to $LISTS"
  "$PYTHON" "$SCRIPT_DIR/texture_pool.py" select --lists "$LISTS" "${SELECT[@]}"
  step "done in $((SECONDS - START)) s"
  exit 0
fi

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
BUILD=()
for source in "${SOURCES[@]}"; do
  package=${PACKAGE[$source]}
  list="$LISTS/$source.tsv"
  [[ -f "$list" ]] || die "list missing: $list (pass --lists DIR, or run --regenerate-lists)"
  expected=$(sed -n '1s/^# [^ ]* \([^:]*\):.*/\1/p' "$list")
  deb=$(deb_fetch "$package")
  version=$(dpkg-deb -f "$deb" Version)
  [[ "$version" == "$expected" ]] || echo "warning: $package is $version; $list was made from" \
    "$expected (a changed file fails its SHA256 check)" >&2
  members=$(mktemp)
  # Rows inside an archive name <archive>:<member>; the archive is unpacked and read by Python.
  { grep -v '^#' "$list" || true; } | cut -f1 | sed -e 's/:.*$//' -e '/^$/d' > "$members"
  root=$(deb_unpack "$package" "$deb" "$members")
  rm -f "$members"
  cp "$root/usr/share/doc/$package/copyright" "$OUT_DIR/$package.copyright"
  BUILD+=(--source "$source" "$root" "$version")
done
step "writing ${SIZE}x$SIZE PNGs to $OUT_DIR/<source>/"
"$PYTHON" "$SCRIPT_DIR/texture_pool.py" build --lists "$LISTS" --out "$OUT_DIR" --size "$SIZE" \
  "${FORCE[@]}" "${BUILD[@]}"
for source in "${SOURCE_ORDER[@]}" "${EVAL_ONLY[@]}"; do  # a source not selected leaves no stale folder
  if [[ " ${SOURCES[*]} " != *" $source "* ]]; then
    rm -rf "${OUT_DIR:?}/$source"
    rm -f "$OUT_DIR/${PACKAGE[$source]}.copyright"
  fi
done
step "done in $((SECONDS - START)) s: $(find "$OUT_DIR" -mindepth 2 -maxdepth 2 -name '*.png' | wc -l) PNGs in $OUT_DIR"
