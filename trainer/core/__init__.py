"""Pure domain logic: packs, dialogue, transcripts, metrics, scoring, ladder, bank.

Imports no Qt, no audio library and no database (a test proves it).
"""
