"""Handlers that carry out planned actions (render, queue in the outbox). They never decide."""
