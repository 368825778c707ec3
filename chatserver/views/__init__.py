"""Read models: conversations and the queue as clients see them. Nothing here writes."""
