# Adversarial: tries to overwrite, delete and replace the results file it is given, and
# to plant a file next to it (expected: none of it works).
import os
import sys

results = sys.argv[1]
done = []
for what, act in [
    ("overwrite", lambda: open(results, "w").write('{"score": 100}')),
    ("delete", lambda: os.unlink(results)),
    ("plant", lambda: open(os.path.join(os.path.dirname(results), "planted"), "w").write("x")),
    ("link", lambda: os.symlink("/etc/passwd", results + ".tmp")),
]:
    try:
        act()
        done.append(what)
    except OSError:
        pass
print("tamper: DONE " + ", ".join(done) if done else "tamper: nothing worked")
