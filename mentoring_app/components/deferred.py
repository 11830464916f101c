"""A large section rendered in small slices, so a phone's main thread is never blocked for long.

Reflex applies a state update from the server as an ordinary (blocking) React update: when Find
mentor's answer arrives, the whole criteria column and the results (about 700 elements) are
rendered in one task, about 0.3 s on a phone's CPU during which a tap waits (Lighthouse's Total
Blocking Time). ``deferred(content, fallback)`` shows ``fallback`` when it first appears, then
renders ``content`` as a React transition: React builds it in slices of a few milliseconds,
yielding to the browser between them, and swaps it in when it is complete. Later updates of the
content are rendered as usual. Nothing else changes: the same elements, a few frames later.
"""

from __future__ import annotations

import reflex as rx

DEFERRED_RENDER = """function DeferredRender({children}) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setReady(true)), 0);
    return () => clearTimeout(timer);
  }, []);
  const [content, fallback] = Children.toArray(children);
  return ready ? content : (fallback ?? null);
}"""


class DeferredRender(rx.Component):
    """Renders its first child in a transition after it mounts; its second child until then."""

    tag = "DeferredRender"

    def add_imports(self) -> dict[str, list[str]]:
        return {"react": ["useState", "useEffect", "startTransition", "Children"]}

    def add_custom_code(self) -> list[str]:
        return [DEFERRED_RENDER]


def deferred(content: rx.Component, fallback: rx.Component) -> rx.Component:
    return DeferredRender.create(content, fallback)
