# Adversarial: leaves a 3000-deep chain of directories in its working directory, so the
# grader's clean-up of it may fail (expected: the behaviour never scores better than the
# truth: its points stay in the maximum, and a grader error says "grader error: regrade").
import os

for _ in range(3000):
    os.mkdir("d")
    os.chdir("d")
print("planted")
