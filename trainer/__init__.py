"""RepDrill: an offline role-play practice trainer for salespeople."""

__version__ = "0.1.0"
