#!/usr/bin/python3
"""Probe: which fitted rotation of an encoder's pre-sign features makes the best 64-bit codes?

Reads the files bench/probes/FeatureDump.java writes (PREFIX.DATABASE.f32, PREFIX.QUERY.f32 and,
when the manifest has them, PREFIX.TRAIN.f32) and prints the tie-aware MAP (as `texhash eval`
computes it: items at one Hamming distance form one group) of the codes after each way of fitting:

  signs                  the encoder's own codes
  centred on the db      signs of (unit outputs - the database's mean)
  PCA of the db          the database's principal axes as the rotation
  random rotation        a random orthogonal matrix (the control for "any rotation")
  ITQ on train           ITQ fitted on the manifest's training patches (other sources)
  ITQ on the db          ITQ fitted on the database patches, as bench/probes/RotateEncoder.java does
  ITQ on N db patches    the same on N patches drawn at random

With --pca K (for a descriptor longer than the code, e.g. the 256 projections of lbp-lsh-256, or
a 256-bit encoder's outputs to be cut to 64 bits), the features are first projected on their top K
principal axes, fitted on the same patches. With --pca K and TRAIN patches, two more rows fit a
linear map to K outputs on the training patches, from the PCA + ITQ start, so that the tanh of its
outputs keeps the projected features' cosine similarities (Adam, 2,000 batches of 512, quantisation term 0.1):

  similarities, squared  the mean squared difference of the two similarity matrices
  similarities, listwise each row's softmax over the batch (temperature 0.05) matched by
                         cross-entropy: the neighbours' order rather than their values

With --regions PATCH_PREFIX, PREFIX is the dump of a region manifest (whole images, each pooled
from its crops as `texhash index` pools them) and the rows are:

  signs                  the regions' codes as indexed
  patch-fitted rotation  ITQ fitted on PATCH_PREFIX's database patches, applied to each crop
                         before pooling: what an encoder rotated for single patches gives images
  region-fitted rotation ITQ fitted on the database regions' pooled unit-length crop outputs

usage: rotation_fits.py PREFIX [--pca K | --regions PATCH_PREFIX]
"""
import sys
import numpy as np


def load(path):
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(4), 'big')
        k = int.from_bytes(f.read(4), 'big')
        rows = np.frombuffer(f.read(), dtype=np.dtype([('l', '>i4'), ('x', '>f4', (k,))]), count=n)
    return rows['x'].astype(np.float64), rows['l'].astype(np.int64)


def tie_aware_ap(distances, relevant):
    """RankingMetrics.averagePrecision over the groups of equal integer distances."""
    counts = np.bincount(distances)
    hits = np.bincount(distances[relevant], minlength=len(counts))
    ap, before, hits_before = 0.0, 0, 0
    for n, r in zip(counts, hits):
        if r > 0:
            within = (r - 1) / (n - 1) if n > 1 else 0.0
            j = np.arange(1, n + 1)
            ap += ((hits_before + 1 + (j - 1) * within) / (before + j)).sum() * r / n
        before += n
        hits_before += r
    return ap / hits.sum()


def hamming_map(query_features, db_features, query_labels, db_labels):
    q = np.where(query_features > 0, 1.0, -1.0)
    d = np.where(db_features > 0, 1.0, -1.0)
    k = q.shape[1]
    total = 0.0
    for start in range(0, len(q), 256):
        h = np.rint((k - q[start:start + 256] @ d.T) / 2).astype(np.int64)
        for t, row in enumerate(h):
            total += tie_aware_ap(row, db_labels == query_labels[start + t])
    return total / len(q)


def itq(v, iterations=50, seed=0):
    """Gong and Lazebnik's rotation for centred rows v (as ItqEncoder fits it)."""
    k = v.shape[1]
    r = np.linalg.qr(np.random.default_rng(seed).standard_normal((k, k)))[0]
    for _ in range(iterations):
        b = np.where(v @ r >= 0, 1.0, -1.0)
        u, _, wt = np.linalg.svd(b.T @ v)
        r = (u @ wt).T
    return r


