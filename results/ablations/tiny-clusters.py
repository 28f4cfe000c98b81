#!/usr/bin/env python3
"""What a run's tiny final clusters are, in the k-NN graph JULE-RC built them from (a cross-check in numpy).

For every final cluster under 5% of N/n*: its images' classes, whether they are mutual nearest neighbours, how many
k-NN edges reach it from outside and leave it, the largest d²/σ² on those edges, its GDL affinity to the other
clusters (the largest), whether it is one-way (`clustering.rcOneWayMerge`), and how far its centroid lies from its
class's centroid (as a percentile of that class's own image-to-centroid distances).
Usage: tiny-clusters.py EMBEDDINGS.h5 LABELS.txt DATASET_CACHE.h5 [K_s]
(EMBEDDINGS.h5 from `jule embed --run RUN --images CACHE --out EMBEDDINGS.h5`.)"""
import sys
import numpy as np
import h5py

emb = h5py.File(sys.argv[1], "r")["embeddings"][...].astype(np.float64)
pred = np.loadtxt(sys.argv[2], dtype=int)
truth = h5py.File(sys.argv[3], "r")["labels"][...].astype(int)
k = int(sys.argv[4]) if len(sys.argv) > 4 else 20
n = len(pred)
clusters = np.unique(pred)

# Exact k-NN (self excluded), squared distances.
sq = (emb ** 2).sum(1)
nbr = np.empty((n, k), dtype=int); dist = np.empty((n, k))
for s in range(0, n, 2000):
    d = sq[s:s + 2000, None] + sq[None, :] - 2 * emb[s:s + 2000] @ emb.T
    d[np.arange(d.shape[0]), np.arange(s, s + d.shape[0])] = np.inf
    idx = np.argpartition(d, k, axis=1)[:, :k]
    dd = np.take_along_axis(d, idx, 1)
    order = np.argsort(dd, 1)
    nbr[s:s + 2000] = np.take_along_axis(idx, order, 1); dist[s:s + 2000] = np.maximum(np.take_along_axis(dd, order, 1), 0)
sigma2 = dist.mean()
w = np.exp(-dist / sigma2)

def affinities(members):
    """A(X, Y) for the cluster X = members against every other cluster Y (GDL, §3.2), and whether X is one-way
    (some D(Y→X) > 0 but every D(X→Y) = 0: no path X → m → X through an outside sample m)."""
    inside = np.zeros(n, bool); inside[members] = True
    out = {}
    # D(X→Y) = Σ_{m∈Y} in_X(m)·out_X(m); D(Y→X) = Σ_{m∈X} in_Y(m)·out_Y(m)
    in_x = np.zeros(n); out_x = np.zeros(n)
    for p in members:
        np.add.at(in_x, nbr[p], w[p])
    for m in range(n):
        sel = inside[nbr[m]]
        if sel.any(): out_x[m] = w[m][sel].sum()
    d_xy = {}
    for m in np.nonzero((in_x > 0) & (out_x > 0) & ~inside)[0]:
        d_xy[pred[m]] = d_xy.get(pred[m], 0) + in_x[m] * out_x[m]
    d_yx = {}
    for m in members:
        for y in np.unique(pred[nbr[m]]):
            if y == pred[m]: continue
            out_y = w[m][pred[nbr[m]] == y].sum()
            in_y = sum(w[p][nbr[p] == m].sum() for p in np.nonzero((pred == y))[0] if (nbr[p] == m).any())
            if in_y > 0 and out_y > 0: d_yx[y] = d_yx.get(y, 0) + in_y * out_y
    size = {c: (pred == c).sum() for c in clusters}
    sx = len(members)
    for y in set(d_xy) | set(d_yx):
        out[y] = d_xy.get(y, 0) / sx ** 2 + d_yx.get(y, 0) / size[y] ** 2
    return out, not d_xy and bool(d_yx)

threshold = 0.05 * n / len(clusters)
print(f"N {n}, clusters {len(clusters)}, K_s {k}, sigma^2 {sigma2:.4g}, largest d2/sigma2 {dist.max() / sigma2:.1f}")
for c in clusters:
    members = np.nonzero(pred == c)[0]
    if len(members) >= threshold: continue
    inside = set(members.tolist())
    mutual = all(nbr[i][0] in inside and i in set(nbr[nbr[i][0]][:1].tolist()) for i in members) if len(members) == 2 else None
    in_edges = [(p, m) for m in members for p in np.nonzero((nbr == m).any(1))[0] if p not in inside]
    out_ratio = max(dist[i][r] / sigma2 for i in members for r in range(k) if nbr[i][r] not in inside)
    aff, one_way = affinities(members)
    best = max(aff.values()) if aff else 0.0
    cls = truth[members]
    main = np.bincount(cls).argmax()
    centre = emb[truth == main].mean(0)
    spread = np.linalg.norm(emb[truth == main] - centre, axis=1)
    pct = (spread < np.linalg.norm(emb[members].mean(0) - centre)).mean() * 100
    print(f"cluster {c}: {len(members)} images, classes {np.bincount(cls).nonzero()[0].tolist()}, "
          f"mutual NN pair {mutual}, in-edges from outside {len(in_edges)}, largest outgoing d2/sigma2 {out_ratio:.1f}, "
          f"largest affinity {best:.3g} (to {len(aff)} clusters), one-way {one_way}, centroid beyond {pct:.0f}% of class {main}'s images")
