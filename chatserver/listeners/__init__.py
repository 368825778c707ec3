"""What happens after a commit: each listener reacts to the domain events it cares about."""
