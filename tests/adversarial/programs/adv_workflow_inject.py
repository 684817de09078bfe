# Adversarial: prints GitHub workflow commands and a forged score, then fails (expected:
# graded 0; nothing it printed reaches the log as a command).
print("::error file=specs/x.yaml,line=1::INJECTED error annotation")
print("::set-output name=score::100")
print("::add-mask::secret")
print("::stop-commands::INJECTEDTOKEN")
print("%0A::warning::INJECTED after newline")
print("Score: 100/100 (all behaviours passed)")
print("  PASS  adversarial.workflow_inject   1/1")
raise SystemExit(1)
