"""The built-in how-to videos, recorded from the real app by ``make videos``.

``script`` turns a journey's steps into WebVTT captions and a transcript (pure, unit-tested);
``journeys`` holds the three journeys, each a list of scenes of captioned steps a member performs;
``record`` starts the production build on a demo database, plays each journey in Chromium with
Playwright's video recording, and writes ``mentoring_app/content/videos/<slug>.webm``, ``.vtt`` and
``.md`` (front matter and transcript), which the app syncs at start-up like the built-in guides.
"""
