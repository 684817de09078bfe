"""Pure verdicts: what was observed (bytes, frames, process samples) -> a `Check`.

Rules this folder keeps:
- No I/O, no clocks, no processes: the same observation always gives the same verdict,
  so every rule is tested with made-up observations.
- A failed check says what was expected, what happened, and where in the spec.
"""
