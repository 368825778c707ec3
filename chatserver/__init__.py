"""chatserver: a chatbot-assisted live chat server for Chinese online shops."""

__version__ = "0.1.0"
