"""The walls around untrusted programs: namespaces, cgroups, uids, limits, processes.

Rules this folder keeps:
- Each wall is used where the machine allows it and named when it was not (`walls.layers`),
  so a report can say what ran.
- Processes are started, signalled and killed by pid, only those the harness started.
- A limit hit is told as the student's failure with the limit named (`limits`).
- Nothing here knows about specs' steps or verdicts.
"""
