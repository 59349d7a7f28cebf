#!/usr/bin/env bash
# Load benchmark of `texhash serve` (not a test): wrk against 127.0.0.1 with a mix of searches by
# indexed path and image uploads; prints requests/s, latency percentiles, errors and the server's
# memory at the end.
#
#   bench/serve/load.sh IMAGES_DIR INDEX_DIR [SECONDS] [CONNECTIONS] [UPLOAD_PERCENT]
#
# IMAGES_DIR is indexed into INDEX_DIR first (incremental: a second run reuses it). Uploads are the
# first 32 images of the index. Needs wrk (apt-get install wrk). For a 10,000-image folder:
#   java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/serve/SynthImages.java RUN_DIR/synth10k 10000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
images="${1:?usage: load.sh IMAGES_DIR INDEX_DIR [SECONDS] [CONNECTIONS] [UPLOAD_PERCENT]}"
index="${2:?usage: load.sh IMAGES_DIR INDEX_DIR [SECONDS] [CONNECTIONS] [UPLOAD_PERCENT]}"
seconds="${3:-60}"
connections="${4:-16}"
upload_percent="${5:-30}"
command -v wrk >/dev/null || { echo "load.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$root/texhash" index "$images" --index "$index" >&2
bits="$("$root/texhash" info --index "$index" --json | sed -E 's/.*"bits":([0-9]+).*/\1/')"
zeros="$(printf '%*s' "$((bits / 4))" '' | tr ' ' 0)"
# Every indexed path (radius = bits holds all), as the search-by-path queries.
"$root/texhash" search --index "$index" --code "$zeros" --radius "$bits" --json \
  | grep -o '"path":"[^"]*"' | sed -E 's/"path":"(.*)"/\1/' > "$work/paths"
head -n 32 "$work/paths" > "$work/uploads"
echo "load.sh: $(wc -l < "$work/paths") indexed images, $(wc -l < "$work/uploads") upload bodies" >&2

"$root/texhash" serve --index "$index" --port 0 > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/serve.log" || true)"
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$url" ]] || { echo "load.sh: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
echo "load.sh: server at $url (pid $server_pid); warming up 10 s" >&2
wrk -t2 -c"$connections" -d10s -s "$root/bench/serve/mixed.lua" "$url" -- "$work/paths" "$work/uploads" "$upload_percent" > /dev/null

echo "load.sh: $connections connections for $seconds s, $upload_percent% uploads; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
cpu_before="$(cpu_ticks)"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s --latency -s "$root/bench/serve/mixed.lua" "$url" \
  -- "$work/paths" "$work/uploads" "$upload_percent" | tee "$work/wrk.out" >&2
echo "load.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cpu_after="$(cpu_ticks)"
rss_kb="$(ps -o rss= -p "$server_pid" | tr -d ' ')"
requests="$(grep -oE '^RESULT requests=[0-9]+' "$work/wrk.out" | grep -oE '[0-9]+$')"
# Server CPU time per request: unlike latency, it does not grow when other processes share the cores.
cpu_ms="$(awk -v t="$((cpu_after - cpu_before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? 1000 * t / hz / n : 0) }')"
heap="$(jcmd "$server_pid" GC.heap_info 2>/dev/null | grep -oE 'total [0-9]+K, used [0-9]+K' | head -1 || true)"
health="$(curl -s "${url}health" || echo unreachable)"
grep '^RESULT' "$work/wrk.out" | sed -E "s/^RESULT /RESULT images=$(wc -l < "$work/paths") connections=$connections /; s/$/ server_cpu_ms_per_request=$cpu_ms server_rss_mb=$((rss_kb / 1024)) heap=\"$heap\" health=$health/"
