"""In-app messages and the outbound outbox (filled in by the notify work)."""
