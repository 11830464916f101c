"""Running the platform: admin actions, analytics, audit log, exports, imports and visits."""
