#!/usr/bin/python3
"""Prints the markdown tables of docs/BENCHMARKS.md from the JSON files bench/search_table.sh wrote.

    python3 bench/search_table.py OUT_DIR
"""
import glob
import json
import os
import sys


def fmt(v, digits=3):
    return "n/a" if v is None else f"{v:.{digits}f}"


def load(path):
    """The JSON object in path, or None while the run writing it has not finished."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
    rows = []
    for path in glob.glob(os.path.join(out, "*.json")):
        if path.endswith(".faiss.json"):
            continue
        j = load(path)
        if j is not None:
            rows.append((j, load(path[:-len(".json")] + ".faiss.json")))
    rows.sort(key=lambda r: (r[0]["uniform"], r[0]["bits"], r[0]["n"]))

    print("| data | K | N | raw scan ms | Lucene scan ms (x raw) | MIH ms (raw / MIH) | MIH = scan | "
          "HNSW ms, recall@10 | FAISS flat ms (batch) | FAISS multihash best ms, recall (nflip) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for j, fj in rows:
        raw = j["raw_ms"]
        hnsw = "skipped" if j["hnsw_ms"] is None else f"{fmt(j['hnsw_ms'])}, {fmt(j['hnsw_recall'], 3)}"
        flat = mh = "n/a"
        if fj:
            flat = f"{fmt(fj['flat_ms'])} ({fmt(fj['flat_batch_ms'])})"
            # the fastest MultiHash setting that reaches recall 0.9, else the most accurate one
            good = [m for m in fj["multihash"] if m["recall"] >= 0.9]
            best = min(good, key=lambda m: m["ms"]) if good else max(fj["multihash"], key=lambda m: m["recall"])
            mh = f"{fmt(best['ms'])}, {fmt(best['recall'], 3)} ({best['nflip']})"
        print(f"| {'uniform' if j['uniform'] else 'clustered'} | {j['bits']} | {j['n']:,} | {fmt(raw)} | "
              f"{fmt(j['scan_ms'])} ({j['scan_vs_raw']:.2f}x) | {fmt(j['mih_ms'])} ({j['raw_vs_mih']:.3g}x) | "
              f"{'yes' if j['mih_identical'] else 'NO'} | {hnsw} | {flat} | {mh} |")

    print()
    print("FAISS IndexBinaryMultiHash, every nflip (median ms/query, one query per call; recall@10):")
    print()
    flips = sorted({m["nflip"] for _, fj in rows if fj for m in fj["multihash"]})
    print("| data | K | N | " + " | ".join(f"nflip={f}" for f in flips) + " |")
    print("|---|---|---|" + "---|" * len(flips))
    for j, fj in rows:
        if fj:
            by = {m["nflip"]: m for m in fj["multihash"]}
            cells = " | ".join(f"{fmt(by[f]['ms'])}, {fmt(by[f]['recall'], 3)}" if f in by else "not run" for f in flips)
            print(f"| {'uniform' if j['uniform'] else 'clustered'} | {j['bits']} | {j['n']:,} | {cells} |")


if __name__ == "__main__":
    main()
