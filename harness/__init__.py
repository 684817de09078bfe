"""sockgrade: grade socket programs against declarative YAML specs.

Data flows one way, and the folders are its stages. Each imports only from the stages
below it (tests/test_quality.py keeps the order):

    cli, plugin, batch, results, options   entry points: the command, the pytest plugin
    platforms/                             Gradescope, PrairieLearn, GitHub formats
    report/                                outcomes -> text, HTML, ladder diagrams
    run/                                   one behaviour: build, start, converse, observe
    judge/                                 pure verdicts from what was observed
    spec/                                  a spec file -> frozen, line-tracked models
    sandbox/                               the walls around untrusted programs
    i18n, textutil, transcript             shared words and records
"""

__version__ = "0.1.0"
