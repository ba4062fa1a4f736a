"""The minigrad model zoo: the networks of three deep-learning texts rebuilt on minigrad.

``python -m models list`` shows every model; :mod:`models.zoo` is the registry
(``zoo.build("V-11", config="tiny")``); one package per family (``models.classifiers``, ...).
"""
