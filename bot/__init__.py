"""Member Queries triage bot: acting (backends, actions, scheduling) lives here.

Deciding lives in :mod:`classifiers` and :mod:`rules`; remembering in :mod:`storage`.
"""

__version__ = "0.1.0"
