"""Pure rules, no I/O: each takes plain values (and a clock) and is unit-tested without a server."""
