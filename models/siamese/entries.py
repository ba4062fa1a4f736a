"""Zoo registration of V-26: ``python -m models train V-26`` trains the twin network on the
training pairs of DS-19 (clean protocol; validation on the held-out 10 % of the pairs; pairs
stacked as ``[N, 2, 1, H, W]``, 8-bit at book size - the model divides by 255);
``python -m models.siamese`` adds the n-way one-shot evaluation and the nearest-neighbour
baseline."""
import numpy as np

from .. import zoo
from .network import siamese
from .run import N_PAIRS, load_subjects, pair_arrays


def load_data(recipe, config="book"):
    """Training / validation pair arrays of DS-19 (``data="orl_faces"``) or digits."""
    dataset = "faces" if recipe["data"] == "orl_faces" else recipe["data"]
    x, subjects = load_subjects(dataset, config)
    if config == "book" and dataset == "faces":           # 8,000 x 2 x 112 x 92: keep 8-bit
        x = np.rint(x * 255.0).astype(np.uint8)
    return pair_arrays(x, subjects, recipe.get("n_pairs", N_PAIRS[config]),
                       recipe.get("protocol", "clean"))


zoo.register("V-26", "Siamese few-shot network", "HOA ch. 8, Metric-based meta-learning",
             siamese, train=dict(data="orl_faces", optimizer=("adam", 1e-3, 1e-7), batch_size=64,
                                 epochs=10, protocol="clean"),
             tiny_train=dict(epochs=2), load_data=load_data, family="siamese")

try:                                    # `python -m models summary V-26`: one pair per sample
    from .. import cli
    cli.INPUT_SHAPES.setdefault("orl_faces", (2, 1, 112, 92))
except ImportError:                     # pragma: no cover
    pass
