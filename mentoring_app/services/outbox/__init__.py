"""Email: composed into an outbox in the caller's transaction, delivered by the relay."""
