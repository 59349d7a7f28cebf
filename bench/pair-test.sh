#!/usr/bin/env bash
# The pair test of samples/README.md through the texhash command: index samples/textures with each
# encoder, search with each of the 24 paired files (-k 1 --exclude-self, by its indexed code) and
# count how often its sibling (<name>_a <-> <name>_b) comes first.
#
#   bench/pair-test.sh [ENCODER ...]       (default: learned-64 lbp-lsh-64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
textures="$root/samples/textures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(( $# )) || set -- learned-64 lbp-lsh-64

for encoder in "$@"; do
  index="$work/${encoder//[^A-Za-z0-9_.-]/_}"
  "$root/texhash" index "$textures" --index "$index" --encoder "$encoder" >/dev/null
  found=0 total=0 misses=()
  for query in "$textures"/*_[ab].*; do
    name="$(basename "$query")"
    stem="${name%.*}"
    sibling="${stem%_?}_$([[ $stem == *_a ]] && echo b || echo a)"
    hit="$("$root/texhash" search --index "$index" --path "$query" -k 1 --exclude-self --json |
      python3 -c 'import json, sys; h = json.load(sys.stdin)["hits"]; print(h[0]["path"] if h else "")')"
    hit="$(basename "$hit")"
    total=$((total + 1))
    if [[ "${hit%.*}" == "$sibling" ]]; then found=$((found + 1)); else misses+=("$name -> $hit"); fi
  done
  echo "$encoder: sibling first for $found of $total${misses:+ (missed: ${misses[*]})}"
done
