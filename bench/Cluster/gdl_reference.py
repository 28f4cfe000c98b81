#!/usr/bin/env python3
"""Independent plain-GDL reference (numpy/scipy) for cross-checking the Swift engine; not part of the package.

Graph Degree Linkage (Zhang et al., ECCV 2012) as in doc §3.1–3.3, greedy max-affinity merging one pair at a time:
  k-NN (squared Euclidean, self excluded by index, ties to the lower index), W[i,j] = exp(-d²/σ²) for the K
  neighbours j of i, initial clusters = components of the 1-NN graph, then repeatedly merge the pair with the largest
      A(X,Y) = D(X→Y)/|X|² + D(Y→X)/|Y|²,   D(X→Y) = Σ_{m∈Y} in_X(m)·out_X(m)
  (ties: lowest first index, then lowest second index), with exact updates, until `target` clusters remain.
Graph options: --graph jule (σ² = mean K-NN d², the doc's §3.1) or --graph gac (gacluster's gac_createdigraph:
per-sample σ_i² = d² to the ⌊K/2⌋-th neighbour, W[i,j] = exp(-d²/(2σ_i²))/σ_i). Features: --norm renorm
(pixels/255, Torch renorm, §1.2) or center-l2 (gacluster demos: subtract the per-pixel mean, then x/‖x‖).
Usage: gdl_reference.py test|full [--n N] [--k 20] [--graph jule|gac] [--norm renorm|center-l2] [--labels OUT]
"""
import argparse, sys, time
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.optimize import linear_sum_assignment


def idx(path):
    b = np.fromfile(path, dtype=np.uint8)
    rank = b[3]
    dims = [int.from_bytes(b[4 + 4 * r:8 + 4 * r].tobytes(), 'big') for r in range(rank)]
    return b[4 + 4 * rank:].reshape(dims)


def load(which, mirror):
    d = mirror + '/MNIST/'
    x, y = idx(d + 't10k-images.idx3-ubyte').reshape(-1, 784), idx(d + 't10k-labels.idx1-ubyte')
    if which == 'full':
        x = np.concatenate([idx(d + 'train-images.idx3-ubyte').reshape(-1, 784), x])
        y = np.concatenate([idx(d + 'train-labels.idx1-ubyte'), y])
    return x, y.astype(np.int64)


def features(pixels, norm):
    x = pixels.astype(np.float64) / 255
    if norm == 'renorm':
        n = np.linalg.norm(x, axis=1)
        s = np.where(n > 1, 1 / (n + 1e-7), 1.0)
        return (x * s[:, None]).astype(np.float32).astype(np.float64)   # the Swift features are Float
    x = x - x.mean(axis=0)
    return (x / np.maximum(np.linalg.norm(x, axis=1), 1e-12)[:, None]).astype(np.float32).astype(np.float64)


def knn(x, k, block=2000):
    n = len(x)
    sq = (x * x).sum(1)
    idx_out = np.zeros((n, k), np.int64)
    d_out = np.zeros((n, k))
    for s in range(0, n, block):
        e = min(n, s + block)
        d = sq[s:e, None] + sq[None, :] - 2 * x[s:e] @ x.T
        d[np.arange(e - s), np.arange(s, e)] = np.inf
        c = min(n - 1, 2 * k + 8)
        cand = np.argpartition(d, c, axis=1)[:, :c]
        for r in range(e - s):
            cc = cand[r]
            exact = ((x[cc] - x[s + r]) ** 2).sum(1)
            order = np.lexsort((cc, exact))[:k]
            idx_out[s + r], d_out[s + r] = cc[order], exact[order]
    return idx_out, d_out


def graph(nn, d2, mode):
    n, k = nn.shape
    if mode == 'jule':
        w = np.exp(-d2 / d2.mean())
    else:
        sig2 = d2[:, k // 2 - 1]
        w = np.exp(-d2 / (2 * sig2[:, None])) / np.sqrt(sig2)[:, None]
    return sp.csr_matrix((w.ravel(), nn.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))


def first_appearance(labels):
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inv]


