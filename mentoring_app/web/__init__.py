"""What the backend answers over plain HTTP, beside Reflex's websocket: routes and middlewares."""
