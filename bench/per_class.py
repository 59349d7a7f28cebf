#!/usr/bin/python3
"""Where an evaluation loses its MAP: the per-class rows of `texhash eval --report DIR`
(DIR/per-class.tsv) summarised per result, and the classes the results fail together.

    ./texhash eval ... --encoder learned-64,lbp-lsh-64 --report DIR
    python3 bench/per_class.py DIR/per-class.tsv [--worst 15]

For each result (encoder, distance, query transform): its MAP (the query-weighted mean of the
class APs), the class APs' quantiles, how many classes score below 0.2 and what share of the
result's error (1 - MAP) they hold. For the first two results: how many of the first's worst
tenth of classes are also in the second's, and the first's worst classes with both APs.
"""
import argparse
import csv
from collections import OrderedDict

import numpy as np

LOW = 0.2


def read(path):
    results = OrderedDict()
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (row["encoder"], row["distance"], row["query_transform"])
            results.setdefault(key, OrderedDict())[row["class"]] = (int(row["queries"]), float(row["ap"]))
    return results


def summary(classes):
    queries = np.array([q for q, _ in classes.values()], dtype=float)
    ap = np.array([a for _, a in classes.values()])
    error = (1 - ap) * queries
    low = ap < LOW
    return {
        "map": float((ap * queries).sum() / queries.sum()),
        "quantiles": np.percentile(ap, [10, 25, 50, 75, 90]),
        "low": int(low.sum()),
        "low_error_share": float(error[low].sum() / error.sum()) if error.sum() > 0 else 0.0,
        "above_0.9": int((ap > 0.9).sum()),
    }


def worst(classes, fraction):
    ranked = sorted(classes, key=lambda c: classes[c][1])
    return ranked[: max(1, int(round(len(ranked) * fraction)))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("per_class_tsv")
    p.add_argument("--worst", type=int, default=15, help="how many of the worst classes to list")
    a = p.parse_args()
    results = read(a.per_class_tsv)
    print("%-44s %7s %8s  %-34s %s" % ("result", "MAP", "classes", "class AP p10 / p25 / p50 / p75 / p90",
                                      "AP < %.1f (share of error), AP > 0.9" % LOW))
    for key, classes in results.items():
        s = summary(classes)
        name = " ".join(k for k in key if k not in ("hamming", "identity")) or key[0]
        print("%-44s %7.4f %8d  %-34s %d (%.0f%%), %d" % (
            name[:44], s["map"], len(classes), " / ".join("%.3f" % v for v in s["quantiles"]),
            s["low"], 100 * s["low_error_share"], s["above_0.9"]))
    keys = list(results)
    if len(keys) < 2:
        return
    first, second = results[keys[0]], results[keys[1]]
    common = [c for c in first if c in second]
    a_worst = set(worst({c: first[c] for c in common}, 0.1))
    b_worst = set(worst({c: second[c] for c in common}, 0.1))
    print("\nworst tenth of classes (%d): %d of %s's also among %s's" % (
        len(a_worst), len(a_worst & b_worst), keys[0][0], keys[1][0]))
    print("\n%s's %d worst classes   AP   %s AP" % (keys[0][0], a.worst, keys[1][0]))
    for c in sorted(common, key=lambda c: first[c][1])[: a.worst]:
        print("  %-60s %.3f  %.3f" % (c[:60], first[c][1], second[c][1]))


if __name__ == "__main__":
    main()
