"""V-26 Siamese few-shot network: shared-weight twin (gradients from both branches), pair
generator, protocols, n-way one-shot evaluation, nearest-neighbour baseline, the DS-19 stand-in
and a real-data check on digits."""
import numpy as np
import pytest

import minigrad as mg
from models import zoo
from models.siamese import pairs, run
from models.siamese.network import SiameseBase, SiameseNet, siamese
from minigrad.data.datasets import orl_faces

from arch_checks import gradcheck_model, train_steps


@pytest.fixture(scope="module")
def faces():
    return orl_faces.make_orl_faces(40, 0)


def test_registered_and_shapes():
    info = zoo.get("V-26")
    assert info.family == "siamese"
    book = info.build("book")
    assert book.base.flat_features == 16 * 53 * 43 == 36464
    x = mg.randn(3, 1, 112, 92)
    assert book(x, x).shape == (3,)
    tiny = info.build("tiny").eval()
    pair = mg.tensor(np.random.default_rng(0).integers(0, 256, (4, 2, 1, 56, 46), dtype=np.uint8))
    assert tiny(pair).shape == (4,)
    np.testing.assert_allclose(tiny(pair).numpy(),
                               tiny(pair[:, 0].float() / 255.0, pair[:, 1].float() / 255.0).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_twin_gradcheck_float64():
    mg.manual_seed(0)
    model = siamese("tiny", dropout1=0.25, dropout2=0.1)
    x1 = mg.rand(3, 1, 56, 46, dtype=mg.float64)
    x2 = mg.rand(3, 1, 56, 46, dtype=mg.float64)
    assert gradcheck_model(model, (x1, x2), seed=3, per_tensor=True)
    assert gradcheck_model(model, (x1, x2), seed=4)


def test_shared_weights_accumulate_gradients_from_both_branches():
    mg.manual_seed(0)
    model = siamese("tiny", dropout1=0.0, dropout2=0.0).double()
    x1, x2 = mg.rand(4, 1, 56, 46, dtype=mg.float64), mg.rand(4, 1, 56, 46, dtype=mg.float64)
    y = mg.tensor([1.0, 0.0, 1.0, 0.0], dtype=mg.float64)
    model.loss(model(x1, x2), y).backward()
    # the same computation with two separate copies of the base network
    a = SiameseBase(**{"input_size": (56, 46), "channels": 4, "hidden": 16,
                       "dropout1": 0.0, "dropout2": 0.0}).double()
    b = SiameseBase(**{"input_size": (56, 46), "channels": 4, "hidden": 16,
                       "dropout1": 0.0, "dropout2": 0.0}).double()
    a.load_state_dict(model.base.state_dict())
    b.load_state_dict(model.base.state_dict())
    logits = model.head((a(x1) - b(x2)).abs()).reshape(-1)
    model.loss(logits, y).backward()
    for (name, p), pa, pb in zip(model.base.named_parameters(), a.parameters(), b.parameters()):
        assert np.abs(pa.grad.numpy()).sum() > 0 and np.abs(pb.grad.numpy()).sum() > 0, name
        np.testing.assert_allclose(p.grad.numpy(), pa.grad.numpy() + pb.grad.numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=name)
    assert len(list(model.parameters())) == 6                # one set of base weights + head


def test_pairs_follow_the_book_recipe(faces):
    _, subjects = faces
    left, right, labels = pairs.make_pairs(subjects, 8000, seed=42)
    assert len(labels) == 8000
    np.testing.assert_array_equal(labels, np.r_[np.ones(4000), np.zeros(4000)])
    pos, neg = slice(0, 4000), slice(4000, None)
    assert (subjects[left[pos]] == subjects[right[pos]]).all() and (left[pos] != right[pos]).all()
    assert (subjects[left[neg]] != subjects[right[neg]]).all()
    again = pairs.make_pairs(subjects, 8000, seed=42)
    assert all(np.array_equal(u, v) for u, v in zip((left, right, labels), again))
    assert len(np.unique(subjects[left[pos]])) == 40                # subjects with replacement
    assert pairs.count_pairs(40, 10) == (1800, 78000)


def test_validation_split_book_vs_clean(faces):
    _, subjects = faces
    left, right, labels = pairs.make_pairs(subjects, 8000)
    (_, _, yt), (_, _, yv) = pairs.split_pairs(left, right, labels, "book")
    assert len(yv) == 800 and (yv == 0).all()                 # the book's all-negative validation
    (_, _, yt), (_, _, yv) = pairs.split_pairs(left, right, labels, "clean")
    assert len(yv) == 800 and 0.35 < yv.mean() < 0.65
    assert len(yt) == 7200


@pytest.mark.parametrize("protocol", ["clean", "book"])
def test_one_shot_trials(faces, protocol):
    _, subjects = faces
    t = pairs.one_shot_trials(subjects, 9, trials=2000, protocol=protocol, seed=1)
    assert t.shape == (2000, 10)
    q, pos, distract = t[:, 0], t[:, 1], t[:, 2:]
    assert (subjects[q] == subjects[pos]).all() and (q != pos).all()
    offsets = (pos % 10 - q % 10) % 10                          # images are stored in file order
    if protocol == "clean":
        assert set(offsets) == set(range(1, 10))
        assert (subjects[distract] != subjects[q][:, None]).all()
        assert all(len(set(row)) == 8 for row in subjects[distract])
    else:
        assert set(offsets) == set(range(1, 9))                  # o uniform in 1..8
        assert (subjects[distract] == subjects[q][:, None]).any()  # drawn with replacement
    with pytest.raises(ValueError):
        pairs.one_shot_trials(subjects, 41, protocol="clean")


def test_scoring_ties_and_knn_argmin():
    scores = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])
    assert pairs.score_trials(scores, "book") == pytest.approx(2 / 3)     # argmax tie -> index 0
    assert pairs.score_trials(scores, "clean") == pytest.approx(1 / 3)    # ties count as wrong
    imgs = np.array([[0.0], [0.1], [5.0], [9.0]])
    trials = np.array([[0, 1, 2, 3]])
    assert pairs.knn_one_shot(imgs, trials) == 1.0                        # nearest = positive
    assert pairs.knn_one_shot(imgs, np.array([[0, 3, 1, 2]])) == 0.0


