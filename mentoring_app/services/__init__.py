"""Domain services: plain functions over a SQLModel session, each checking who may do what."""
