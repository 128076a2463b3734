"""Telemetry: OpenTelemetry tracing into SQLite (and OTLP when configured), redaction, logs."""
