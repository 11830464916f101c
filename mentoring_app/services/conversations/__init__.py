"""Members talking: messages, notifications and reports."""
