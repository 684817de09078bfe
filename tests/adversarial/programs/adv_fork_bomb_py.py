# Adversarial: fork bomb in Python (expected: bounded by the process limit).
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
