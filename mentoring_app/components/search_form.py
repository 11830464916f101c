"""Find mentor's form in the browser: it answers as the member chooses, without a Search button.

One small script, installed once per browser tab and listening on the document (so a form drawn
again after Back keeps working), does only what must not cost a server event:
- a ticked box, a chosen option or a removed chip sends the form once the member pauses (300 ms;
  the keyword box on a typing pause, or at once on Enter): one ``search`` event per change, never
  one per keystroke or per tick;
- paging submits the same form with the page wanted, so a page always keeps the search on screen;
- "Find in" boxes hide the options of a long list that do not match, in the browser alone;
- a chip's Remove unticks its box (and the change is sent as above);
- below 1024 px the criteria are a drawer: Filters opens it as a modal dialog (focus kept inside,
  Escape or Show results closes it, focus goes back to the Filters button).
"""

from __future__ import annotations

SETTLE_MS = 300  # a tick, a chosen option, a removed chip
TYPING_PAUSE_MS = 600  # the keyword box

SCRIPT = (
    (
        """(() => {
  if (window.__findMentorForm) return;
  window.__findMentorForm = true;
  const FORM = 'form[data-search-form]';
  const DRAWER = '[data-filter-drawer]';
  let timer = null;
  let opener = null;
  const form = () => document.querySelector(FORM);
  const inForm = (el) => el instanceof Element && el.closest(FORM) !== null;
  const later = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(() => form()?.requestSubmit(), delay);
  };
  const now = () => { clearTimeout(timer); form()?.requestSubmit(); };
  document.addEventListener('change', (e) => {
    const t = e.target;
    if (inForm(t) && t.name && t.name !== 'q' && t.name !== 'page') later(SETTLE);
  });
  document.addEventListener('input', (e) => {
    const t = e.target;
    if (!inForm(t)) return;
    if (t.name === 'q') later(TYPING);
    else if (t.hasAttribute('data-filter-options')) {
      const q = t.value.trim().toLowerCase();
      t.closest('[data-filter-field]')?.querySelectorAll('[data-option]').forEach((o) => {
        o.hidden = q !== '' && !o.textContent.toLowerCase().includes(q);
      });
    }
  });
  document.addEventListener('submit', (e) => {
    const f = e.target;
    if (!(f instanceof Element) || !f.matches(FORM)) return;
    clearTimeout(timer);
    const page = f.querySelector('input[name=page]');
    if (page) page.value = f.dataset.paging || '1';
    delete f.dataset.paging;
  }, true);
  const hasHidden = (nodes) => Array.from(nodes).some((n) => n instanceof Element
    && (n.matches('input[type=hidden][name]') || n.querySelector('input[type=hidden][name]') !== null));
  new MutationObserver((records) => {
    for (const r of records) {
      if (inForm(r.target) && (hasHidden(r.addedNodes) || hasHidden(r.removedNodes))) {
        later(SETTLE);
        return;
      }
    }
  }).observe(document.body, {childList: true, subtree: true});
  const focusables = (root) => Array.from(root.querySelectorAll(
    'a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),select,textarea,summary'
  )).filter((el) => el.getClientRects().length > 0);
  const openDrawer = (button) => {
    const d = document.querySelector(DRAWER);
    if (!d) return;
    opener = button;
    d.setAttribute('data-open', '');
    d.setAttribute('role', 'dialog');
    d.setAttribute('aria-modal', 'true');
    button.setAttribute('aria-expanded', 'true');
    (d.querySelector('[data-close-filters]') || focusables(d)[0])?.focus();
  };
  const closeDrawer = () => {
    const d = document.querySelector(DRAWER + '[data-open]');
    if (!d) return;
    d.removeAttribute('data-open');
    d.removeAttribute('role');
    d.removeAttribute('aria-modal');
    opener?.setAttribute('aria-expanded', 'false');
    opener?.focus();
    opener = null;
  };
  document.addEventListener('click', (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    const pager = t.closest('[data-go-to-page]');
    const untick = t.closest('[data-untick]');
    const f = form();
    if (pager && pager.getAttribute('aria-disabled') === 'true') {
      e.preventDefault();
    } else if (pager && f) {
      f.dataset.paging = pager.getAttribute('data-go-to-page');
      now();
    } else if (untick && f) {
      const [name, value] = untick.getAttribute('data-untick').split(':');
      const box = Array.from(f.querySelectorAll('input[type=checkbox]'))
        .find((b) => b.name === name && b.value === value);
      const field = untick.closest('[data-filter-field]');
      if (box) {
        box.checked = false;
        box.dispatchEvent(new Event('change', {bubbles: true}));
      }
      field?.querySelector('summary')?.focus();
    } else if (t.closest('[data-open-filters]')) {
      openDrawer(t.closest('[data-open-filters]'));
    } else if (t.closest('[data-close-filters]')) {
      closeDrawer();
    }
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key === 'Enter' && t instanceof HTMLInputElement && inForm(t) && t.type !== 'checkbox') {
      e.preventDefault();  // Enter in the keyword box searches at once; in a "Find in" box, nothing
      if (t.name === 'q') now();
      return;
    }
    const d = document.querySelector(DRAWER + '[data-open]');
    if (!d) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      closeDrawer();
    } else if (e.key === 'Tab') {
      const all = focusables(d);
      if (all.length === 0) return;
      const first = all[0];
      const last = all[all.length - 1];
      if (e.shiftKey && (document.activeElement === first || !d.contains(document.activeElement))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !d.contains(document.activeElement))) {
        e.preventDefault();
        first.focus();
      }
    }
  });
  window.addEventListener('resize', () => {
    if (window.matchMedia('(min-width: 1024px)').matches) closeDrawer();
  });
})()"""
    )
    .replace("SETTLE", str(SETTLE_MS))
    .replace("TYPING", str(TYPING_PAUSE_MS))
)
