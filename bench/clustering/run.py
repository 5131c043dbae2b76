#!/usr/bin/env python3
"""Clustering conformance and benchmark: SegKit vs scikit-learn, OpenCV and SciPy on the same .npy
data, in the same run, 2 threads for everyone (SEGKIT_THREADS, OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS = 2, cv2.setNumThreads(2)).

    bench/clustering/run.sh                  # conformance, then timings
    python bench/clustering/run.py conformance   (inside the venv, after a release build)
    python bench/clustering/run.py timings

Every timed tool runs in its own process under /usr/bin/time -v, so each reports its own peak RSS.
`conformance` exits 1 when a bound is missed; `timings` prints Markdown tables for BENCHMARKS.md.
Data is generated (fixed seeds) into bench/data/clustering/ (git-ignored).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "bench", "data", "clustering")
BENCH = os.path.join(ROOT, ".build", "release", "segkit-bench")
THREADS = 2
N, D, K = 65536, 128, 20
SIGMA = 0.05            # per-coordinate noise around the 20 unit directions (cos to centre ≈ 0.87)
BANDWIDTH = 0.7071
MS_SEEDS = 200


def path(name):
    return os.path.join(DATA, name)


# ---------------------------------------------------------------------------------------------
# Data (all cached as .npy; fixed seeds)

def embeddings(n, seed, k=K, d=D, sigma=SIGMA):
    """L2-normalised clustered data: k random unit directions, N(0, sigma²) noise, rows normalised."""
    name = path(f"emb-n{n}-d{d}-k{k}-s{seed}.npy")
    if not os.path.exists(name):
        rng = np.random.default_rng(seed)
        centers = rng.normal(size=(k, d))
        centers /= np.linalg.norm(centers, axis=1, keepdims=True)
        x = np.empty((n, d), np.float32)
        truth = rng.integers(0, k, n)
        for lo in range(0, n, 65536):  # in slices: the 1M set stays within a few hundred MB
            hi = min(n, lo + 65536)
            part = centers[truth[lo:hi]] + rng.normal(scale=sigma, size=(hi - lo, d))
            x[lo:hi] = part / np.linalg.norm(part, axis=1, keepdims=True)
        np.save(name, x)
        np.save(name.replace(".npy", "-truth.npy"), truth.astype(np.int32))
    return name


def meanshift_seeds(n, count=MS_SEEDS, seed=3):
    name = path(f"seeds-{n}-{count}.npy")
    if not os.path.exists(name):
        np.save(name, np.sort(np.random.default_rng(seed).choice(n, count, replace=False)).astype(np.int64))
    return name


def tokencut_features(n=4096, d=D, seed=4):
    """Patch features of a TokenCut-like scene: a foreground object (30 %) and a background made of
    three related textures; the cosine-threshold graph then has a clear Fiedler gap."""
    name = path(f"tokencut-n{n}-d{d}.npy")
    if not os.path.exists(name):
        rng = np.random.default_rng(seed)
        fg, bg = rng.normal(size=d), rng.normal(size=d)
        textures = [bg + 0.8 * np.linalg.norm(bg) * (u / np.linalg.norm(u)) for u in rng.normal(size=(3, d))]
        dirs = np.stack([fg] + textures)
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        part = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 4, n))
        x = dirs[part] + rng.normal(scale=0.09, size=(n, d))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        np.save(name, x.astype(np.float32))
    return name


def tokencut_graph(x, tau=0.2, eps=1e-5):
    """The graph AffinityGraph.cosineThreshold builds (in float32, as SegKit does)."""
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    s = x @ x.T
    return np.where(s > tau, np.float32(1), np.float32(eps)).astype(np.float64)


def knn_graph(n=100_000, k=10, seed=5):
    """A connected kNN connectivity graph over two overlapping 3-D Gaussian blobs (scikit-learn's
    exact kNN; weight 1 per edge, an edge when either end picks the other, as scikit-learn's
    spectral clustering). Saved as CSR: PREFIX-indptr/-indices/-weights (+ -points)."""
    prefix = path(f"knn-n{n}-k{k}")
    if not os.path.exists(prefix + "-weights.npy"):
        import scipy.sparse
        from scipy.sparse.csgraph import connected_components
        from sklearn.neighbors import NearestNeighbors
        rng = np.random.default_rng(seed)
        side = rng.random(n) < 0.45
        pts = rng.normal(size=(n, 3)) * np.array([1.0, 1.0, 0.5])
        pts[side, 0] += 3.2
        pts = pts.astype(np.float32)
        dist, idx = NearestNeighbors(n_neighbors=k + 1).fit(pts).kneighbors(pts)
        idx = idx[:, 1:]
        a = scipy.sparse.csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
        a = a.maximum(a.T).tocsr()
        a.sort_indices()
        assert connected_components(a)[0] == 1, "kNN graph is not connected; change the seed"
        np.save(pts_name(prefix), pts)
        np.save(prefix + "-indptr.npy", a.indptr.astype(np.int64))
        np.save(prefix + "-indices.npy", a.indices.astype(np.int64))
        np.save(prefix + "-weights.npy", a.data.astype(np.float32))
    return prefix


def pts_name(prefix):
    return prefix + "-points.npy"


def load_csr(prefix):
    import scipy.sparse
    indptr, indices = np.load(prefix + "-indptr.npy"), np.load(prefix + "-indices.npy")
    w = np.load(prefix + "-weights.npy").astype(np.float64)
    n = len(indptr) - 1
    return scipy.sparse.csr_matrix((w, indices, indptr), shape=(n, n))


# ---------------------------------------------------------------------------------------------
# Running tools

def rss_peak(stderr):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1)) / 1024


def ours(*args):
    """Runs `segkit-bench clustering ARGS` under /usr/bin/time -v; returns (json, peak MiB)."""
    out = subprocess.run(["/usr/bin/time", "-v", BENCH, "clustering", *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"segkit-bench clustering {' '.join(map(str, args))} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1]), rss_peak(out.stderr)


def peer(task, **kw):
    """Runs one peer task (below) in a fresh Python process under /usr/bin/time -v."""
    out = subprocess.run(["/usr/bin/time", "-v", sys.executable, __file__, "peer", task, json.dumps(kw)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"peer {task} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1]), rss_peak(out.stderr)


def cpu_busy(seconds=2.0):
    """Share of all cores busy over `seconds` (from /proc/stat), while this script sleeps."""
    def sample():
        with open("/proc/stat") as f:
            v = list(map(int, f.readline().split()[1:]))
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 1 - (i1 - i0) / max(1, t1 - t0)


WAITS = []


def wait_idle(label, limit=60, threshold=0.1):
    """Waits (up to `limit` s) until other processes use < 10 % of the cores: OpenMP and
    OpenBLAS peers spin-wait and slow down many-fold when another process takes a core."""
    start = time.time()
    busy = cpu_busy()
    while busy >= threshold and time.time() - start < limit:
        busy = cpu_busy(5)
    WAITS.append((label, busy))
    if busy >= threshold:
        print(f"warning: {label}: machine still {busy:.0%} busy after {limit} s", file=sys.stderr)


def timed(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def inertia64(x, labels, centers):
    x = x.astype(np.float64)
    c = np.asarray(centers, np.float64)[np.asarray(labels)]
    return float(((x - c) ** 2).sum())


def run_peer(task, kw):
    """One peer measurement (in its own process). Prints a JSON line."""
    import cv2
    import scipy.linalg
    import scipy.sparse
    import scipy.sparse.linalg
    from sklearn.cluster import KMeans, MeanShift, MiniBatchKMeans
    cv2.setNumThreads(THREADS)
    out = {}
    if task in ("lloyd", "elkan"):
        x = np.load(kw["input"])
        init = np.load(kw["init"]) if kw.get("init") else "k-means++"
        times, inertias, iters = [], [], []
        for s in kw["seeds"]:
            km = KMeans(kw["k"], algorithm=task, init=init, n_init=kw.get("n_init", 1), random_state=s)
            t, _ = timed(lambda: km.fit(x), 1)
            times += t
            inertias.append(inertia64(x, km.labels_, km.cluster_centers_))
            iters.append(int(km.n_iter_))
            if kw.get("labels") and len(inertias) == 1:
                np.save(kw["labels"], km.labels_.astype(np.int32))
        out = {"times": times, "inertias": inertias, "iterations": iters}
    elif task == "cv2":
        x = np.load(kw["input"])
        crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 300, 1e-4)
        times, inertias = [], []
        for s in kw["seeds"]:
            cv2.setRNGSeed(s)
            t, (_, labels, centers) = timed(lambda: cv2.kmeans(x, kw["k"], None, crit, 1, cv2.KMEANS_PP_CENTERS), 1)
            times += t
            inertias.append(inertia64(x, labels.ravel(), centers))
        out = {"times": times, "inertias": inertias}
    elif task == "minibatch":
        x = np.load(kw["input"], mmap_mode=None)
        times, inertias = [], []
        for s in kw["seeds"]:
            mb = MiniBatchKMeans(kw["k"], batch_size=1024, n_init=1, random_state=s)
            t, _ = timed(lambda: mb.fit(x), 1)
            times += t
            inertias.append(float(mb.inertia_))
        out = {"times": times, "inertias": inertias, "steps": int(mb.n_steps_)}
    elif task == "meanshift":
        x = np.load(kw["input"])
        seeds = np.load(kw["seeds"])
        ms = MeanShift(bandwidth=kw["bandwidth"], seeds=x[seeds], n_jobs=THREADS)
        times, _ = timed(lambda: ms.fit(x), kw.get("repeats", 1))
        np.save(kw["labels"], ms.labels_.astype(np.int32))
        out = {"times": times, "clusters": int(len(ms.cluster_centers_))}
    elif task == "eigsh-dense":
        x = np.load(kw["input"])

        def solve():
            w = tokencut_graph(x)
            s = 1 / np.sqrt(w.sum(1))
            a = w * s[:, None] * s[None, :]
            vals, vecs = scipy.sparse.linalg.eigsh(a, k=2, which="LA")
            return vecs[:, np.argsort(vals)[0]] * s
        times, y = timed(solve, kw.get("repeats", 3))
        np.save(kw["vector"], y.astype(np.float32))
        out = {"times": times}
    elif task == "eigh-dense":
        x = np.load(kw["input"])

        def solve():
            w = tokencut_graph(x)
            dm = np.diag(w.sum(1))
            return scipy.linalg.eigh(dm - w, dm, subset_by_index=[1, 1])[1][:, 0]
        times, y = timed(solve, kw.get("repeats", 1))
        out = {"times": times}
    elif task == "eigsh-sparse":
        w = load_csr(kw["input"])

        def solve():
            s = 1 / np.sqrt(np.asarray(w.sum(1)).ravel())
            a = scipy.sparse.diags(s) @ w @ scipy.sparse.diags(s)
            vals, vecs = scipy.sparse.linalg.eigsh(a, k=2, which="LA")
            return vecs[:, np.argsort(vals)[0]] * s
        times, y = timed(solve, kw.get("repeats", 1))
        np.save(kw["vector"], y.astype(np.float32))
        out = {"times": times}
    elif task == "knn-sklearn":
        from sklearn.neighbors import NearestNeighbors
        pts = np.load(kw["input"])
        times, _ = timed(lambda: NearestNeighbors(n_neighbors=kw["k"] + 1, n_jobs=THREADS).fit(pts).kneighbors(pts), 3)
        out = {"times": times}
    out["seconds"] = statistics.median(out["times"])
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# Conformance

def cosine(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return abs(float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def conformance():
    from sklearn.cluster import KMeans, MeanShift
    from sklearn.datasets import make_blobs
    from sklearn.metrics import adjusted_rand_score
    import scipy.sparse
    import scipy.sparse.linalg
    failures = []

    def check(name, ok, detail):
        print(f"| {name} | {detail} | {'pass' if ok else 'FAIL'} |")
        if not ok:
            failures.append(name)

    print("| check | result | |")
    print("| --- | --- | --- |")
    # k-means: SegKit's inertia within 0.5 % of scikit-learn's best over the same number of inits.
    hard = path("blobs-hard.npy")
    if not os.path.exists(hard):
        xb, _ = make_blobs(20000, n_features=16, centers=25, cluster_std=2.5, random_state=7)
        np.save(hard, xb.astype(np.float32))
    labels, centers = path("ours-labels.npy"), path("ours-centers.npy")
    for name, xpath, k, n_init in [("k-means 65,536×128, k=20", embeddings(N, 1), K, 5),
                                   ("k-means blobs 20,000×16, k=25", hard, 25, 10)]:
        x = np.load(xpath)
        best = min(inertia64(x, km.labels_, km.cluster_centers_)
                   for km in [KMeans(k, algorithm="lloyd", n_init=n_init, random_state=0).fit(x)])
        r, _ = ours("kmeans", "--input", xpath, "--output", labels, "--centers", centers, "--k", k,
                    "--restarts", n_init, "--repeats", 1)
        mine = inertia64(x, np.load(labels), np.load(centers))
        rel = mine / best - 1
        check(f"{name}, nInit {n_init}", rel <= 0.005,
              f"inertia {mine:.2f} vs scikit-learn best {best:.2f} ({rel * 100:+.3f} %, bound +0.5 %)")
    # mean-shift: flat kernel, the same seeds; ARI with scikit-learn's labels.
    xl = path("blobs-ms.npy")
    if not os.path.exists(xl):
        xb, _ = make_blobs(6000, n_features=3, centers=6, cluster_std=0.4, random_state=11, center_box=(-8, 8))
        np.save(xl, xb.astype(np.float32))
    for name, xpath, bw in [("mean-shift 65,536×128, 200 seeds", embeddings(N, 1), BANDWIDTH),
                            ("mean-shift blobs 6,000×3, 200 seeds", xl, 1.0)]:
        x = np.load(xpath)
        seeds = meanshift_seeds(len(x))
        ms = MeanShift(bandwidth=bw, seeds=x[np.load(seeds)], n_jobs=THREADS).fit(x)
        r, _ = ours("meanshift", "--input", xpath, "--output", labels, "--bandwidth", bw, "--seeds", seeds, "--repeats", 1)
        ari = adjusted_rand_score(ms.labels_, np.load(labels))
        check(name, ari >= 0.99, f"ARI {ari:.4f} (bound 0.99); {r['clusters']} vs {len(ms.cluster_centers_)} clusters")
    # normalized cut: eigenvector vs scipy eigsh, up to sign.
    xt = tokencut_features()
    w = tokencut_graph(np.load(xt))
    s = 1 / np.sqrt(w.sum(1))
    vals, vecs = scipy.sparse.linalg.eigsh(w * s[:, None] * s[None, :], k=3, which="LA")
    order = np.argsort(vals)[::-1]
    ref = vecs[:, order[1]] * s
    gap = f"λ₂ = {1 - vals[order[1]]:.4f}, λ₃ = {1 - vals[order[2]]:.4f}"
    for solver in ("auto", "dense", "lanczos", "subspace"):
        r, _ = ours("ncut-dense", "--input", xt, "--output", labels, "--solver", solver, "--repeats", 1)
        c = cosine(ref, np.load(labels))
        check(f"normalized cut, dense 4,096 (solver {solver})", c >= 0.999, f"\\|cos\\| {c:.6f} with eigsh's vector ({gap})")
    prefix = knn_graph()
    a = load_csr(prefix)
    s = 1 / np.sqrt(np.asarray(a.sum(1)).ravel())
    vals, vecs = scipy.sparse.linalg.eigsh(scipy.sparse.diags(s) @ a @ scipy.sparse.diags(s), k=3, which="LA")
    order = np.argsort(vals)[::-1]
    ref = vecs[:, order[1]] * s
    r, _ = ours("ncut-sparse", "--input", prefix, "--output", labels, "--repeats", 1)
    c = cosine(ref, np.load(labels))
    check("normalized cut, sparse kNN 100,000", c >= 0.999,
          f"\\|cos\\| {c:.6f} with eigsh's vector (λ₂ = {1 - vals[order[1]]:.5f}, λ₃ = {1 - vals[order[2]]:.5f})")
    print(f"\n{len(failures)} failed" if failures else "\nall conformance checks passed")
    return not failures


# ---------------------------------------------------------------------------------------------
# Timings

def fmt_peak(p):
    return f"{p:.0f}"


def timings(quick=False):
    from sklearn.metrics import adjusted_rand_score
    load_start = os.getloadavg()[0]
    seeds = [0, 1, 2] if quick else [0, 1, 2, 3, 4]
    labels, centers = path("ours-labels.npy"), path("ours-centers.npy")
    xpath = embeddings(N, 1)
    x = np.load(xpath)
    truth = np.load(xpath.replace(".npy", "-truth.npy"))

    # k-means, k-means++ and one init per run; one run per seed, medians over seeds.
    wait_idle("k-means")
    ours_runs = []
    peak_ours = 0
    for s in seeds:
        r, p = ours("kmeans", "--input", xpath, "--output", labels, "--centers", centers, "--k", K, "--seed", s, "--repeats", 1)
        ours_runs.append((r["seconds"], inertia64(x, np.load(labels), np.load(centers)), r["iterations"],
                          adjusted_rand_score(truth, np.load(labels))))
        peak_ours = max(peak_ours, p)
    t_ours = statistics.median(o[0] for o in ours_runs)
    i_ours = statistics.median(o[1] for o in ours_runs)
    lloyd, p_lloyd = peer("lloyd", input=xpath, k=K, seeds=seeds)
    elkan, p_elkan = peer("elkan", input=xpath, k=K, seeds=seeds)
    cvk, p_cv = peer("cv2", input=xpath, k=K, seeds=seeds)
    km_rows = [("SegKit (auto = Hamerly)", t_ours, i_ours, statistics.median(o[2] for o in ours_runs), peak_ours)]
    for name, res, p in [("scikit-learn lloyd", lloyd, p_lloyd), ("scikit-learn elkan", elkan, p_elkan), ("cv2.kmeans", cvk, p_cv)]:
        km_rows.append((name, res["seconds"], statistics.median(res["inertias"]),
                        statistics.median(res["iterations"]) if "iterations" in res else None, p))
    # The same initial centres for SegKit and scikit-learn: the same Lloyd trajectory.
    wait_idle("k-means, same initial centres")
    init = path("init-centers.npy")
    np.save(init, x[np.random.default_rng(9).choice(N, K, replace=False)])
    same = []
    for algorithm in ("lloyd", "hamerly"):
        r, p = ours("kmeans", "--input", xpath, "--output", labels, "--centers", centers, "--k", K, "--initial", init,
                    "--algorithm", algorithm, "--repeats", 3)
        same.append((f"SegKit {algorithm}", r["seconds"], inertia64(x, np.load(labels), np.load(centers)), r["iterations"], p))
    for algorithm in ("lloyd", "elkan"):
        res, p = peer(algorithm, input=xpath, k=K, seeds=[0, 0, 0], init=init)
        same.append((f"scikit-learn {algorithm}", res["seconds"], res["inertias"][0], res["iterations"][0], p))

    # mini-batch on 1M points.
    bigpath = embeddings(1_000_000, 2)
    wait_idle("mini-batch")
    mb_ours = []
    peak_mb = 0
    for s in seeds[:3]:
        r, p = ours("minibatch", "--input", bigpath, "--k", K, "--seed", s, "--repeats", 1)
        mb_ours.append((r["seconds"], r["inertia"], r["iterations"]))
        peak_mb = max(peak_mb, p)
    mb, p_mb = peer("minibatch", input=bigpath, k=K, seeds=seeds[:3])

    # mean-shift, the same 200 seeds.
    seedpath = meanshift_seeds(N)
    wait_idle("mean-shift")
    r_ms, p_ms_ours = ours("meanshift", "--input", xpath, "--output", labels, "--bandwidth", BANDWIDTH, "--seeds", seedpath,
                           "--repeats", 3)
    ours_ms_labels = np.load(labels)
    peer_labels = path("peer-ms-labels.npy")
    ms, p_ms = peer("meanshift", input=xpath, seeds=seedpath, bandwidth=BANDWIDTH, labels=peer_labels)
    ms_ari = adjusted_rand_score(np.load(peer_labels), ours_ms_labels)

    # normalized cuts.
    xt = tokencut_features()
    prefix = knn_graph()
    wait_idle("normalized cut")
    r_nd, p_nd = ours("ncut-dense", "--input", xt, "--output", labels, "--repeats", 5, "--warmup", 1)
    y_ours = np.load(labels)
    eigsh_vec = path("peer-eigsh-dense.npy")
    ed, p_ed = peer("eigsh-dense", input=xt, vector=eigsh_vec, repeats=3)
    eh, p_eh = peer("eigh-dense", input=xt, repeats=1)
    cos_dense = cosine(np.load(eigsh_vec), y_ours)
    r_ns, p_ns = ours("ncut-sparse", "--input", prefix, "--output", labels, "--repeats", 3)
    y_ours = np.load(labels)
    eigsh_sp = path("peer-eigsh-sparse.npy")
    es, p_es = peer("eigsh-sparse", input=prefix, vector=eigsh_sp, repeats=1)
    cos_sparse = cosine(np.load(eigsh_sp), y_ours)

    # agglomerative merging.
    wait_idle("agglomerative")
    r_ag, p_ag = ours("agglomerative", "--regions", 5000, "--repeats", 5, "--warmup", 1)

    # ------------------------------------------------------------------ report
    print("### k-means, N = 65,536, D = 128, K = 20 (k-means++, one init per run; medians over seeds "
          f"{', '.join(map(str, seeds))})\n")
    print("| tool | median time (s) | SegKit speed-up | median inertia | vs SegKit inertia | median iterations | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, t, inertia, it, p in km_rows:
        print(f"| {name} | {t:.3f} | {t / t_ours:.2f}× | {inertia:.2f} | {(inertia / i_ours - 1) * 100:+.3f} % | "
              f"{it if it is not None else '—'} | {fmt_peak(p)} |")
    print(f"\nSegKit per seed (s, inertia, iterations, ARI vs generating labels): "
          + "; ".join(f"{o[0]:.3f} / {o[1]:.2f} / {o[2]} / {o[3]:.3f}" for o in ours_runs))
    print(f"scikit-learn lloyd per seed (s, inertia): "
          + "; ".join(f"{t:.3f} / {i:.2f}" for t, i in zip(lloyd["times"], lloyd["inertias"])))
    print("\n### k-means from the same initial centres (20 random rows), same data\n")
    print("| tool | median time (s) | inertia | iterations | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, t, inertia, it, p in same:
        print(f"| {name} | {t:.3f} | {inertia:.2f} | {it} | {fmt_peak(p)} |")
    t_mb = statistics.median(o[0] for o in mb_ours)
    print(f"\n### Mini-batch k-means, N = 1,000,000, D = 128, K = 20, batch 1024 (seeds {', '.join(map(str, seeds[:3]))})\n")
    print("| tool | median time (s) | SegKit speed-up | median inertia | steps | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| SegKit MiniBatchKMeans | {t_mb:.3f} | 1.00× | {statistics.median(o[1] for o in mb_ours):.0f} | "
          f"{statistics.median(o[2] for o in mb_ours)} | {fmt_peak(peak_mb)} |")
    print(f"| scikit-learn MiniBatchKMeans | {mb['seconds']:.3f} | {mb['seconds'] / t_mb:.2f}× | "
          f"{statistics.median(mb['inertias']):.0f} | {mb['steps']} (last seed) | {fmt_peak(p_mb)} |")
    print(f"\n### Mean-shift, same 65,536 × 128 data, flat kernel, bandwidth {BANDWIDTH}, the same {MS_SEEDS} sampled seeds\n")
    print("| tool | median time (s) | SegKit speed-up | clusters | ARI vs scikit-learn | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| SegKit MeanShift | {r_ms['seconds']:.3f} | 1.0× | {r_ms['clusters']} | {ms_ari:.4f} | {fmt_peak(p_ms_ours)} |")
    print(f"| scikit-learn MeanShift (n_jobs=2) | {ms['seconds']:.3f} | {ms['seconds'] / r_ms['seconds']:.1f}× | "
          f"{ms['clusters']} | 1 | {fmt_peak(p_ms)} |")
    print("\n### Normalized cut (Fiedler vector + mean-threshold bipartition)\n")
    print("| task | tool | median time (s) | SegKit speed-up | quality | peak RSS (MiB) |")
    print("| --- | --- | ---: | ---: | --- | ---: |")
    print(f"| dense TokenCut graph, 4,096 nodes (graph + cut) | SegKit | {r_nd['seconds']:.3f} | 1.0× | "
          f"\\|cos\\| with eigsh {cos_dense:.6f}, λ₂ {r_nd['eigenvalue']:.4f} | {fmt_peak(p_nd)} |")
    print(f"| | scipy eigsh (ARPACK) | {ed['seconds']:.3f} | {ed['seconds'] / r_nd['seconds']:.1f}× | | {fmt_peak(p_ed)} |")
    print(f"| | scipy.linalg.eigh (generalised, one pair) | {eh['seconds']:.3f} | {eh['seconds'] / r_nd['seconds']:.1f}× | | "
          f"{fmt_peak(p_eh)} |")
    print(f"| sparse kNN graph, {r_ns['nodes']:,} nodes, {r_ns['edges']:,} edges (cut) | SegKit | {r_ns['seconds']:.3f} | 1.0× | "
          f"\\|cos\\| with eigsh {cos_sparse:.6f}, λ₂ {r_ns['eigenvalue']:.5f} | {fmt_peak(p_ns)} |")
    print(f"| | scipy eigsh (ARPACK) | {es['seconds']:.3f} | {es['seconds'] / r_ns['seconds']:.1f}× | | {fmt_peak(p_es)} |")
    print("\n### Agglomerative merging\n")
    print("| task | median time (s) | merges | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| 5,000 regions (100 × 50 grid, 16-d features) to 1 | {r_ag['seconds']:.4f} | {r_ag['merges']} | {fmt_peak(p_ag)} |")
    print(f"\nSegKit BLAS kernels: {r_nd['blas']}; threads: {r_nd['threads']}; "
          f"1-minute load average at start {load_start:.2f}, at end {os.getloadavg()[0]:.2f} "
          "(OpenMP/OpenBLAS peers slow down sharply when other processes share the 2 cores)")
    print("Other processes' CPU share before each section: " + "; ".join(f"{l} {b:.0%}" for l, b in WAITS))


def main():
    os.makedirs(DATA, exist_ok=True)
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    if mode == "peer":
        run_peer(sys.argv[2], json.loads(sys.argv[3]))
        return
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} is missing: swift build -c release --product segkit-bench")
    ok = True
    if mode in ("conformance", "all"):
        ok = conformance()
    if mode in ("timings", "all"):
        timings(quick="--quick" in sys.argv)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
