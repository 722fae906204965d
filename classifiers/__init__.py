"""Deciding what a message *is*: detectors that return findings with evidence. Never acts."""
