"""Mail: building and sending every message, the newsletter, and the local outbox."""
