"""Scorers, the quality loop inside the report, metrics and the eval runner."""
