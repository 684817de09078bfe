"""A spec file -> frozen, line-tracked models, or errors at `file:line`.

Rules this folder keeps:
- YAML is parsed once (`yamlsource`), into frozen pydantic models (`stepbase`, `steps`,
  `model`); nothing downstream sees a raw dict.
- Every value keeps the line it came from, so every error names where it is.
- `schema` is generated from the same models, never written by hand.
- No I/O beyond reading the spec file; nothing here runs a program.
"""