def test_book_reshape_scrambles_rows_instead_of_transposing():
    img = np.arange(112 * 92, dtype=np.uint8).reshape(1, 112, 92) % 251
    clean = pairs.prepare_images(img)
    book = pairs.prepare_images(img, book_reshape=True)
    assert clean.shape == (1, 1, 112, 92) and book.shape == (1, 1, 92, 112)
    np.testing.assert_array_equal(book.ravel(), clean.ravel())
    assert not np.array_equal(book[0, 0], clean[0, 0].T)
    assert pairs.prepare_images(img, downsample=2).shape == (1, 1, 56, 46)
    model = siamese("book", input_size=(92, 112))
    assert model(mg.tensor(book), mg.tensor(book)).shape == (1,)


def test_orl_stand_in_layout_and_difficulty(faces, tmp_path):
    x, s = faces
    assert x.shape == (400, 112, 92) and x.dtype == np.uint8
    np.testing.assert_array_equal(s, np.repeat(np.arange(40), 10))
    folder = orl_faces.write_orl_dir(str(tmp_path), x[:20], s[:20])
    back, sb = orl_faces.read_orl_dir(folder)
    np.testing.assert_array_equal(back, x[:20])
    np.testing.assert_array_equal(sb, s[:20])
    with open(tmp_path / "c.pgm", "wb") as f:
        f.write(b"P5\n# a comment\n3 2\n255\n" + bytes(range(6)))
    np.testing.assert_array_equal(orl_faces.read_pgm(str(tmp_path / "c.pgm")), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(orl_faces.make_orl_faces(2, 5)[0], orl_faces.make_orl_faces(2, 5)[0])
    # nearest-neighbour identification on pixels: clearly above chance, not perfect
    imgs = pairs.prepare_images(x, downsample=2)                  # 56x46: same ranking, 4x cheaper
    acc = pairs.knn_one_shot(imgs, pairs.one_shot_trials(s, 40, 100, "clean", seed=0))
    assert 0.1 < acc < 0.9
    acc4 = pairs.knn_one_shot(imgs, pairs.one_shot_trials(s, 4, 300, "clean", seed=0))
    assert 0.4 < acc4 < 0.99


def test_training_steps_lower_the_loss():
    x, subjects = run.load_subjects("faces", "tiny")
    (xt, yt), _ = run.pair_arrays(x, subjects, 64)
    mg.manual_seed(0)
    model = siamese("tiny")
    first, last = train_steps(model, mg.tensor(xt), mg.tensor(yt), model.loss, steps=8, lr=3e-3)
    assert last < first


def test_digits_real_data_one_shot_beats_chance():
    mg.manual_seed(0)
    model, trainer, x, subjects = run.train("digits", "tiny", epochs=3, n_pairs=2000)
    assert trainer.history["loss"][-1] < trainer.history["loss"][0]
    table = run.evaluate_n_way(model, x, subjects, n_ways=(4,), trials=300)
    siamese_acc, knn_acc = table[4]
    assert siamese_acc > 0.4                                 # chance: 0.25
    assert knn_acc > 0.4


def test_held_out_subjects_are_unseen_in_training(monkeypatch):
    seen = {}
    real = run.pair_arrays

    def spy(images, subjects, n_pairs, protocol="clean", seed=42, train_ids=None):
        out = real(images, subjects, n_pairs, protocol, seed, train_ids)
        seen["ids"] = train_ids
        return out
    monkeypatch.setattr(run, "pair_arrays", spy)
    model, _, x, subjects = run.train("faces", "tiny", epochs=1, n_pairs=64, held_out=True)
    train_ids, test_ids = seen["ids"], model.test_subjects
    assert len(train_ids) == 7 and len(test_ids) == 3 and not set(train_ids) & set(test_ids)
    (xt, _), _ = real(x, subjects, 64, train_ids=train_ids)
    pool = {x[i].tobytes() for i in np.flatnonzero(np.isin(subjects, train_ids))}
    assert all(img.tobytes() in pool for img in xt[:, 0]) and all(img.tobytes() in pool for img in xt[:, 1])
    table = run.evaluate_n_way(model, x, subjects, n_ways=(2, 3, 4), trials=20)
    assert set(table) == {2, 3}                              # 3 held-out subjects: n <= 3
    t = pairs.one_shot_trials(subjects, 3, 50, subset=test_ids)
    assert set(subjects[t.ravel()]) <= set(test_ids)


@pytest.mark.slow
def test_faces_tiny_run_beats_chance_at_every_n():
    model, trainer, x, subjects = run.train("faces", "tiny", epochs=4)
    table = run.evaluate_n_way(model, x, subjects, trials=300)
    assert set(table) == {4, 9}                              # 10 subjects: larger n skipped
    for n, (acc, knn) in table.items():
        assert acc > 1.5 / n and knn > 1.5 / n
