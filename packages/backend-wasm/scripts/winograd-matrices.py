"""Derives the Winograd F(m x m, r x r) matrices used by assembly/winograd-transforms*.ts and checks them.

Run: /usr/bin/python3 scripts/winograd-matrices.py [m r]   (default 4 5; 6 3 for the 3x3 kernels; needs Debian's
python3-sympy and python3-numpy, see docs/FIXTURES.md; development only, not run by tests)
Toom-Cook over the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity: A^T evaluates, G interpolates (scaled by each
point's Lagrange denominator), and B^T is solved exactly from the identity y_i = sum_k g_k d_(i+k). It then prints
the worst float32 error of a 32->32 channel 12x12 convolution against float64, next to the direct loops' error.
"""
import sys

import numpy as np
import sympy as sp

M, R = 4, 5
POINTS = [0, 1, -1, 2, -2, sp.Rational(1, 2), sp.Rational(-1, 2)]


def matrices():
    n = M + R - 1
    points = [sp.Rational(p) for p in POINTS]
    at, g = sp.zeros(M, n), sp.zeros(n, R)
    for j, a in enumerate(points):
        denominator = sp.prod([a - b for b in points if b != a])
        for i in range(M):
            at[i, j] = a**i
        for k in range(R):
            g[j, k] = a**k / denominator
    at[M - 1, n - 1] = 1
    g[n - 1, R - 1] = 1
    bt = sp.Matrix(n, n, lambda i, j: sp.Symbol(f'b{i}_{j}'))
    equations = [sum(at[i, j] * g[j, k] * bt[j, l] for j in range(n)) - (1 if l == i + k else 0)
                 for i in range(M) for k in range(R) for l in range(n)]
    solution = sp.solve(equations, list(bt))
    bt = bt.subs(solution).subs({s: 0 for s in bt.free_symbols})
    return at, g, bt


def float32_error(at, g, bt, channels=32, size=12):
    at, g, bt = (np.array(m.tolist(), dtype=np.float64) for m in (at, g, bt))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((channels, size + R - 1, size + R - 1))
    w = rng.standard_normal((channels, channels, R, R)) / np.sqrt(channels * R * R)
    exact = sum(np.einsum('oc,chw->ohw', w[:, :, i, j], x[:, i:i + size, j:j + size]) for i in range(R) for j in range(R))
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    direct = sum(np.einsum('oc,chw->ohw', w32[:, :, i, j], x32[:, i:i + size, j:j + size]) for i in range(R) for j in range(R))
    a32, g32, b32 = at.astype(np.float32), g.astype(np.float32), bt.astype(np.float32)
    u = np.einsum('pk,ockl,ql->pqoc', g32, w32, g32)
    winograd = np.zeros_like(direct)
    for ty in range(0, size, M):
        for tx in range(0, size, M):
            v = np.einsum('pi,cij,qj->pqc', b32, x32[:, ty:ty + M + R - 1, tx:tx + M + R - 1], b32)
            winograd[:, ty:ty + M, tx:tx + M] = np.einsum('ip,pqo,jq->oij', a32, np.einsum('pqoc,pqc->pqo', u, v), a32)
    scale = np.abs(exact).max()
    return np.abs(winograd - exact).max() / scale, np.abs(direct - exact).max() / scale


if __name__ == '__main__':
    if len(sys.argv) == 3:
        M, R = int(sys.argv[1]), int(sys.argv[2])
    at, g, bt = matrices()
    for name, matrix in (('A^T', at), ('G', g), ('B^T', bt)):
        print(name)
        for row in matrix.tolist():
            print('  ', [str(v) for v in row])
    winograd, direct = float32_error(at, g, bt)
    print(f'float32 error / largest output: Winograd {winograd:.2e}, direct {direct:.2e}')
