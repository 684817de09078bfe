"""Outcomes -> what people read: terminal text, an offline HTML page, ladder diagrams.

Rules this folder keeps:
- Pure rendering of `Outcome`s and `Frame`s; files are written by the callers.
- Student output is shown escaped (`textutil.safe`), never interpreted.
"""
