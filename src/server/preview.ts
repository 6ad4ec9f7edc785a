import express, { type Router } from 'express';
import { DEVICES } from '../domain/types';

/**
 * The preview page is a static client of the public API, as a frontend team would write one: the
 * server never puts request data into the HTML; the script reads the URL, validates it, POSTs the
 * homepage query to /graphql and builds the DOM with textContent/attributes only (no innerHTML).
 * The CSP allows nothing but this origin, so the page cannot reach any other network.
 * The account token comes in the URL's fragment (`#token=…`, which browsers never send, so it
 * stays out of server logs) or from the token field, and is kept in the tab's sessionStorage.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Homepage preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/preview/preview.css"></head>
<body data-state="loading">
<header><h1>Homepage preview</h1>
<form id="ctx" method="get" action="/preview">
<label>Profile <input name="profile" list="profiles" size="10"></label><datalist id="profiles"></datalist>
<label>Device <select name="device">${DEVICES.map((d) => `<option>${d}</option>`).join('')}</select></label>
<label>Local time <input name="time" type="datetime-local"></label>
<label>Token <input id="token" type="password" autocomplete="off" size="12" placeholder="npm run token"></label>
<button>Show</button> <a href="/">GraphQL IDE</a></form>
<p id="meta" role="status">Loading…</p></header>
<div id="errors" role="alert" hidden></div>
<main id="rows"></main>
<script src="/preview/preview.js"></script></body></html>`;

const CSS = `body{margin:0;background:#141414;color:#e5e5e5;font:14px/1.4 system-ui,sans-serif}
header{padding:16px 4%;background:linear-gradient(#000,#141414)}
h1{margin:0 0 8px;font-size:22px;color:#e50914}
form{display:flex;flex-wrap:wrap;gap:12px;align-items:center}
input,select,button{background:#222;color:#eee;border:1px solid #444;border-radius:4px;padding:4px 6px;font:inherit}
button{background:#e50914;border-color:#e50914;cursor:pointer}
a{color:#aaa}#meta{color:#999;margin:8px 0 0}
#errors{margin:12px 4%;padding:10px 14px;background:#3b0d0d;border:1px solid #e50914;border-radius:4px}
#errors p{margin:4px 0}#errors code{color:#fca5a5;font-weight:bold;margin-right:6px}
section{margin:18px 0 8px}
section h2{margin:0 4%;font-size:18px;color:#fff}
section .why{margin:2px 4% 6px;color:#8c8c8c;font-size:12px}
.strip{display:flex;gap:8px;overflow-x:auto;padding:6px 4% 10px;scrollbar-width:thin}
figure{flex:0 0 140px;width:140px;min-width:0;margin:0;position:relative;transition:transform .15s}
figure:hover{transform:scale(1.06);z-index:1}
figure img{display:block;width:100%;aspect-ratio:2/3;object-fit:cover;border-radius:4px;background:#222}
figcaption{font-size:12px;margin-top:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
figure .reason{position:absolute;inset:auto 0 22px 0;padding:6px;background:rgba(0,0,0,.85);font-size:11px;opacity:0;transition:opacity .15s;border-radius:0 0 4px 4px}
figure:hover .reason{opacity:1}`;

const JS = `'use strict';
const DEVICES = ${JSON.stringify(DEVICES)};
const LOCAL_TIME = /^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2}))?$/;
const QUERY = \`query Preview($profileId: ID!, $context: ViewingContextInput) {
  homepage(profileId: $profileId, context: $context) {
    requestId modelVersion profile { id name }
    context { device localTime country }
    rows { id displayTitle reason items { title { id name } artwork { url theme } artworkReason reason } }
  }
}\`;
const TOKEN_KEY = 'homepage-api-token';
const $ = (id) => document.getElementById(id);
/** Moves a #token=… fragment into sessionStorage and out of the address bar (and so out of history and bookmarks). */
function takeTokenFromFragment() {
  const m = /^#(?:.*&)?token=([^&]*)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]).trim());
  history.replaceState(null, '', location.pathname + location.search);
}
/**
 * The form navigates itself: the token (a field without a name) goes to sessionStorage, never into
 * the query string, and empty fields are left out so that they take the API's defaults.
 */
