#!/usr/bin/python3
"""Are the weights of `texhash bench search`'s `weighted*` row shaped like an encoder's? The
weighted search's pruning bound says a code h bits away is at least the sum of the query's h
lightest weights away, so how fast that sum grows with h decides how early multi-index hashing
may stop. This prints its mean, in units of the largest weight (255), for the queries of a
`texhash code --weights --json` run beside the benchmark's weights (|normal| features, the
largest scaled to 255, rounded, as BitWeights.fromFeatures makes them):

    ./texhash code IMAGES... --weights --json > codes.json
    python3 bench/weight_bounds.py codes.json
"""
import argparse
import json

import numpy as np

SUMS_OF = (1, 2, 4, 8, 16)


def weights_of(hex_weights):
    return [int(hex_weights[i : i + 2], 16) for i in range(0, len(hex_weights), 2)]


def least_sums(weights):
    """Mean over queries of the sum of the h lightest weights / 255, for each h in SUMS_OF."""
    prefix = np.cumsum(np.sort(weights, axis=1), axis=1) / 255.0
    return [prefix[:, h - 1].mean() for h in SUMS_OF]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("codes_json", help="the output of texhash code --weights --json")
    p.add_argument("--synthetic", type=int, default=20000, help="synthetic queries to draw")
    a = p.parse_args()
    with open(a.codes_json) as f:
        codes = json.load(f)
    real = np.array([weights_of(c["weights"]) for c in codes["codes"]], dtype=float)
    bits = real.shape[1]
    features = np.abs(np.random.default_rng(1).standard_normal((a.synthetic, bits)))
    synthetic = np.rint(features / features.max(axis=1, keepdims=True) * 255)
    print("sum of the h lightest weights / 255, mean over queries")
    print("%-40s" % "queries" + "".join("%8s" % ("h=%d" % h) for h in SUMS_OF))
    rows = [
        ("%s (%d images)" % (codes["encoder"][:24], len(real)), real),
        ("|normal| features (%d draws)" % a.synthetic, synthetic),
    ]
    for name, w in rows:
        print("%-40s" % name + "".join("%8.3f" % s for s in least_sums(w)))


if __name__ == "__main__":
    main()
