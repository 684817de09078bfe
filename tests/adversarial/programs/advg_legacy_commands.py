# Adversarial: prints GitHub's legacy workflow commands (`##[name]data`, obeyed anywhere
# in a line) and then fails (expected: graded 0; none of them reaches a runner's log as a
# command, in annotations, the terminal report or the job summary).
print("##[error]INJECTED legacy error")
print("  ##[add-mask]hunter2")
print("text before ##[set-output name=score;]100")
print("::warning::INJECTED new-style")
raise SystemExit("##[error]INJECTED in the exit message")