function submitForm(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(event.target)) if (String(value).trim()) params.set(name, String(value));
  location.assign('/preview?' + params);
}
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function validTime(t) {
  const m = LOCAL_TIME.exec(t);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x || 0));
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}
/** Problems with the URL's parameters, one sentence each; absent parameters take the API's defaults. */
function check(params) {
  const problems = [];
  const profile = params.get('profile'), device = params.get('device'), time = params.get('time');
  if (profile !== null && !profile.trim()) problems.push(['profile', 'must not be empty']);
  if (device !== null && !DEVICES.includes(device.toUpperCase())) problems.push(['device', 'must be one of ' + DEVICES.join(', ') + ', not "' + device + '"']);
  if (time !== null && !validTime(time)) problems.push(['time', 'must be a local date-time like 2026-11-27T20:00, not "' + time + '"']);
  return problems;
}
function showErrors(errors) {
  const box = $('errors');
  box.replaceChildren(...errors.map((e) => {
    const p = el('p');
    p.append(el('code', {}, e.code), e.message);
    return p;
  }));
  box.hidden = false;
  $('meta').textContent = 'No page';
  document.body.dataset.state = 'error';
}
async function gql(query, variables) {
  let res;
  try {
    const headers = { 'content-type': 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = 'Bearer ' + token;
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (err) {
    return { errors: [{ message: 'The API could not be reached: ' + err.message, extensions: { code: 'NETWORK_ERROR' } }] };
  }
  try {
    return await res.json();
  } catch {
    return { errors: [{ message: 'The API answered HTTP ' + res.status + ' without JSON', extensions: { code: 'HTTP_' + res.status } }] };
  }
}
function fillForm(profile, device, time) {
  const form = $('ctx');
  form.profile.value = profile;
  form.device.value = device;
  form.time.value = (time || '').slice(0, 16);
}
function render(page) {
  const rows = page.rows.map((row) => {
    const section = el('section', { 'data-row': row.id });
    const strip = el('div', { class: 'strip' });
    for (const item of row.items) {
      const fig = el('figure', { title: item.title.name + ': ' + item.reason + ' · ' + item.artworkReason });
      fig.append(el('img', { src: item.artwork.url, alt: item.title.name, width: 140, height: 210 }),
        el('div', { class: 'reason' }, item.reason), el('figcaption', {}, item.title.name));
      strip.append(fig);
    }
    section.append(el('h2', {}, row.displayTitle), el('p', { class: 'why' }, row.reason || ''), strip);
    return section;
  });
  $('rows').replaceChildren(...rows);
  const c = page.context;
  $('meta').textContent = page.profile.name + ' (' + page.profile.id + ') · ' + c.device + ' · ' + c.localTime.slice(0, 16).replace('T', ' ') +
    ' · ' + c.country + ' · ' + page.rows.length + ' rows · model ' + page.modelVersion + ' · request ' + page.requestId;
  fillForm(page.profile.id, c.device, c.localTime);
  document.body.dataset.state = 'ready';
}
const asErrors = (errors) => errors.map((e) => ({ code: (e.extensions && e.extensions.code) || 'ERROR', message: e.message }));
async function main() {
  takeTokenFromFragment();
  $('ctx').addEventListener('submit', submitForm);
  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  const params = new URLSearchParams(location.search);
  fillForm(params.get('profile') || '', (params.get('device') || 'WEB').toUpperCase(), params.get('time') || '');
  const listed = await gql('{ profiles(first: 30) { nodes { id name isKids } } }');
  const profiles = listed.data ? listed.data.profiles.nodes : [];
  $('profiles').replaceChildren(...profiles.map((p) => el('option', { value: p.id }, p.name + (p.isKids ? ' (kids)' : ''))));
  const problems = check(params);
  if (problems.length) return showErrors(problems.map(([field, why]) => ({ code: 'INVALID_' + field.toUpperCase(), message: field + ' ' + why })));
  const profileId = params.has('profile') ? params.get('profile').trim() : profiles[0] && profiles[0].id;
  // Without a profile to show, say why the account's profiles could not be listed (no token, say).
  if (!profileId) return showErrors(listed.errors ? asErrors(listed.errors) : [{ code: 'NO_PROFILE', message: 'Name a profile: ?profile=…' }]);
  const context = {};
  if (params.has('device')) context.device = params.get('device').toUpperCase();
  if (params.has('time')) context.localTime = params.get('time');
  const { data, errors } = await gql(QUERY, { profileId, context });
  if (errors && errors.length) return showErrors(asErrors(errors));
  render(data.homepage);
}
main();
`;

/** GET /preview: the homepage as poster strips, drawn in the browser from the public GraphQL API. */
export function previewRouter(): Router {
  const router = express.Router();
  const send = (type: string, body: string) => (_req: express.Request, res: express.Response) =>
    void res
      .set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' })
      .type(type)
      .send(body);
  router.get('/preview', send('html', HTML));
  router.get('/preview/preview.css', send('css', CSS));
  router.get('/preview/preview.js', send('js', JS));
  return router;
}
