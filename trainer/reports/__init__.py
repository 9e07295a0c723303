"""A rep's report in the forms people read: HTML, PDF and CSV (JSON is `trainer.core.report_model`).

Imports matplotlib: load it only when a report is written, never at start-up.
"""