def gdl(W, init, target, log=None, lam=0.0, kc=5):
    """Greedy GDL with exact incremental updates (dense per-cluster in/out degree rows).

    lam > 0: the paper's local-contrast score (doc §3.5) per cluster over all live clusters, one merge at a time:
    score(C) = s1 + lam/(m-1)·Σ_{k=2..m}(s1 - s_k), m = min(kc, live - 1); ties to the lowest cluster index."""
    n = init.max() + 1
    N = W.shape[0]
    P = sp.csr_matrix((np.ones(N), (np.arange(N), init)), shape=(N, n))
    In = (P.T @ W).toarray()            # In[X, m] = Σ_{p∈X} W[p, m]
    Out = (W @ P).T.toarray()           # Out[X, m] = Σ_{q∈X} W[m, q]
    D = (sp.csr_matrix(In * Out) @ P).toarray()   # D[X, Y] = Σ_{m∈Y} In[X,m]·Out[X,m]
    np.fill_diagonal(D, 0)
    size = np.bincount(init, minlength=n).astype(np.float64)
    members = [list(np.flatnonzero(init == c)) for c in range(n)]
    live = np.ones(n, bool)
    label = init.copy()
    seq = []
    for step in range(n - target):
        An = D / (size ** 2)[:, None]
        A = An + An.T
        A[~live, :] = -1; A[:, ~live] = -1
        if lam > 0:
            np.fill_diagonal(A, -1)
            m = max(1, min(kc, int(live.sum()) - 1))
            top = -np.sort(-np.maximum(A, 0), axis=1)[:, :m]
            score = top[:, 0] + (lam / (m - 1) * (top[:, :1] - top[:, 1:]).sum(1) if m > 1 else 0)
            score[~live | (top[:, 0] <= 0)] = -1
            c = int(np.argmax(score))
            p = int(np.argmax(A[c]))
            a, b = min(c, p), max(c, p)
        else:
            A[np.tril_indices(n)] = -1
            flat = int(np.argmax(A))
            a, b = divmod(flat, n)
        if A[a, b] <= 0:
            raise RuntimeError(f'no positive affinity left at {live.sum()} clusters')
        seq.append((a, b, A[a, b]))
        # merge b into a
        members[a] += members[b]; members[b] = []
        label[label == b] = a
        size[a] += size[b]; size[b] = 0; live[b] = False
        In[a] += In[b]; Out[a] += Out[b]; In[b] = 0; Out[b] = 0
        D[:, a] += D[:, b]           # incoming side: sum over the receiving cluster's samples
        D[:, b] = 0; D[b, :] = 0
        M = In[a] * Out[a]
        D[a] = np.bincount(label, weights=M, minlength=n)   # outgoing side, exact
        D[a, a] = 0
        D[a, ~live] = 0
        if log and (step + 1) % 1000 == 0:
            print(f'  {step + 1} merges', file=sys.stderr)
    return first_appearance(label), seq


def metrics(t, p):
    from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari
    c = np.zeros((p.max() + 1, t.max() + 1))
    np.add.at(c, (p, t), 1)
    r, cidx = linear_sum_assignment(-c)
    return nmi(t, p, average_method='geometric'), c[r, cidx].sum() / len(t), ari(t, p)


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('which', choices=['test', 'full'])
    ap.add_argument('--n', type=int, default=0)
    ap.add_argument('--k', type=int, default=20)
    ap.add_argument('--graph', choices=['jule', 'gac'], default='jule')
    ap.add_argument('--norm', choices=['renorm', 'center-l2'], default='renorm')
    ap.add_argument('--target', type=int, default=10)
    ap.add_argument('--lam', type=float, default=0.0)
    ap.add_argument('--kc', type=int, default=5)
    ap.add_argument('--labels')
    ap.add_argument('--compare', help='labels file of another run (one per line)')
    ap.add_argument('--mirror', default='../shared/datasets')
    a = ap.parse_args()
    pix, y = load(a.which, a.mirror)
    if a.n:
        pix, y = pix[:a.n], y[:a.n]
    t0 = time.time()
    x = features(pix, a.norm)
    nn, d2 = knn(x, a.k)
    init = first_appearance(connected_components(
        sp.csr_matrix((np.ones(len(x)), (np.arange(len(x)), nn[:, 0])), shape=(len(x),) * 2),
        directed=True, connection='weak')[1])
    W = graph(nn, d2, a.graph)
    print(f'n={len(x)} K={a.k} graph={a.graph} norm={a.norm} lam={a.lam} kc={a.kc}: {init.max() + 1} initial clusters')
    labels, seq = gdl(W, init, a.target, log=True, lam=a.lam, kc=a.kc)
    t1 = time.time()
    sizes = np.sort(np.bincount(labels))[::-1]
    print('RESULT NMI %.4f ACC %.4f ARI %.4f time %.1f s' % (*metrics(y, labels), t1 - t0))
    print('sizes:', ' '.join(map(str, sizes[:20])))
    if a.labels:
        np.savetxt(a.labels, labels, fmt='%d')
    if a.compare:
        other = np.loadtxt(a.compare, dtype=np.int64)
        print('agreement with %s: identical partition %s, NMI %.6f' % (
            a.compare, bool((first_appearance(other) == labels).all()), metrics(other, labels)[0]))
