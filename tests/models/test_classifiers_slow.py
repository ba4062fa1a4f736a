"""Full book-recipe trainings of the cheap classifiers on their real data (``pytest -m slow``):
each must learn, i.e. beat chance by a wide margin. Thresholds are well below the accuracies
measured by benchmarks/reproduce.py (results/reproduce.md), so they catch engine regressions
without flaking."""
import pytest

import minigrad as mg

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("model_id,steps,epochs,threshold", [
    ("V-01", None, None, 0.88),     # SGD 0.003, summed CE, 10,000 steps of 100
    ("V-02", None, None, 0.88),     # Adam 1e-3, 1,000 steps of 256
    ("V-04", 2000, None, 0.90),     # ReLU MLP, first 2,000 of 10,000 steps
    ("V-11", 1000, None, 0.93),     # slide CNN, first 1,000 of 10,000 steps
    ("V-16", None, None, 0.90),     # toy binary CNN, 30 epochs on DS-12 faces
])
def test_book_recipe_learns(model_id, steps, epochs, threshold):
    from benchmarks.reproduce import _train

    try:
        result = _train("minigrad", model_id, 0, steps, epochs)
    except mg.data.DataSourceMissing as e:
        pytest.skip(str(e))
    assert result["test_accuracy"] >= threshold, result
