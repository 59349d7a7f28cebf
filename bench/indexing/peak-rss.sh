#!/usr/bin/env bash
# Peak resident memory of `texhash index` on one folder at several thread counts, each into a fresh
# index (GNU time's maximum resident set size), with what the run indexed and skipped and a digest
# of its error list (the same digest at every thread count = the same files refused).
#
#   java bench/indexing/MalformedFolder.java FOLDER          # build the test folder once
#   bench/indexing/peak-rss.sh FOLDER [THREADS...]            # default threads: 1 2 8
#
# Environment: TEXHASH_BUILD_DIR (a frozen cli/target, e.g. of an older commit, to measure that
# build), INDEX_OPTS (more `texhash index` options, e.g. "--decode-memory 512"), TEXHASH_XMX.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
folder="$1"
shift
threads=("$@")
[[ ${#threads[@]} -gt 0 ]] || threads=(1 2 8)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf 'threads\tpeak_rss_mib\tseconds\tindexed\tskipped\terrors_sha1\n'
for t in "${threads[@]}"; do
  # shellcheck disable=SC2086  # INDEX_OPTS is a list of options on purpose
  /usr/bin/time -f '%M %e' -o "$work/time" \
    "$root/texhash" index "$folder" --index "$work/index-$t" --threads "$t" --json ${INDEX_OPTS:-} \
    > "$work/out.json" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r kib seconds < <(tail -n 1 "$work/time")
  python3 - "$work/out.json" "$t" "$kib" "$seconds" <<'PY'
import hashlib, json, sys
report = json.load(open(sys.argv[1]))
errors = sorted(e["path"] + "\t" + e["reason"] for e in report["errors"])
digest = hashlib.sha1("\n".join(errors).encode()).hexdigest()[:12]
print(f"{sys.argv[2]}\t{int(sys.argv[3]) // 1024}\t{sys.argv[4]}\t{report['indexed']}\t{report['skipped']}\t{digest}")
PY
done
