#!/usr/bin/env bash
# Runs the docs/BENCHMARKS.md search table: `texhash bench search` (raw scan, Lucene scan, Lucene
# MIH, Lucene HNSW) and bench/faiss_bench.py (FAISS IndexBinaryFlat and IndexBinaryMultiHash) on
# the same exported codes, one configuration after the other, in one sitting.
#
#   bench/search_table.sh OUT_DIR                 # K = 64, 256; clustered, uniform; N = 100k, 1M
#   NS="100000 1000000 10000000" bench/search_table.sh OUT_DIR
#   bench/search_table.py OUT_DIR                 # the markdown table from the JSON files
#
# Environment: NS, BITS, KINDS (clustered uniform), K (10), QUERIES (200), and any option of
# `texhash bench search` in BENCH_OPTS (for example "--hnsw-max-n 0"). Runs are sequential on
# purpose: the machine is small and shared, and a parallel run would disturb the timings.
set -euo pipefail
out="${1:?usage: bench/search_table.sh OUT_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
py=/usr/bin/python3

# Build once, then run a frozen copy of the CLI: other people rebuilding the working tree during a
# long sitting must not swap jars under a running benchmark.
"$root/texhash" --version >&2
rm -rf "$out/cli" && mkdir -p "$out/cli" && cp -r "$root/cli/target/texhash-cli.jar" "$root/cli/target/lib" "$out/cli/"
export TEXHASH_BUILD_DIR="$out/cli"
(cd "$root" && date -u && git rev-parse --short HEAD && git status --short -- lucene-plugin cli) >> "$out/commit.txt" 2>/dev/null || true

for n in ${NS:-100000 1000000}; do
  for bits in ${BITS:-64 256}; do
    for kind in ${KINDS:-clustered uniform}; do
      name="$kind-k$bits-n$n"
      flag=(); [[ "$kind" == uniform ]] && flag=(--uniform)
      echo "== $name ($(date -u +%H:%M:%S))" >&2
      # shellcheck disable=SC2086
      "$root/texhash" bench search --n "$n" --bits "$bits" --k "${K:-10}" --queries "${QUERIES:-200}" "${flag[@]}" \
        --json --export "$out/$name.npz" ${BENCH_OPTS:-} > "$out/$name.json" 2> "$out/$name.log"
      "$py" "$root/bench/faiss_bench.py" "$out/$name.npz" --json > "$out/$name.faiss.json" 2>> "$out/$name.log"
      rm -f "$out/$name.npz"
    done
  done
done
echo "done: $out" >&2
