"""V-01 … V-16 in the zoo: registry entries, `python -m models list|summary|train`, data loading
of every recipe (tiny sizes) and the reproduction harness's batch plan and schedules."""
import io
import json
import math

import numpy as np
import pytest

import minigrad as mg
from models import cli, zoo
from models.classifiers.entries import ENTRIES, load_data

IDS = list(ENTRIES)


def test_registered_with_name_source_and_both_presets():
    for model_id in IDS:
        info = zoo.get(model_id)
        assert info.id == model_id and info.name and info.source
        assert info.load_data is not None and info.dataset == ENTRIES[model_id].recipe["data"]
        assert info.training("tiny") == ENTRIES[model_id].training("tiny")
    assert zoo.get("mnist-cnn").id == "V-10" and zoo.get("v11").id == "V-11"


def test_list_shows_ids_names_sources_and_parameter_counts():
    out = io.StringIO()
    assert cli.main(["list"], out=out) == 0
    text = out.getvalue()
    for model_id in IDS:
        line = next(ln for ln in text.splitlines() if ln.startswith(model_id + " "))
        mg.manual_seed(0)
        count = zoo.count_parameters(zoo.build(model_id))
        assert line.rstrip().endswith(f"{count:,}")
        assert zoo.get(model_id).source in line


@pytest.mark.parametrize("model_id", ["V-07", "V-13", "V-14", "V-16"])
def test_summary_prints_the_layer_table(model_id):
    out = io.StringIO()
    assert cli.main(["summary", model_id, "--config", "tiny"], out=out) == 0
    text = out.getvalue()
    assert "MAdds" in text and "Output shape" in text
    model = zoo.build(model_id, "tiny")
    assert f"{zoo.count_parameters(model):,}" in text
    for name, _ in model.named_children():
        assert name in text


def test_summary_counts_running_statistics_as_non_trainable():
    out = io.StringIO()
    cli.main(["summary", "V-13"], out=out)
    # 4 BN layers: running mean + var per channel/feature (24, 48, 64, 200)
    non_trainable = [ln for ln in out.getvalue().splitlines() if ln.startswith("Non-trainable")]
    assert non_trainable and f"{2 * (24 + 48 + 64 + 200):,}" in non_trainable[0]


@pytest.mark.parametrize("model_id", ["V-01", "V-08", "V-14", "V-15", "V-16"])
def test_tiny_data_shapes(model_id):
    entry = ENTRIES[model_id]
    try:
        parts = load_data(entry.training("tiny"), "tiny")
    except mg.data.DataSourceMissing as e:
        pytest.skip(str(e))
    model = entry.build("tiny")
    for x, y in parts:
        assert x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
        assert x.shape[1:] == model.input_shape and len(x) == len(y)
        assert len(x) <= 2000
    if model_id == "V-08":
        assert len(parts) == 3              # train / validation / test


def test_cli_trains_a_tiny_model_end_to_end(tmp_path):
    out = io.StringIO()
    rc = cli.main(["train", "V-16", "--config", "tiny", "--epochs", "2", "--no-progress",
                   "--out", str(tmp_path)], out=out)
    assert rc == 0
    text = out.getvalue()
    assert "test accuracy:" in text
    assert (tmp_path / "loss_curve.png").stat().st_size > 0
    assert (tmp_path / "model.npz").exists() and any((tmp_path / "checkpoints").iterdir())
    hist = json.loads((tmp_path / "history.json").read_text())
    assert hist


def test_reproduce_batch_plan_and_schedules():
    from benchmarks.reproduce import batch_plan, lr_at

    r = dict(batch_size=64, epochs=2, shuffle=False, drop_last=True)
    plan = batch_plan(200, r, seed=0)
    assert [len(e) for e in plan] == [3, 3]
    assert np.array_equal(plan[0][1], np.arange(64, 128))           # fixed order (V-08)
    r = dict(batch_size=100, steps=7, shuffle=True)
    plan = batch_plan(250, r, seed=0)
    assert sum(len(e) for e in plan) == 7 and [len(e) for e in plan] == [3, 3, 1]
    assert not np.array_equal(np.concatenate(plan[0]), np.concatenate(plan[1]))
    assert np.array_equal(np.sort(np.concatenate(plan[0])), np.arange(250))
    # the schedules match minigrad's ExpFloorLR stepped once per iteration
    for model_id in ("V-05", "V-07", "V-13"):
        recipe = ENTRIES[model_id].training("book")
        p = mg.nn.Parameter(mg.zeros(1))
        opt = zoo.make_optimizer(recipe["optimizer"], [p])
        sched = zoo.make_scheduler(recipe["schedule"], opt)
        for i in range(5):
            assert math.isclose(opt.param_groups[0]["lr"], lr_at(recipe, i * 700), rel_tol=1e-12)
            for _ in range(700):
                sched.step()
