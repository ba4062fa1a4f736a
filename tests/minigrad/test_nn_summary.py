"""minigrad.summary: output shapes, trainable / non-trainable counts, MAdds (E-13), as data."""
import pytest

import minigrad as mg
from minigrad import nn


def slide_cnn_v12():
    """V-12: 6x6/1 -> 6, 5x5/2 -> 12, 4x4/2 -> 24 (SAME), dense 200 + dropout, 10."""
    return nn.Sequential(nn.Conv2d(1, 6, 6, padding="same"), nn.ReLU(),
                         nn.Conv2d(6, 12, 5, 2, padding="same"), nn.ReLU(),
                         nn.Conv2d(12, 24, 4, 2, padding="same"), nn.ReLU(), nn.Flatten(),
                         nn.Linear(1176, 200), nn.ReLU(), nn.Dropout(0.25), nn.Linear(200, 10))


def test_slide_cnn_table():
    s = mg.summary(slide_cnn_v12(), (1, 28, 28), print_fn=None)
    convs = [r for r in s.rows if r.type == "Conv2d"]
    assert [r.output_shape for r in convs] == [(6, 28, 28), (12, 14, 14), (24, 7, 7)]
    assert [r.madds for r in convs] == [28 * 28 * 36 * 1 * 6, 14 * 14 * 25 * 6 * 12,
                                        7 * 7 * 16 * 12 * 24]
    dense = [r for r in s.rows if r.type == "Linear"]
    assert [r.madds for r in dense] == [1176 * 200, 200 * 10]
    assert [r.trainable for r in dense] == [1176 * 200 + 200, 2010]
    assert all(r.madds == 0 for r in s.rows if r.type in ("ReLU", "Dropout", "Flatten"))
    total = (36 + 1) * 6 + (150 + 1) * 12 + (192 + 1) * 24 + 1176 * 200 + 200 + 2010
    assert s.trainable_params == total and s.non_trainable_params == 0
    assert s.total_madds == sum(r.madds for r in s.rows)
    d = s.to_dict()
    assert d["total_params"] == total and len(d["rows"]) == 11
    assert [r.name for r in s.rows][:2] == ["0", "1"]


def test_batchnorm_stats_are_non_trainable_and_frozen_params_counted():
    m = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    m[2].requires_grad_(False)
    s = mg.summary(m, (4,), print_fn=None)
    bn = s.rows[1]
    assert (bn.trainable, bn.non_trainable, bn.madds) == (6, 6, 0)
    assert (s.rows[2].trainable, s.rows[2].non_trainable) == (0, 8)
    assert s.trainable_params == 15 + 6 and s.non_trainable_params == 6 + 8


def test_depthwise_transposed_conv1d_madds():
    m = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, groups=4), nn.Conv2d(4, 8, 1),
                      nn.ConvTranspose2d(8, 2, 2, stride=2))
    s = mg.summary(m, (4, 5, 5), print_fn=None)
    assert s.rows[0].madds == 5 * 5 * 9 * 4                  # depthwise H·W·kh·kw·C
    assert s.rows[1].madds == 5 * 5 * 4 * 8
    assert s.rows[2].madds == 5 * 5 * 4 * 8 * 2              # every input cell times the kernel
    assert s.rows[2].output_shape == (2, 10, 10)
    s = mg.summary(nn.Conv1d(3, 5, 3), (3, 10), print_fn=None)
    assert s.rows[0].madds == 8 * 3 * 3 * 5


def test_modes_restored_hooks_removed_and_printed(capsys):
    m = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    m.train()
    s = mg.summary(m, (2,))
    out = capsys.readouterr().out
    assert "Linear" in out and "Total params: 6" in out and "Total MAdds: 4" in out
    assert m.training and m[1].training
    assert all(not mod._forward_hooks for mod in m.modules())
    assert str(s) in out


def test_embedding_model_with_int_inputs_and_custom_module():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.scale = nn.Parameter(mg.ones(4))
            self.out = nn.Linear(4, 3)

        def forward(self, ids):
            return self.out(self.emb(ids) * self.scale)
    s = mg.summary(Net(), (5,), dtypes=[mg.int64], print_fn=None)
    names = [r.name for r in s.rows]
    assert names == ["emb", "out", "Net"]          # the model owns a parameter itself
    assert s.rows[1].output_shape == (5, 3) and s.rows[1].madds == 4 * 3 * 5
    assert s.rows[2].trainable == 4
    assert s.trainable_params == 40 + 4 + 15


def test_errors():
    with pytest.raises(TypeError):
        mg.summary(lambda x: x, (3,))
    with pytest.raises(ValueError):
        mg.summary(nn.Linear(2, 2))


def test_tuple_outputs_record_the_first_tensor():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.pool = nn.MaxPool2d(2, return_indices=True)

        def forward(self, x):
            return self.pool(x)[0]
    s = mg.summary(M(), (3, 4, 4), print_fn=None)
    assert s.rows[0].output_shape == (3, 2, 2)
