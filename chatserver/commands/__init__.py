"""Typed commands: every payload a client sends, declared once and validated at the edge.

Handlers turn a raw payload into one of these with `parse(...)`; actions never see `Any`.
The same declarations describe the API (their JSON schema).
"""
