"""Fine-tuning the spaCy NER on the store's reviewed entities (``newsreview train``).

- :mod:`.annotations` — what the store knows about each article's entities, as partial annotation
  (entities, text known to hold none, spans known to be wrong; everything else unknown). Pure Python.
- :mod:`.run` — spaCy Docs from those annotations, the training config, spaCy's training loop with a
  progress bar, the held-out evaluation. Imports spaCy.
- :mod:`.models` — the record of trained models kept with the store, for ``status``. Pure Python.

Importing this package imports neither spaCy nor Textual.
"""
