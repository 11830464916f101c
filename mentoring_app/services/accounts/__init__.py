"""Accounts: registration, log-in and sessions, passwords, throttling, and erasure."""
