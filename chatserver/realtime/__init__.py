"""Socket.IO namespaces: thin handlers that validate, call a service and ack."""
