#!/usr/bin/python3
"""How much work exact multi-index hashing must do on exported codes: for each query, the exact
k-th distance, where the pigeonhole bound lets the search stop, and how many distinct codes it has
to verify by then. Independent of any implementation: it is the lower bound of MIH's verification
work with 16-bit substrings (m = K/16, the `texhash bench search` default).

    ./texhash bench search --n 1000000 --export /tmp/c64.npz
    python3 bench/mih_candidates.py /tmp/c64.npz [--n N]

--n uses the first N database codes only (the generator's codes are prefix-stable, so the first
1M codes of an N = 10M export are the N = 1M database; the exact answers are then recomputed).

The stopping rule is texhash's (see MultiIndexSearch): after substring table j has been probed at
radius r, an unseen code is at distance >= m*r + j + 1, so the search stops at the first (r, j)
with the k-th distance below that bound.
"""
import argparse

import numpy as np


def substrings(codes):
    """uint8 [n, K/8] -> uint16 [n, K/16]: the 16-bit substrings, first bit most significant."""
    return (codes[..., 0::2].astype(np.uint16) << 8) | codes[..., 1::2].astype(np.uint16)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("npz")
    p.add_argument("--n", type=int, default=None, help="use the first N database codes")
    args = p.parse_args()
    data = np.load(args.npz)
    db = data["database"] if args.n is None else data["database"][:args.n]
    queries = data["queries"]
    k = data["exact_ids"].shape[1]
    if db.shape[1] % 2:
        raise SystemExit("needs K a multiple of 16")
    popcount16 = np.array([bin(i).count("1") for i in range(1 << 16)], dtype=np.uint8)
    table = substrings(db)
    m = table.shape[1]
    kth, verified, radius = [], [], []
    for q in range(len(queries)):
        sub_dist = popcount16[table ^ substrings(queries[q])]  # [n, m] per-substring distances
        dk = int(np.partition(sub_dist.sum(axis=1, dtype=np.int32), k - 1)[k - 1])
        r, j = next((r, j) for r in range(17) for j in range(m) if dk < m * r + j + 1)
        probed = np.zeros(len(db), dtype=bool)
        for t in range(m):
            probed |= sub_dist[:, t] <= (r if t <= j else r - 1)
        kth.append(dk)
        verified.append(int(probed.sum()))
        radius.append(r)
    radii = {r: radius.count(r) for r in sorted(set(radius))}
    print(f"n={len(db):,} K={db.shape[1] * 8} m={m} k={k} queries={len(queries)}: "
          f"median k-th distance {np.median(kth):g}, codes to verify median {np.median(verified):,.0f} "
          f"(mean {np.mean(verified):,.0f}, {100 * np.median(verified) / len(db):.3f}% of the database), "
          f"stopping radius -> queries {radii}")


if __name__ == "__main__":
    main()
