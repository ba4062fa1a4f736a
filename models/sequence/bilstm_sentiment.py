"""S-09: bidirectional-LSTM sentiment classifier (HOA ch. 6, "Bidirectional RNNs for sentiment
classification").

Token ids (N, 200), pre-padded and pre-truncated (Keras ``pad_sequences`` defaults) -> Embedding
5,000 x 128 (U(-0.05, 0.05)) -> Bidirectional LSTM 128 with input dropout 0.2 and recurrent
dropout 0.2 (Keras semantics: masks drawn once per sequence, one per gate, reused at every step;
training only), last states concatenated [forward after x_T, backward after x_1] (N, 256) ->
Dense 1 -> sigmoid, folded into binary cross-entropy with logits; accuracy at 0.5. RMSprop lr 1e-3
(Keras: rho 0.9, eps 1e-7); batch 32; early stopping on val_loss, patience 10.

Errata (spec): the text maps 1 to "the" and 2 to "and" (1 is the start token, 2 out-of-
vocabulary), calls the input 3,000-dimensional (5,000), says padding goes at the end (Keras pads
at the start) and early-stops on the test set (minigrad validates on 10 % of the training set by
default). Data: the DS-17 IMDb-like stand-in.
"""
import numpy as np

import minigrad as mg
from minigrad import functional as F
from minigrad import nn

__all__ = ["BiLSTMSentiment"]


class BiLSTMSentiment(nn.Module):
    """``BiLSTMSentiment(num_words=5000, embedding_dim=128, hidden_size=128, input_dropout=0.2,
    recurrent_dropout=0.2, recurrent_activation="sigmoid")``: ids (N, T) -> logits (N, 1)."""

    def __init__(self, num_words=5000, embedding_dim=128, hidden_size=128, input_dropout=0.2,
                 recurrent_dropout=0.2, recurrent_activation="sigmoid", dtype=None):
        super().__init__()
        self.embedding = nn.Embedding(num_words, embedding_dim, dtype=dtype)
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True, bidirectional=True,
                            input_dropout=input_dropout, recurrent_dropout=recurrent_dropout,
                            recurrent_activation=recurrent_activation, init="keras",
                            unit_forget_bias=True, dtype=dtype)
        self.head = nn.Linear(2 * hidden_size, 1, dtype=dtype)
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, ids):
        ids = ids if isinstance(ids, mg.Tensor) else mg.tensor(np.asarray(ids))
        _, (h_n, _) = self.lstm(self.embedding(ids))
        return self.head(F.cat([h_n[0], h_n[1]], dim=1))

    def loss(self, logits, target):
        t = target if isinstance(target, mg.Tensor) else mg.tensor(np.asarray(target))
        return F.binary_cross_entropy_with_logits(logits, t.reshape(logits.shape).to(dtype=logits.dtype))

    def accuracy(self, logits, target):
        p = mg.backend.to_numpy(logits.data).reshape(-1) > 0
        y = np.asarray(mg.backend.to_numpy(getattr(target, "data", target))).reshape(-1) > 0.5
        return float((p == y).mean())
