"""Domain records: what the bot knows about news, sources, subscribers and the alliance.

The bottom layer: plain dataclasses that storage, services and handlers all import; it imports none of them
(nor aiogram or SQLAlchemy).
"""
