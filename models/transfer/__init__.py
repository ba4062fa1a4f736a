"""V-25 transfer learning (PDL ch. 3 Listings 3-8 / 3-9, HOA ch. 5) without downloadable
weights: the VGG-S source model, freezing and head replacement, the stand-in protocol with the
four strategies of the text's table, the book's two listings, and weight import from PyTorch
state dicts (npz) and Keras layouts.

    python -m models.transfer --pipeline digits --config tiny     # the whole protocol
"""
from . import freezing, protocol, vgg_s, weights  # noqa: F401
from .freezing import (cache_features, changed_tensors, freeze, replace_module, snapshot,  # noqa: F401
                       trainable_parameters, unfreeze)
from .protocol import STRATEGIES, run_protocol, transfer  # noqa: F401
from .vgg_s import VGGS, vgg_s  # noqa: F401
from .weights import load_torch_npz  # noqa: F401