def similarity_fit(rows, w, loss, steps=2000, batch=512, rate=1e-3, temperature=0.05, eta=0.1):
    """W (starting at w) such that tanh(rows W) tanh(rows W)^T / K follows the rows' cosines."""
    k = w.shape[1]
    w = w / np.std(rows @ w)  # the start's outputs at unit spread, inside tanh's slope
    m, v = np.zeros_like(w), np.zeros_like(w)
    rng = np.random.default_rng(1)
    for t in range(1, steps + 1):
        x = rows[rng.choice(len(rows), batch, replace=False)]
        u = unit(x)
        target = u @ u.T
        h = np.tanh(x @ w)
        sim = h @ h.T / k
        if loss == 'squared':
            grad_sim = 2 * (sim - target) / sim.size
        else:
            off = np.eye(batch) * 1e9  # a row's own item is not its neighbour
            p = softmax((target - off) / temperature)
            grad_sim = (softmax((sim - off) / temperature) - p) / batch / temperature
        grad_h = (grad_sim + grad_sim.T) @ h / k + eta * 2 * (h - np.sign(h)) / h.size
        grad = x.T @ (grad_h * (1 - h ** 2))
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w = w - rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def regions(prefix, patch_prefix):
    db, db_labels = load(prefix + '.DATABASE.f32')
    q, q_labels = load(prefix + '.QUERY.f32')
    db_unit = load(prefix + '.DATABASE.unit.f32')[0]
    q_unit = load(prefix + '.QUERY.unit.f32')[0]
    print(f'{hamming_map(q, db, q_labels, db_labels):.4f}  signs', flush=True)
    for rows, name in ((unit(load(patch_prefix + '.DATABASE.f32')[0]), 'patch-fitted rotation'),
                       (db_unit, 'region-fitted rotation')):
        mean = rows.mean(0)
        r = itq(rows - mean)
        score = hamming_map((q_unit - mean) @ r, (db_unit - mean) @ r, q_labels, db_labels)
        print(f'{score:.4f}  {name}', flush=True)


def main():
    prefix = sys.argv[1]
    if '--regions' in sys.argv:
        regions(prefix, sys.argv[sys.argv.index('--regions') + 1])
        return
    pca = int(sys.argv[sys.argv.index('--pca') + 1]) if '--pca' in sys.argv else 0
    db, db_labels = load(prefix + '.DATABASE.f32')
    q, q_labels = load(prefix + '.QUERY.f32')
    try:
        train = load(prefix + '.TRAIN.f32')[0]
    except FileNotFoundError:
        train = None
    if not pca:
        db, q = unit(db), unit(q)
        train = unit(train) if train is not None else None
        print(f'{hamming_map(q, db, q_labels, db_labels):.4f}  signs', flush=True)

    def fitted(rows, name, rotate=itq):
        mean = rows.mean(0)
        axes = np.linalg.svd(rows - mean, full_matrices=False)[2][:pca].T if pca else np.eye(rows.shape[1])
        r = rotate((rows - mean) @ axes)
        score = hamming_map((q - mean) @ axes @ r, (db - mean) @ axes @ r, q_labels, db_labels)
        print(f'{score:.4f}  {name}', flush=True)

    k = pca or db.shape[1]
    if not pca:
        fitted(db, 'centred on the db', lambda v: np.eye(k))
        fitted(db, 'PCA of the db', lambda v: np.linalg.svd(v, full_matrices=False)[2].T)
        fitted(db, 'random rotation', lambda v: np.linalg.qr(np.random.default_rng(5).standard_normal((k, k)))[0])
    if train is not None:
        fitted(train, 'ITQ on train')
        if pca:
            for loss in ('squared', 'listwise'):
                fitted(train, f'similarities, {loss}', lambda v, loss=loss: similarity_fit(v, itq(v), loss))
    fitted(db, 'ITQ on the db')
    rng = np.random.default_rng(5)
    for n in (500, 2000, 5000):
        if n < len(db):
            fitted(db[rng.choice(len(db), n, replace=False)], f'ITQ on {n} db patches')


if __name__ == '__main__':
    main()
