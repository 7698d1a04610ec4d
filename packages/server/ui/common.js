// Shared by every dashboard page: API calls with the session's CSRF token, DOM building that
// writes values as text only, the live event stream, and small formatters.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** Calls /api/v1; throws an Error carrying the problem's detail when the answer is not 2xx. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json', 'x-csrf-token': csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new Error('signed out');
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.detail ?? `${method} ${path} failed with ${res.status}`);
  return data;
}

/** An element with attributes and children; strings become text nodes, never markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function badge(state) {
  return el('span', { class: `badge state-${state}`, text: state });
}

export function toast(message, bad = false) {
  const box = el('div', { class: bad ? 'bad' : '' }, message);
  document.getElementById('toast')?.append(box);
  setTimeout(() => box.remove(), bad ? 8000 : 4000);
}

/** Runs an action from a button, disabling it meanwhile and reporting the outcome. */
export async function act(button, action, done) {
  button.disabled = true;
  try {
    const message = await action();
    if (message) toast(message);
  } catch (err) {
    toast(err.message, true);
  } finally {
    button.disabled = false;
    await done?.();
  }
}

export function fmtTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Calls `fn` at most once per `ms`, after the last call: a burst of events means one refetch. */
export function debounce(fn, ms = 250) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/**
 * Follows the run event stream; `onEvent` gets each run or phase event. EventSource reconnects on
 * its own and resumes with Last-Event-ID; `onReconnect` lets a page refetch after a gap.
 */
export function followEvents(onEvent, onReconnect) {
  const source = new EventSource('/api/v1/events');
  let opened = false;
  source.addEventListener('open', () => {
    if (opened) onReconnect?.();
    opened = true;
    document.body.dataset.live = 'true';
  });
  source.addEventListener('error', () => (document.body.dataset.live = 'false'));
  source.addEventListener('message', (message) => {
    try {
      onEvent(JSON.parse(message.data));
    } catch (err) {
      console.error('bad event', err);
    }
  });
  return source;
}

/** `k=v k2=v2` (spaces or commas between) as params; numbers and booleans as such, like --param. */
export function parseParams(text) {
  const params = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`param "${pair}" must be key=value`);
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    if (key in params) throw new Error(`param ${key} is given twice`);
    params[key] = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16 ? Number(raw) : raw;
  }
  return params;
}
