"""sockgrade: grade socket programs against declarative YAML specs."""

__version__ = "0.1.0"
