/* global document, window, location, confirm, HTMLElement, HTMLInputElement, HTMLFormElement -- runs in the browser */
// Prospector's review page: keys for the queue (see the Keys panel, `?`). No inline script: the
// Content-Security-Policy forbids it. Every key clicks a button the page already has, so the
// keys do nothing a mouse or a plain form could not; htmx swaps the card in place.
(() => {
  'use strict';
  const KEYS_OFF = 'prospector.keys-off';
  const cards = () => [...document.querySelectorAll('article.lead')];
  let current = 0;
  let pending = ''; // the first key of a pair: n, h or g
  let anchor = -1; // where a Shift+click or Shift+j/k selection starts

  const keysOn = () => localStorage.getItem(KEYS_OFF) !== '1';
  const toggle = document.getElementById('keys-on');
  if (toggle) {
    toggle.checked = keysOn();
    toggle.addEventListener('change', () => (toggle.checked ? localStorage.removeItem(KEYS_OFF) : localStorage.setItem(KEYS_OFF, '1')));
  }

  function focus(i) {
    const list = cards();
    if (list.length === 0) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    for (const c of list) c.classList.remove('cur');
    const card = list[current];
    card.classList.add('cur');
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  }

  const card = () => cards()[current];
  const press = (key) => {
    const el = card()?.querySelector(`[data-key="${key}"]`);
    if (el && !el.disabled) el.click();
    return Boolean(el);
  };

  function countSelected() {
    const n = document.querySelectorAll('input[name="ids"]:checked').length;
    const label = document.querySelector('[data-selected]');
    if (label) label.textContent = `Selected leads: ${n}`;
  }

  function select(i, on) {
    const box = cards()[i]?.querySelector('input[name="ids"]');
    if (box) box.checked = on ?? !box.checked;
    countSelected();
  }

  function pair(first, key) {
    const c = card();
    if (!c) return;
    if (first === 'n' && /^[1-9]$/.test(key)) {
      const reason = document.querySelectorAll('#nf option')[Number(key) - 1];
      const input = c.querySelector('input[name="reason"]');
      if (reason && input) input.value = reason.value;
      press('n');
    } else if (first === 'h' && /^[137]$/.test(key)) {
      const days = c.querySelector('input[name="days"]');
      if (days) days.value = key;
      press('h');
    } else if (first === 'h' && key === '0') {
      c.querySelector('input[name="days"]')?.focus();
    } else if (first === 'g' && key === 't') {
      location.assign('/');
    }
  }

  document.addEventListener('keydown', (event) => {
    const t = event.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) && t.type !== 'checkbox';
    if (event.key === 'Escape') {
      for (const box of document.querySelectorAll('input[name="ids"]:checked')) box.checked = false;
      countSelected();
      if (typing) t.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !keysOn()) return;
    const key = event.key;
    if (pending) {
      const first = pending;
      pending = '';
      event.preventDefault();
      pair(first, key);
      return;
    }
    const list = cards();
    switch (key) {
      case 'j':
      case 'ArrowDown':
        focus(current + 1);
        break;
      case 'k':
      case 'ArrowUp':
        focus(current - 1);
        break;
      case 'J':
      case 'K': {
        if (anchor < 0) anchor = current;
        select(current, true);
        focus(current + (key === 'J' ? 1 : -1));
        select(current, true);
        break;
      }
      case 'o':
      case 'Enter':
        if (t === card() || t === document.body) press('o');
        else return;
        break;
      case 'v':
        press('v');
        break;
      case 'l':
      case 'f':
      case 'c':
      case 'r':
      case 'w':
      case 'z':
        press(key);
        break;
      case 'n':
      case 'h':
      case 'g':
        pending = key;
        break;
      case 'D':
        // The button's hx-confirm asks when htmx posts it; without htmx, ask here.
        if (window.htmx || confirm('Never contact this person again?')) press('D');
        break;
      case 'e':
        card()?.classList.add('done');
        focus(current + 1);
        break;
      case 'x':
        anchor = current;
        select(current);
        break;
      case '?':
        document.getElementById('keys')?.toggleAttribute('open');
        break;
      case '/':
        document.querySelector('[data-key="/"]')?.focus();
        break;
      default:
        return;
    }
    if (list.length > 0 || key === '?' || key === '/') event.preventDefault();
  });

  // Shift+click on a checkbox selects the range from the last one clicked.
  document.addEventListener('click', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== 'ids') return;
    const list = cards();
    const i = list.indexOf(box.closest('article.lead'));
    if (event.shiftKey && anchor >= 0) {
      const [a, b] = anchor < i ? [anchor, i] : [i, anchor];
      for (let k = a; k <= b; k++) select(k, box.checked);
    }
    anchor = i;
    current = i;
    countSelected();
  });

  // Plain forms that ask first (bulk, pause, resume); htmx asks for the ones it posts (hx-confirm).
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!confirm(form.dataset.confirm)) event.preventDefault();
  });

  // A decision swaps the card in place: keep the place in the queue.
  document.addEventListener('htmx:afterSwap', () => focus(current));

  if (cards().length > 0) focus(0);
})();
