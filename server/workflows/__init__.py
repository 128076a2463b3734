"""Workflows: a small typed engine (engine.py), its persisted runner (runs.py), and the report workflow."""
