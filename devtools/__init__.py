"""Local-only tooling (moto server, resource creation, `make run`); never packaged."""
