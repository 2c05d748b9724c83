"""The admin console's services: broadcasts, moderation, sources, reports, statistics, the knowledge-base file."""
