"""V-26 data side: image preparation, the training-pair generator, the validation split, the
n-way one-shot evaluation protocol and the nearest-neighbour baseline (HOA ch. 8;
specs/zoo-vision.md V-26).

Two protocols (``protocol="clean"`` is the default; ``"book"`` reproduces the text's code):

=============  =================================================  ===============================
step           ``"book"``                                         ``"clean"``
=============  =================================================  ===============================
subjects       n ids drawn **with replacement**, ids[0] = query    query + n-1 distinct *other*
               subject (a distractor may be the query's subject)   subjects
positive       image (i + o) mod 10 of the query subject,          o uniform in 1..9
               o uniform in 1..8
distractors    one random image of each of ids[1..n-1]             same
decision       correct if argmax of the n similarities is 0        same, ties count as wrong
validation     last 10 % of the unshuffled pairs (all negatives)   pairs shuffled before the split
=============  =================================================  ===============================

Training pairs (both protocols): 8,000 pairs, 50 % positive, seed 42; positives: a subject drawn
with replacement and two distinct images of it; negatives: two distinct subjects, one random
image each; labels ``[1] * 4000 + [0] * 4000`` in that order.

Nearest-neighbour baseline: L2 pixel distance between the query and every candidate, correct if
the nearest is the positive (index 0). Erratum: the book's code takes the argmax of the
distances; minigrad takes the argmin (ties count as wrong in the clean protocol).

Pair arithmetic for 40 subjects x 10 images: C(10, 2) = 45 positive pairs per subject (1,800),
10 x 10 = 100 negative pairs per subject pair (C(40, 2) x 100 = 78,000) - :func:`count_pairs`.
"""
import numpy as np

__all__ = ["prepare_images", "make_pairs", "split_pairs", "count_pairs", "one_shot_trials",
           "score_trials", "knn_one_shot", "model_one_shot", "held_out_split", "PROTOCOLS",
           "N_WAYS"]

PROTOCOLS = ("clean", "book")
N_WAYS = (4, 9, 16, 25, 36, 40)


def _rng(seed):
    return np.random.Generator(np.random.PCG64(seed))


def _check_protocol(protocol):
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be 'clean' or 'book', got {protocol!r}")


