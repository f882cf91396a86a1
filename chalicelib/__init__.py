"""The network portal: one package per capability over a shared core (see docs/architecture.md)."""
