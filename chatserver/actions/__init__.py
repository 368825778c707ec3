"""Use cases: each checks a typed command, changes state in one transaction, records events."""
