"""V-26 Siamese few-shot network (HOA ch. 8): the twin network with shared weights
(:mod:`.network`), the pair generator, protocols, n-way one-shot evaluation and the
nearest-neighbour baseline (:mod:`.pairs`), the training / evaluation run (:mod:`.run`).

    python -m models.siamese --config tiny              # train, then the n-way tables
"""
from . import network, pairs  # noqa: F401
from .network import SiameseBase, SiameseNet, siamese  # noqa: F401
