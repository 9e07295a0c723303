"""RepDrill: an offline role-play practice trainer for salespeople."""

__version__ = "0.2.0"
