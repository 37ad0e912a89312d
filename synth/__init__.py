"""Synthetic batches in the field-records format, with an answer key (``lmt synth``).

Made the way the sample batch was made (tests/data/sample/README.md): seasonal circuits
and the behaviours that look like them, field noise, contractor chains with exploiters
among decoys, about 1% of rows that break the format's rules. Vectorised with numpy, so a
million workers take minutes, not hours; deterministic for a seed and size.
"""

from synth.batch import DEFAULT_UNTIL, generate

__all__ = ["DEFAULT_UNTIL", "generate"]
