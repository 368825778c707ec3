"""Use cases that combine the database, the pure rules and the realtime notifications."""
