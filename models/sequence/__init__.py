"""Sequence models of HOA ch. 6 (specs/zoo-sequence.md): S-06/S-07 character-level generators,
S-08 GRU price regressor, S-09 bidirectional-LSTM sentiment classifier. The engine parts (S-02 …
S-05, S-10) live in ``minigrad.functional.recurrent``, ``minigrad.nn.rnn``,
``minigrad.data.sequence`` and ``minigrad.sampling``; zoo entries in ``entries.py``."""
from .bilstm_sentiment import BiLSTMSentiment  # noqa: F401
from .char_generator import CharGenerator, SampleText, generate  # noqa: F401
from .price_gru import PriceGRU, naive_baseline_mse  # noqa: F401
