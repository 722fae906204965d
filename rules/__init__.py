"""Deciding what to do: rules (which record why and never act), chains, routes, deadlines."""
