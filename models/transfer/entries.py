"""Zoo registration of V-25: ``python -m models train V-25`` trains the VGG-S source model on
digits 0-4 (the pretraining step); ``python -m models.transfer`` runs the whole protocol."""
import numpy as np

from .. import zoo
from . import protocol
from .vgg_s import vgg_s as build_vgg_s


def load_data(recipe, config="book"):
    """The V-25 source task ``recipe["data"]`` (``digits_0_4`` or ``shapes_0_4``)."""
    parts = [protocol.load_task(recipe["data"], s, config) for s in ("train", "test")]
    return tuple((x, np.asarray(y, np.int64)) for x, y in parts)


zoo.register("V-25", "transfer learning (VGG-S source model)",
             "PDL ch. 3, Transfer learning, Listings 3-8/3-9; HOA ch. 5",
             lambda config: build_vgg_s(config, in_channels=1),
             train=dict(data="digits_0_4", optimizer=("adam", 1e-3), batch_size=32, epochs=5),
             tiny_train=dict(epochs=1), load_data=load_data, family="transfer")

try:                                    # `python -m models summary V-25` input shape
    from .. import cli
    cli.INPUT_SHAPES.setdefault("digits_0_4", (1, 28, 28))
except ImportError:                     # pragma: no cover
    pass
