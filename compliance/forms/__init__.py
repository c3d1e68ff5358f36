"""Forms by area; each returns plain values or domain types for a `do_*` service."""
