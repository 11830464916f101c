"""What the backend answers over plain HTTP, beside Reflex's websocket: the session cookie's routes,
the upload gate, photo access and security headers.

In production the backend serves the built frontend on the same port, so ASGI middleware added
through ``rx.App(api_transformer=...)`` sees every HTTP request: pages, static assets, ``/_upload``
and the backend routes (Reflex appends the frontend mount before applying the transformers).
"""
