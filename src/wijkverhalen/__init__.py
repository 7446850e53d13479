"""wijkverhalen: code neighbourhood stories in the terminal."""

__version__ = "0.1.0"
