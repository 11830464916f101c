"""Reflex states: thin holders of what the screen shows; services decide who may do what."""
