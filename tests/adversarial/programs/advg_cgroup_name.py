# Adversarial: prints its own (v2) cgroup as the kernel names it (expected: a random name
# that says nothing of the grader, never its pid).
with open("/proc/self/cgroup") as f:
    for line in f:
        if line.startswith("0::"):
            print("CGROUP " + line.strip().rsplit("/", 1)[-1])
