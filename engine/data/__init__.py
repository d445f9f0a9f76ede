"""Reading echo images into `Frame`s. No patient identifier leaves this package."""

from engine.data.frame import STRUCTURES, Frame

__all__ = ["Frame", "STRUCTURES"]
