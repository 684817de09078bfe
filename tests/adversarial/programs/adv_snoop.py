# Adversarial: tries to read what the harness keeps to itself: the paths it is given
# (hidden specs, harness files, results), other processes' command lines, and its own
# environment (expected: finds nothing).
import os
import sys

found = []
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            f.read(1)
        found.append(path)
    except OSError:
        pass
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read()
    except OSError:
        continue
    if b"harness" in cmd or b"sockgrade" in cmd or b"pytest" in cmd:
        found.append(f"cmdline of {pid}")
extra = sorted(set(os.environ) - {"PATH", "HOME", "LANG", "TERM", "MALLOC_ARENA_MAX"})
if extra:
    found.append(f"environment {extra}")
print("snoop: LEAKED " + ", ".join(found) if found else "snoop: nothing found")
