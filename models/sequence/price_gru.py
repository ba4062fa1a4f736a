"""S-08: GRU stock-price regressor (HOA ch. 6, "GRU RNNs for stock price prediction").

Many-to-one: windows of T = 10 closing prices, each window and its target divided by the
window's last price (so the target is the next day's relative price and the naive last-value
forecast is 1); GRU 256 in the Keras-2 form (``reset_after=False``: reset gate applied before the
candidate's matmul, one bias vector), last state -> Dense 1 (linear). MSE; RMSprop lr 6e-4, rho
0.9, eps 1e-8; batch 100; chronological 70/30 split, the test part as validation; early stopping
on val_loss with patience 100. Keras initialisers (glorot / orthogonal / zeros).

Errata (spec): the prose gives lr 0.006, the code (authoritative) 0.0006. Data: the DS-16
random-walk series in the book's CSV format stands in for the index prices.
"""
import numpy as np

import minigrad as mg
from minigrad import functional as F
from minigrad import nn

__all__ = ["PriceGRU", "naive_baseline_mse"]


class PriceGRU(nn.Module):
    """``PriceGRU(hidden_size=256, reset_after=False, recurrent_activation="sigmoid")``:
    input (N, T, 1) scaled windows -> (N, 1) scaled next price."""

    def __init__(self, hidden_size=256, reset_after=False, recurrent_activation="sigmoid",
                 input_size=1, dtype=None):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True, reset_after=reset_after,
                          recurrent_activation=recurrent_activation, init="keras", dtype=dtype)
        self.head = nn.Linear(hidden_size, 1, dtype=dtype)
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.head(h_n[-1])

    def loss(self, pred, target):
        return F.mse_loss(pred, target)

    def accuracy(self, pred, target):
        """Directional accuracy: the predicted move (above/below the last price, 1 on the scaled
        axis) agrees with the true move. (The CLI reports it as 'accuracy'.)"""
        p = mg.backend.to_numpy(pred.data).reshape(-1)
        y = np.asarray(mg.backend.to_numpy(getattr(target, "data", target))).reshape(-1)
        return float((np.sign(p - 1) == np.sign(y - 1)).mean())


def naive_baseline_mse(y_scaled):
    """Test MSE of the last-value forecast (scaled prediction = 1) -- the bar to beat."""
    y = np.asarray(y_scaled, dtype=np.float64).reshape(-1)
    return float(np.mean((y - 1.0) ** 2))
