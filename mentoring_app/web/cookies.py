"""Cookie names shared by the Reflex state (which sets them) and the HTTP middleware (which reads
them), so a rename cannot leave the upload gate checking a cookie nobody sets."""

SESSION_COOKIE = "mentoring_session"
