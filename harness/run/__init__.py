"""One behaviour: build, start, converse, observe, tear down.

Rules this folder keeps:
- `runner` owns a behaviour's life; `actions` is the step table, whose handlers live
  in `program_steps` and `network_steps` and share `context`.
- Every wait is bounded and polls for what it waits for; there is no fixed sleep.
- What was observed goes into the transcript and is judged by `harness.judge`, never
  here; the result is an `outcome.Outcome`.
- `capture` is the only module that imports scapy, and turns packets into `Frame`s.
"""
