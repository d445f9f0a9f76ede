"""segroi engine: everything that computes, measures or stores."""

__version__ = "0.1.0"
