"""Grading platforms: Gradescope, PrairieLearn and GitHub, each in its own words.

Rules this folder keeps:
- One module per platform, each a pure function from outcomes to that platform's
  documented format; `common` says what counts and what a student may read.
- `bundle` makes Gradescope's autograder zip from a source checkout.
"""
