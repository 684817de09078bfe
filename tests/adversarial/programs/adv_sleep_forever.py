# Adversarial: sleeps forever (expected: time limit, wall).
import time

while True:
    time.sleep(3600)