def prepare_images(images, book_reshape=False, downsample=1, dtype=np.float32):
    """uint8 ``[M, 112, 92]`` -> float ``[M, 1, H, W]`` in [0, 1] (/255).

    ``book_reshape=True`` reproduces the book: each (112, 92) array is *reshaped* (not
    transposed) to (92, 112) - same pixels in row-major order, scrambled rows.
    ``downsample=k`` block-averages k x k (the ``tiny`` preset uses 2: 56x46)."""
    x = np.asarray(images, np.float64) / 255.0
    m, h, w = x.shape
    if book_reshape:
        x = x.reshape(m, w, h)
        h, w = w, h
    if downsample > 1:
        k = downsample
        x = x[:, :h - h % k, :w - w % k].reshape(m, h // k, k, w // k, k).mean(axis=(2, 4))
    return x[:, None].astype(dtype)


def _by_subject(subjects):
    subjects = np.asarray(subjects)
    ids = np.unique(subjects)
    return ids, {int(s): np.flatnonzero(subjects == s) for s in ids}


def make_pairs(subjects, n_pairs=8000, seed=42):
    """Index pairs for training: ``(left, right, labels)`` (int arrays into the image array,
    float32 labels), the first half positive, the second half negative (the book's order)."""
    ids, members = _by_subject(subjects)
    if len(ids) < 2:
        raise ValueError("make_pairs needs at least two subjects")
    rng = _rng(seed)
    n_pos = n_pairs // 2
    left, right = [], []
    for _ in range(n_pos):                          # positives: subject with replacement
        imgs = members[int(rng.choice(ids))]
        a, b = rng.choice(len(imgs), 2, replace=False)
        left.append(imgs[a])
        right.append(imgs[b])
    for _ in range(n_pairs - n_pos):                # negatives: two distinct subjects
        s1, s2 = rng.choice(ids, 2, replace=False)
        left.append(rng.choice(members[int(s1)]))
        right.append(rng.choice(members[int(s2)]))
    labels = np.concatenate([np.ones(n_pos), np.zeros(n_pairs - n_pos)]).astype(np.float32)
    return np.asarray(left, np.int64), np.asarray(right, np.int64), labels


def split_pairs(left, right, labels, protocol="clean", val_fraction=0.1, seed=42):
    """Train / validation split of the pairs: ``"book"``: Keras ``validation_split`` (the last
    10 % of the unshuffled arrays - all negatives); ``"clean"``: shuffle first.
    Returns ``((left, right, labels) train, (left, right, labels) val)``."""
    _check_protocol(protocol)
    n = len(labels)
    order = np.arange(n) if protocol == "book" else _rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    tr, va = order[:n - n_val], order[n - n_val:]
    return (left[tr], right[tr], labels[tr]), (left[va], right[va], labels[va])


def count_pairs(n_subjects=40, per_subject=10):
    """``(positive, negative)`` pair counts: n C(k, 2) and C(n, 2) k^2."""
    pos = n_subjects * per_subject * (per_subject - 1) // 2
    neg = n_subjects * (n_subjects - 1) // 2 * per_subject * per_subject
    return pos, neg


def held_out_split(subjects, n_train=30, seed=0):
    """Subject-disjoint split (clean protocol option): ``(train_ids, test_ids)``."""
    ids = np.unique(subjects)
    perm = _rng(seed).permutation(ids)
    return np.sort(perm[:n_train]), np.sort(perm[n_train:])


def one_shot_trials(subjects, n_way, trials=1000, protocol="clean", seed=0, subset=None):
    """``[trials, n_way + 1]`` image indices: column 0 the query, column 1 the positive
    (candidate 0), columns 2.. the distractors. ``subset``: restrict to these subject ids."""
    _check_protocol(protocol)
    subjects = np.asarray(subjects)
    ids, members = _by_subject(subjects)
    if subset is not None:
        ids = np.asarray(sorted(int(s) for s in subset))
    if protocol == "clean" and n_way > len(ids):
        raise ValueError(f"one_shot_trials: a clean {n_way}-way trial needs {n_way} distinct "
                         f"subjects, only {len(ids)} available")
    rng = _rng(seed)
    out = np.empty((trials, n_way + 1), np.int64)
    for t in range(trials):
        if protocol == "book":
            chosen = rng.choice(ids, n_way, replace=True)
        else:
            q = rng.choice(ids)
            others = rng.choice(ids[ids != q], n_way - 1, replace=False)
            chosen = np.concatenate([[q], others])
        imgs = members[int(chosen[0])]
        k = len(imgs)
        i = int(rng.integers(k))
        o = int(rng.integers(1, k - 1)) if protocol == "book" else int(rng.integers(1, k))
        out[t, 0], out[t, 1] = imgs[i], imgs[(i + o) % k]
        for j, s in enumerate(chosen[1:]):
            out[t, 2 + j] = rng.choice(members[int(s)])
    return out


def score_trials(scores, protocol="clean", higher_is_better=True):
    """Accuracy of ``scores [trials, n_way]`` (candidate 0 is the positive). ``"book"``: argmax
    (argmin for distances) == 0, ties resolved to the first index; ``"clean"``: candidate 0
    must be strictly best (ties count as wrong)."""
    _check_protocol(protocol)
    s = np.asarray(scores, np.float64)
    if not higher_is_better:
        s = -s
    if protocol == "book":
        return float(np.mean(np.argmax(s, axis=1) == 0))
    return float(np.mean(s[:, 0] > s[:, 1:].max(axis=1)))


def knn_one_shot(images, trials, protocol="clean"):
    """Nearest-neighbour baseline: L2 pixel distance from the query to each candidate; correct
    when the nearest (argmin - the book's argmax is an erratum) is the positive."""
    x = np.asarray(images, np.float64).reshape(len(images), -1)
    q = x[trials[:, 0]][:, None, :]
    c = x[trials[:, 1:]]
    dist = np.sqrt(((c - q) ** 2).sum(axis=2))
    return score_trials(dist, protocol, higher_is_better=False)


def model_one_shot(model, images, trials, protocol="clean", batch_size=512):
    """Accuracy of ``model(x1, x2)`` (higher = more similar) on the trials; ``images`` are the
    prepared float arrays ``[M, 1, H, W]``. The model is put in eval mode."""
    import minigrad as mg
    was_training = model.training
    model.eval()
    q = np.repeat(trials[:, :1], trials.shape[1] - 1, axis=1).reshape(-1)
    c = trials[:, 1:].reshape(-1)
    scores = []
    device = next(iter(model.parameters())).device
    dtype = next(iter(model.parameters())).dtype
    with mg.no_grad():
        for start in range(0, len(q), batch_size):
            a = mg.tensor(images[q[start:start + batch_size]], dtype=dtype, device=device)
            b = mg.tensor(images[c[start:start + batch_size]], dtype=dtype, device=device)
            scores.append(model(a, b).numpy().reshape(-1))
    model.train(was_training)
    return score_trials(np.concatenate(scores).reshape(trials.shape[0], -1), protocol)
