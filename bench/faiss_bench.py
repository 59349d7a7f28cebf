#!/usr/bin/python3
"""FAISS on the codes `texhash bench search --export FILE.npz` wrote, for a side-by-side comparison.

Runs IndexBinaryFlat (exact brute force, FAISS's popcount kernels) and IndexBinaryMultiHash
(FAISS's multi-hash index: nhash hash tables on b-bit substrings, probing every substring within
nflip bit flips; approximate, unlike texhash's MIH, which grows the radius until the top-k is
provably exact) on the same database and queries, single-threaded by default.

Timing mirrors the Java bench: an untimed warm-up pass over all queries, then one query per
search() call, timed alone; the median ms/query is reported. The batched figure (all queries in
one search() call, divided by the number of queries) is reported too, since FAISS is built for
batches. Recall@k is tie-aware, as in the Java bench: a returned code counts when it is no farther
than the exact k-th nearest.

Needs Debian's python3-faiss (apt-get install -y python3-faiss) and /usr/bin/python3:

    ./texhash bench search --n 1000000 --bits 64 --export /tmp/c64.npz
    python3 bench/faiss_bench.py /tmp/c64.npz            # a table
    python3 bench/faiss_bench.py /tmp/c64.npz --json     # one JSON object
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

try:
    import faiss
except ImportError:
    sys.exit("faiss_bench.py: needs FAISS: apt-get install -y python3-faiss, then run with /usr/bin/python3")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def per_query_median_ms(index, queries, k):
    """Warm-up pass, then each query timed alone; returns (median ms, distances, labels)."""
    for q in range(len(queries)):
        index.search(queries[q:q + 1], k)
    times = []
    dists = np.empty((len(queries), k), dtype=np.int32)
    labels = np.empty((len(queries), k), dtype=np.int64)
    for q in range(len(queries)):
        t0 = time.perf_counter()
        d, i = index.search(queries[q:q + 1], k)
        times.append((time.perf_counter() - t0) * 1e3)
        dists[q], labels[q] = d[0], i[0]
    return statistics.median(times), dists, labels


def batch_ms(index, queries, k):
    index.search(queries, k)  # warm-up
    t0 = time.perf_counter()
    index.search(queries, k)
    return (time.perf_counter() - t0) * 1e3 / len(queries)


def recall(dists, labels, exact_dists):
    """Tie-aware recall@k: returned codes (label >= 0) within the exact k-th distance, over k."""
    kth = exact_dists[:, -1:]
    hits = ((labels >= 0) & (dists <= kth)).sum(axis=1)
    return float(np.mean(hits / exact_dists.shape[1]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("npz", help="the file written by texhash bench search --export")
    p.add_argument("--nhash", type=int, default=None, help="MultiHash tables (default: K/16, as texhash's MIH m)")
    p.add_argument("--nflip", type=int, nargs="+", default=[0, 1, 2, 3], help="MultiHash probe radii to run (default: 0 1 2 3)")
    p.add_argument("--threads", type=int, default=1, help="OpenMP threads (default: 1)")
    p.add_argument("--budget", type=float, default=120, help="skip larger nflip once one nflip took longer than this many seconds (default: 120)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = p.parse_args()

    faiss.omp_set_num_threads(args.threads)
    data = np.load(args.npz)
    db, queries = data["database"], data["queries"]
    exact_ids, exact_dists = data["exact_ids"], data["exact_distances"]
    n, nbytes = db.shape
    bits, k = nbytes * 8, exact_ids.shape[1]
    nhash = args.nhash or max(1, bits // 16)
    b = bits // nhash
    log(f"faiss {faiss.__version__}: n={n:,} bits={bits} k={k} queries={len(queries)} threads={args.threads}")

    out = {"n": int(n), "bits": bits, "k": int(k), "queries": int(len(queries)), "threads": args.threads,
           "faiss": faiss.__version__, "machine": f"{platform.machine()} {os.cpu_count()} cpus"}

    t0 = time.perf_counter()
    flat = faiss.IndexBinaryFlat(bits)
    flat.add(db)
    log(f"  IndexBinaryFlat built in {time.perf_counter() - t0:.1f} s")
    ms, d, i = per_query_median_ms(flat, queries, k)
    out["flat_ms"] = round(ms, 5)
    out["flat_batch_ms"] = round(batch_ms(flat, queries, k), 5)
    out["flat_recall"] = round(recall(d, i, exact_dists), 4)
    out["flat_distances_exact"] = bool(np.array_equal(d, exact_dists))
    out["flat_ids_identical"] = bool(np.array_equal(i, exact_ids))  # FAISS's tie order may differ
    log(f"  flat: median {ms:.4f} ms/query")

    t0 = time.perf_counter()
    mh = faiss.IndexBinaryMultiHash(bits, nhash, b)
    mh.add(db)
    out["multihash_nhash"], out["multihash_b"] = nhash, b
    log(f"  IndexBinaryMultiHash(nhash={nhash}, b={b}) built in {time.perf_counter() - t0:.1f} s")
    out["multihash"] = []
    for nflip in args.nflip:
        mh.nflip = nflip
        t0 = time.perf_counter()
        ms, d, i = per_query_median_ms(mh, queries, k)
        row = {"nflip": nflip, "ms": round(ms, 5), "batch_ms": round(batch_ms(mh, queries, k), 5),
               "recall": round(recall(d, i, exact_dists), 4)}
        out["multihash"].append(row)
        log(f"  multihash nflip={nflip}: median {ms:.4f} ms/query, recall {row['recall']:.4f}")
        if time.perf_counter() - t0 > args.budget and nflip != args.nflip[-1]:
            out["multihash_skipped"] = f"nflip > {nflip}: nflip={nflip} alone took over {args.budget:.0f} s"
            log(f"  {out['multihash_skipped']}")
            break

    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"n={n:,} bits={bits} k={k} queries={len(queries)} faiss {faiss.__version__}, {args.threads} thread(s)")
    print(f"{'method':<32} {'median ms/q':>12} {'batch ms/q':>11} {'recall@k':>9}")
    print(f"{'IndexBinaryFlat':<32} {out['flat_ms']:>12.4f} {out['flat_batch_ms']:>11.4f} {out['flat_recall']:>9.4f}")
    for row in out["multihash"]:
        name = f"IndexBinaryMultiHash {nhash}x{b} nflip={row['nflip']}"
        print(f"{name:<32} {row['ms']:>12.4f} {row['batch_ms']:>11.4f} {row['recall']:>9.4f}")


if __name__ == "__main__":
    main()
