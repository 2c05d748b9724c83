"""News ingestion: sources, the poller, the classifier."""
