// The texhash search page: plain script, no build step. State lives in the URL for searches by an
// indexed path or a code (?path=...&k=...&radius=...), so such a search can be shared as a link.
'use strict';

const $ = (id) => document.getElementById(id);
let current = null; // {path} | {code} | {file}
let previewUrl = null;

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

function params() {
  const p = new URLSearchParams();
  const k = $('k').value.trim();
  const radius = $('radius').value.trim();
  if (k) p.set('k', k);
  if (radius) p.set('radius', radius);
  return p;
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error('the server answered ' + response.status + ' without JSON');
  }
  if (!response.ok) throw new Error(body.error || 'the server answered ' + response.status);
  return body;
}

async function loadInfo() {
  try {
    const info = await answer(await fetch('/api/info'));
    $('info').textContent = info.encoder + ' \u00b7 ' + info.bits + ' bits \u00b7 ' + info.documents + ' images';
    $('info').dataset.encoder = info.encoder;
    $('info').dataset.bits = info.bits;
    $('k').max = info.max_k;
    $('radius').max = info.bits;
  } catch (e) {
    $('info').textContent = 'cannot read the index: ' + e.message;
  }
}

function setPreview(src, name) {
  if (previewUrl && previewUrl !== src) URL.revokeObjectURL(previewUrl);
  previewUrl = src && src.startsWith('blob:') ? src : null;
  $('preview').hidden = !src;
  if (src) $('preview').src = src;
  $('query-name').textContent = name || '';
}

async function search(query, push) {
  current = query;
  showError('');
  $('status').textContent = 'searching\u2026';
  const p = params();
  let request;
  if (query.file) {
    setPreview(URL.createObjectURL(query.file), query.file.name);
    request = fetch('/api/search?' + p, { method: 'POST', body: query.file, headers: { 'Content-Type': 'application/octet-stream' } });
    if (push) history.pushState(null, '', '?' + p);
  } else {
    const key = query.path !== undefined ? 'path' : 'code';
    const shared = new URLSearchParams(p);
    shared.set(key, query[key]);
    if (key === 'path') setPreview(thumbUrl(query.path), query.path);
    else setPreview(null, 'code ' + query.code);
    request = fetch('/api/search?' + shared);
    if (push) history.pushState(null, '', '?' + shared);
  }
  try {
    const result = await answer(await request);
    render(result.hits);
    const n = result.hits.length;
    const by = result.distance === 'weighted' ? ', weighted by the image\u2019s confidence in each bit' : '';
    $('status').textContent = n + (n === 1 ? ' hit' : ' hits') + ' in ' + result.took_ms.toFixed(1) + ' ms' + by;
    if ($('info').dataset.encoder) {
      $('info').textContent = $('info').dataset.encoder + ' \u00b7 ' + $('info').dataset.bits + ' bits \u00b7 ' + result.documents + ' images';
    }
  } catch (e) {
    render([]);
    $('status').textContent = '';
    showError(e.message);
  }
}

function thumbUrl(path) {
  const bytes = new TextEncoder().encode(path);
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return '/api/thumb/' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The folder all hits share, shown once in the status line rather than on every card.
function commonFolder(paths) {
  if (paths.length === 0) return '';
  let prefix = paths[0];
  for (const p of paths) {
    while (!p.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\')) + 1);
}

function render(hits) {
  const list = $('hits');
  const folder = commonFolder(hits.map((hit) => hit.path));
  $('folder').textContent = folder ? 'in ' + folder : '';
  list.replaceChildren(...hits.map((hit, i) => {
    const li = document.createElement('li');
    li.className = 'hit';
    const a = document.createElement('a');
    const link = params();
    link.set('path', hit.path);
    a.href = '?' + link;
    a.title = hit.path;
    a.dataset.path = hit.path;
    const img = document.createElement('img');
    img.src = hit.thumb;
    img.alt = hit.path.split(/[\\/]/).pop();
    img.loading = 'lazy';
    img.decoding = 'async';
    const meta = document.createElement('span');
    meta.className = 'meta';
    const dist = document.createElement('span');
    dist.className = 'dist';
    dist.textContent = 'distance ' + hit.distance + (hit.exists === false ? ' \u00b7 file gone' : '');
    if (hit.exists === false) li.classList.add('gone');
    const rank = document.createElement('span');
    rank.className = 'rank';
    rank.textContent = '#' + (i + 1);
    meta.append(dist, rank);
    a.append(img, meta, pathLabel(hit.path.slice(folder.length)));
    a.addEventListener('click', (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return; // new tab: the link is shareable
      event.preventDefault();
      search({ path: hit.path }, true);
      window.scrollTo({ top: 0 });
    });
    li.append(a);
    return li;
  }));
}

function pathLabel(path) {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
  const label = document.createElement('span');
  label.className = 'path';
  const dir = document.createElement('span');
  dir.className = 'dir';
  dir.textContent = path.slice(0, cut);
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = path.slice(cut);
  label.append(dir, name);
  return label;
}

function fromUrl() {
  const p = new URLSearchParams(location.search);
  $('k').value = p.get('k') || $('k').value;
  $('radius').value = p.get('radius') || '';
  if (p.has('path')) search({ path: p.get('path') }, false);
  else if (p.has('code')) search({ code: p.get('code') }, false);
}

function pick(files) {
  if (files && files.length) search({ file: files[0] }, true);
}

$('file').addEventListener('change', (event) => {
  pick(event.target.files);
  event.target.value = ''; // choosing the same file again searches again
});
$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  if (current) search(current, true);
  else showError('choose or drop an image first, or click a hit');
});
const drop = $('drop');
['dragenter', 'dragover'].forEach((type) => document.addEventListener(type, (event) => {
  event.preventDefault();
  drop.classList.add('over');
}));
['dragleave', 'drop'].forEach((type) => document.addEventListener(type, () => drop.classList.remove('over')));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  pick(event.dataTransfer.files);
});
window.addEventListener('popstate', fromUrl);
loadInfo();
fromUrl();
