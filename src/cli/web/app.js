// koder serve: the review page.  Plain JavaScript written for koder, no
// libraries.  Every piece of answer text goes into the page with
// textContent, never as HTML, so an answer holding <script> shows as text.
'use strict';

const T = {
  da: {
    tab_code: 'Kodning', tab_disagree: 'Uenigheder', tab_tally: 'Optælling', tab_assign: 'Fordel arbejde',
    logout: 'Log ud', login_title: 'Log ind med dit personlige link',
    login_text: 'Åbn det link, koder serve gav dig (NAVN URL). Spørg den, der startede serveren, hvis du ikke har det.',
    f_all: 'Alle', f_todo: 'Ikke gennemgået', f_uncertain: 'Usikre', f_code: 'Med kategori …',
    f_disputed: 'Uenigheder', f_older: 'Ældre kodebogsversion', f_noted: 'Med note',
    search_ph: 'Søg (/)', note: 'Note', confirm: 'Gem', nosvar: 'Ingen svar', undo: 'Fortryd',
    bulk_title: 'Kod flere svar på én gang', bulk_ph: 'Svar der indeholder …', bulk_find: 'Vis',
    bulk_same: 'Identiske med dette svar', bulk_undo: 'Fortryd kodningen',
    bulk_apply: n => `Kod ${n} svar med de afkrydsede kategorier`, bulk_none: 'Ingen svar passer.',
    bulk_count: (n, m) => `${n} svar passer` + (m < n ? ` (de første ${m} vises)` : '') + ':',
    bulk_done: n => `${n} svar kodet. Ét tryk på Fortryd kodningen tager dem alle tilbage.`,
    bulk_pick: 'Kryds de kategorier af, svarene skal have.',
    addcat: '+ Ny kategori', addcat_title: 'Ny kategori',
    addcat_hint: 'Skriver næste version af kodebogen, og projektet går over til den.',
    cat_id: 'Id (a-z, 0-9, _)', cat_label: 'Navn', cat_desc: 'Definition',
    cat_pattern: 'Ord eller mønster, der kendetegner den', cancel: 'Annullér', save: 'Gem',
    cat_added: v => `Kategorien er tilføjet; projektet bruger nu kodebogens version ${v}.`,
    help_title: 'Taster', close: 'Luk',
    k_digits: 'kategori 1-10 til/fra (# og et tal for flere)', k_enter: 'gem og gå til næste',
    k_x: 'ingen svar', k_n: 'note', k_u: 'fortryd din seneste beslutning',
    k_jk: 'næste / forrige svar', k_slash: 'søg', k_f: 'filter', k_q: 'denne hjælp',
    disagree_hint: 'Opdateres mens der kodes. Klik et svar for at afgøre det (der er intet afkrydset, når du begynder).',
    respondent: 'Respondent', wave: 'Runde', answer: 'Svar', coders: 'Koderne', coder: 'Koder',
    tally_title: 'Anført af X ud af Y',
    tally_hint: 'Samme tal som koder tally --db: koderens beslutning, ellers forslaget. Opdateres mens der kodes.',
    assign_title: 'Fordel arbejde', acoder_ph: 'Koder', assign_btn: 'Tildel stikprøve',
    unassign_btn: 'Fjern koderens stikprøve',
    assign_hint: 'En stikprøve trækkes tilfældigt, lagdelt efter runde og rolle. En koder med en stikprøve ser kun den.',
    assigned: 'Tildelt', decided: 'Kodet', role: 'Rolle', from: 'Fra nr.', to: 'Til nr.',
    hand_btn: 'Tildel efter runde, rolle og numre (i din visning)',
    assigned_n: (n, c) => `${n} svar tildelt ${c}.`, removed_n: (n, c) => `${n} svar fjernet fra ${c}s stikprøve.`,
    saved: 'Gemt', saved_note: 'Note gemt', undone: 'Fortrudt', nothing: 'Ingen svar i denne visning.',
    tick_one: 'Kryds mindst én kategori af (eller x for ingen svar).',
    eg: 'f.eks.', of: 'af', done_all: 'Alle svar i visningen er kodet.', pace: (p, m) => `${p.toFixed(1)} svar/min` + (m > 0 ? `, ca. ${Math.ceil(m)} min tilbage` : ''),
    suggested: 'forslag', uncertain: 'usikker', disputed: 'uenighed', adjudicated: 'afgjort',
    older: 'ældre version', yours: 'din kode', others: 'Andre kodere', adjudicating: 'Afgørelse',
    back_to_coding: 'Tilbage til kodning', adjudicate: 'Afgør', not_found: 'Intet svar passer.',
    offline: 'Ingen forbindelse til serveren; beslutningen er ikke gemt. Prøv igen.',
    logged_out: 'Du er logget ud.', sample_note: 'Du ser din stikprøve.',
    x_of_y: (x, y) => `${x} af ${y}`, tally_base: 'Y: svar med indhold', tally_reviewed: 'heraf besluttet af en koder', answers_decided: (d, a) => `${d} af ${a} svar besluttet`,
  },
  en: {
    tab_code: 'Coding', tab_disagree: 'Disagreements', tab_tally: 'Tally', tab_assign: 'Hand out work',
    logout: 'Log out', login_title: 'Log in with your personal link',
    login_text: 'Open the link koder serve gave you (NAME URL). Ask whoever started the server if you do not have it.',
    f_all: 'All', f_todo: 'Not reviewed', f_uncertain: 'Uncertain', f_code: 'With category …',
    f_disputed: 'Disagreements', f_older: 'Older codebook version', f_noted: 'With a note',
    search_ph: 'Search (/)', note: 'Note', confirm: 'Save', nosvar: 'No answer', undo: 'Undo',
    bulk_title: 'Code several answers at once', bulk_ph: 'Answers containing …', bulk_find: 'Show',
    bulk_same: 'Identical to this answer', bulk_undo: 'Undo this coding',
    bulk_apply: n => `Code ${n} answers with the ticked categories`, bulk_none: 'No answer matches.',
    bulk_count: (n, m) => `${n} answers match` + (m < n ? ` (first ${m} shown)` : '') + ':',
    bulk_done: n => `${n} answers coded. One press of Undo this coding takes them all back.`,
    bulk_pick: 'Tick the categories the answers should get.',
    addcat: '+ New category', addcat_title: 'New category',
    addcat_hint: 'Writes the next version of the codebook, and the project moves to it.',
    cat_id: 'Id (a-z, 0-9, _)', cat_label: 'Label', cat_desc: 'Definition',
    cat_pattern: 'Word or pattern that marks it', cancel: 'Cancel', save: 'Save',
    cat_added: v => `Category added; the project now uses codebook version ${v}.`,
    help_title: 'Keys', close: 'Close',
    k_digits: 'toggle category 1-10 (# and a number for more)', k_enter: 'save and go to the next',
    k_x: 'no answer (ingen_svar)', k_n: 'note', k_u: 'undo your latest decision',
    k_jk: 'next / previous answer', k_slash: 'search', k_f: 'filter', k_q: 'this help',
    disagree_hint: 'Updates while others code. Click an answer to adjudicate it (nothing is ticked when you start).',
    respondent: 'Respondent', wave: 'Wave', answer: 'Answer', coders: 'Coders', coder: 'Coder',
    tally_title: 'Mentioned by X out of Y',
    tally_hint: 'The numbers koder tally --db prints: the coder\'s decision, else the suggestion. Live while coding.',
    assign_title: 'Hand out work', acoder_ph: 'Coder', assign_btn: 'Assign sample',
    unassign_btn: "Remove the coder's sample",
    assign_hint: 'A sample is drawn at random, stratified by wave and role. A coder with a sample sees only it.',
    assigned: 'Assigned', decided: 'Coded', role: 'Role', from: 'From no.', to: 'To no.',
    hand_btn: 'Assign by wave, role and numbers (in your view)',
    assigned_n: (n, c) => `${n} answers assigned to ${c}.`, removed_n: (n, c) => `${n} answers removed from ${c}'s sample.`,
    saved: 'Saved', saved_note: 'Note saved', undone: 'Undone', nothing: 'No answers in this view.',
    tick_one: 'Tick at least one category (or x for no answer).',
    eg: 'e.g.', of: 'of', done_all: 'Every answer in the view is coded.', pace: (p, m) => `${p.toFixed(1)} answers/min` + (m > 0 ? `, about ${Math.ceil(m)} min left` : ''),
    suggested: 'suggested', uncertain: 'uncertain', disputed: 'disagreement', adjudicated: 'adjudicated',
    older: 'older version', yours: 'your code', others: 'Other coders', adjudicating: 'Adjudication',
    back_to_coding: 'Back to coding', adjudicate: 'Adjudicate', not_found: 'No answer matches.',
    offline: 'No connection to the server; the decision is not saved. Try again.',
    logged_out: 'You are logged out.', sample_note: 'You see your sample.',
    x_of_y: (x, y) => `${x} of ${y}`, tally_base: 'Y: substantive answers', tally_reviewed: 'of these decided by a coder', answers_decided: (d, a) => `${d} of ${a} answers decided`,
  },
};

const $ = id => document.getElementById(id);
const S = {
  lang: localStorage.getItem('koder-lang') || ((navigator.language || 'da').startsWith('da') ? 'da' : 'en'),
  sess: null, csrf: '', cur: null, ticked: new Set(), noteDirty: false, mode: 'code',
  tab: 'code', gen: 0, cbgen: 0, bulkIds: [], bulkDone: false, hashNum: null, busy: false,
};
const t = (k, ...a) => { const v = T[S.lang][k]; return typeof v === 'function' ? v(...a) : (v ?? k); };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function translate() {
  document.documentElement.lang = S.lang;
  document.querySelectorAll('[data-t]').forEach(e => { e.textContent = t(e.dataset.t); });
  document.querySelectorAll('[data-tp]').forEach(e => { e.placeholder = t(e.dataset.tp); });
  $('lang').textContent = S.lang === 'da' ? 'EN' : 'DA';
}

async function api(path, body) {
  const opt = { credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    opt.method = 'POST';
    opt.headers['Content-Type'] = 'application/json';
    opt.headers['X-CSRF-Token'] = S.csrf;
    opt.body = JSON.stringify(body);
  }
  let r;
  try { r = await fetch('/api' + path, opt); } catch (e) { throw new Error(t('offline')); }
  let j = null;
  try { j = await r.json(); } catch (e) { j = null; }
  if (r.status === 401) { showLogin(); throw new Error(t('logged_out')); }
  if (!r.ok) { const err = new Error((j && j.error) || r.statusText); err.status = r.status; throw err; }
  return j;
}

function status(msg, kind) {
  const s = $('status');
  s.textContent = msg || '';
  s.className = kind || '';
}

function showLogin() {
  $('login').hidden = false;
  document.querySelectorAll('main.tab').forEach(m => { m.hidden = true; });
  $('tabs').hidden = true;
}

// ------------------------------------------------------------ header

function renderProgress(p) {
  const box = $('progress');
  box.replaceChildren();
  if (!p) return;
  box.append(el('span', 'total', `${p.done} / ${p.total}`));
  for (const w of p.waves) {
    const s = el('span', 'wave');
    s.append(el('span', '', w.wave || '—'));
    const m = el('span', 'meter'); const i = el('i');
    i.style.width = (w.total ? Math.round(100 * w.done / w.total) : 0) + '%';
    m.append(i); s.append(m);
    s.append(el('span', '', `${w.done}/${w.total}`));
    box.append(s);
  }
  if (p.per_minute > 0) box.append(el('span', 'pace', t('pace', p.per_minute, p.minutes_left)));
}

// ------------------------------------------------------------ categories

function cats() { return S.sess ? S.sess.codebook.categories : []; }

function renderCats() {
  const ol = $('catlist');
  ol.replaceChildren();
  const sug = new Set(S.cur ? S.cur.suggested : []);
  cats().forEach((c, i) => {
    const li = el('li');
    li.dataset.i = i;
    if (S.ticked.has(i)) li.classList.add('on');
    li.setAttribute('role', 'checkbox');
    li.setAttribute('aria-checked', S.ticked.has(i) ? 'true' : 'false');
    li.append(el('span', 'num', String(i + 1)));
    const lab = el('span', 'lab', c.label);
    if (sug.has(i) && S.mode === 'code') lab.append(el('span', 'sug', t('suggested')));
    li.append(lab);
    const def = el('span', 'def', c.description || '');
    if (c.net) def.prepend(el('span', 'net', c.net + ' · '));
    li.append(def);
    if (c.examples && c.examples.length) {
      li.append(el('span', 'ex', t('eg') + ' ' + c.examples.slice(0, 2).map(x => '“' + x + '”').join(', ')));
      li.title = c.examples.join('\n');
    }
    li.addEventListener('click', () => toggle(i));
    ol.append(li);
  });
  const fc = $('filtercat');
  const keep = fc.value;
  fc.replaceChildren();
  cats().forEach((c, i) => { const o = el('option', '', `${i + 1} ${c.label}`); o.value = i; fc.append(o); });
  if (keep) fc.value = keep;
  updateBulkButton();
}

function toggle(i) {
  if (!S.cur || i < 0 || i >= cats().length) return;
  const c = cats()[i];
  if (S.ticked.has(i)) S.ticked.delete(i);
  else {
    // ingen_svar stands alone, as the store requires.
    if (c.nonsubstantive) S.ticked.clear();
    else cats().forEach((x, k) => { if (x.nonsubstantive) S.ticked.delete(k); });
    S.ticked.add(i);
  }
  renderCats();
}

// ------------------------------------------------------------ the answer

function renderAnswer(j) {
  if (j.progress) renderProgress(j.progress);
  S.cur = j.answer;
  const a = j.answer;
  const text = $('text');
  text.replaceChildren();
  $('others').replaceChildren();
  $('flags').replaceChildren();
  $('mode').textContent = S.mode === 'adjudicate' ? t('adjudicating') : '';
  if (!a) {
    $('pos').textContent = '';
    $('meta').textContent = '';
    text.textContent = t('nothing');
    $('note').value = '';
    S.ticked = new Set();
    renderCats();
    return;
  }
  $('pos').textContent = a.pos >= 0 ? `${a.pos + 1} ${t('of')} ${a.count}` : '';
  $('meta').textContent = [a.respondent, a.wave, a.role, a.place].filter(Boolean).join(' · ');
  for (const [piece, cs] of a.segments) {
    if (!cs.length) { text.append(document.createTextNode(piece)); continue; }
    const m = el('mark', '', piece);
    m.title = cs.map(i => (cats()[i] || {}).label).join(', ');
    const sup = el('sup', '', cs.map(i => i + 1).join(','));
    m.append(sup);
    text.append(m);
  }
  const flags = $('flags');
  const flag = (k, warn) => flags.append(el('span', warn ? 'warn' : '', t(k)));
  if (a.uncertain) flag('uncertain', true);
  if (a.disputed) flag('disputed', true);
  if (a.adjudicated) flag('adjudicated');
  if (a.older) flag('older', true);
  if (a.decided) flag('yours');
  const others = a.coders.filter(c => c.coder !== S.sess.coder || S.mode === 'adjudicate');
  if (others.length) {
    const o = $('others');
    o.append(el('span', '', t('others') + ': '));
    others.forEach((c, k) => {
      if (k) o.append(document.createTextNode(' · '));
      o.append(el('b', '', c.coder + (c.final ? ' ✓' : '')));
      o.append(document.createTextNode(': ' + labels(c.codes)));
    });
  }
  $('note').value = a.note || '';
  S.noteDirty = false;
  S.ticked = new Set(a.start);
  renderCats();
}

function labels(codes) {
  return codes.split(';').filter(Boolean).map(id => {
    const c = cats().find(x => x.id === id);
    return c ? c.label : id;
  }).join(', ');
}

function params(extra) {
  const p = new URLSearchParams(extra);
  if (S.mode === 'adjudicate') p.set('mode', 'adjudicate');
  return p.toString();
}

async function load(move, extra) {
  const j = await api('/answer?' + params(Object.assign({ move }, extra || {})));
  renderAnswer(j);
  return j;
}

async function go(move, extra) {
  try { await load(move, extra); status(''); }
  catch (e) { status(e.status === 404 ? t('not_found') : e.message, 'err'); }
}

function codesOf(set) {
  return [...set].sort((x, y) => x - y).map(i => cats()[i].id).join(';');
}

async function decide(codes) {
  if (!S.cur || S.busy) return;
  if (!codes) { status(t('tick_one'), 'err'); return; }
  const body = { id: S.cur.id, codes };
  if (S.noteDirty) body.note = $('note').value;
  if (S.mode === 'adjudicate') body.mode = 'adjudicate';
  S.busy = true;
  try {
    await api('/decision', body);
    S.gen++;
    status(t('saved'), 'ok');
    await load('todo');
  } catch (e) {
    status(e.message, 'err');
  } finally { S.busy = false; }
}

async function undo() {
  try {
    const j = await api('/undo', S.mode === 'adjudicate' ? { mode: 'adjudicate' } : {});
    renderAnswer(j);
    status(t('undone'), 'ok');
  } catch (e) { status(e.message, 'err'); }
}

async function saveNote() {
  if (!S.cur || !S.noteDirty) return;
  try {
    const j = await api('/note', { id: S.cur.id, note: $('note').value, mode: S.mode === 'adjudicate' ? 'adjudicate' : 'code' });
    if (j.saved) { S.noteDirty = false; status(t('saved_note'), 'ok'); }
  } catch (e) { status(e.message, 'err'); }
}

// ------------------------------------------------------------ bulk coding

async function bulkFind(same) {
  const q = same ? { same: S.cur ? S.cur.id : 0 } : { q: $('bulkq').value.trim() };
  if (!same && !q.q) return;
  S.bulkDone = false;
  $('bulkundo').hidden = true;
  try {
    const j = await api('/find?' + new URLSearchParams(q).toString());
    S.bulkIds = j.ids;
    const box = $('bulkpreview');
    box.replaceChildren();
    if (!j.count) { box.append(el('p', '', t('bulk_none'))); }
    else {
      box.append(el('p', '', t('bulk_count', j.count, j.items.length)));
      const ul = el('ul');
      for (const it of j.items) {
        const li = el('li');
        li.append(el('b', '', it.respondent + ' '));
        li.append(document.createTextNode(it.text));
        li.append(el('span', 'codes', ' → ' + it.codes.map(i => (cats()[i] || {}).label).join(', ')));
        ul.append(li);
      }
      box.append(ul);
      box.append(el('p', 'hint', t('bulk_pick')));
    }
    updateBulkButton();
  } catch (e) { status(e.message, 'err'); }
}

function updateBulkButton() {
  const b = $('bulkapply');
  b.textContent = t('bulk_apply', S.bulkIds.length);
  b.disabled = !S.bulkIds.length || !S.ticked.size || S.bulkDone;
}

async function bulkApply() {
  const codes = codesOf(S.ticked);
  if (!codes || !S.bulkIds.length) return;
  try {
    const j = await api('/bulk', { ids: S.bulkIds, codes });
    S.bulkDone = true;
    renderProgress(j.progress);
    status(t('bulk_done', j.decided), 'ok');
    $('bulkundo').hidden = false;
    updateBulkButton();
    await load('current');
  } catch (e) { status(e.message, 'err'); }
}

async function bulkUndo() {
  await undo();
  $('bulkundo').hidden = true;
  S.bulkDone = false;
  updateBulkButton();
}

// ------------------------------------------------------------ new category

async function addCategory(ev) {
  ev.preventDefault();
  const body = { id: $('cid').value.trim(), label: $('clabel').value.trim(),
    description: $('cdesc').value.trim(), pattern: $('cpattern').value.trim() };
  try {
    const j = await api('/category', body);
    $('catdialog').close();
    $('catform').reset();
    await refreshSession();
    await load('current');
    status(t('cat_added', j.version), 'ok');
  } catch (e) {
    status(e.message, 'err');
    alertInDialog(e.message);
  }
}

function alertInDialog(msg) {
  let p = $('catdialog').querySelector('.err');
  if (!p) { p = el('p', 'err'); $('catform').append(p); }
  p.textContent = msg;
}

// ------------------------------------------------------------ other tabs

async function loadDisagreements() {
  const j = await api('/disagreements');
  const tb = $('distable').querySelector('tbody');
  tb.replaceChildren();
  for (const it of j.items) {
    const tr = el('tr');
    tr.append(el('td', '', it.respondent), el('td', '', it.wave), el('td', '', it.text));
    const td = el('td');
    it.coders.forEach((c, k) => {
      if (k) td.append(el('br'));
      td.append(el('b', '', c.coder + (c.final ? ' ✓' : '') + ': '));
      td.append(document.createTextNode(labels(c.codes)));
    });
    tr.append(td);
    tr.append(el('td', it.adjudicated ? 'done' : '', it.adjudicated ? t('adjudicated') : t('adjudicate')));
    tr.addEventListener('click', () => adjudicate(it.id));
    tb.append(tr);
  }
}

async function adjudicate(id) {
  S.mode = 'adjudicate';
  showTab('code');
  await go('id', { id });
}

// The tally as koder tally counts it (the server's numbers come from the
// library's tally module): one column per wave and role, X of Y per cell,
// nets in bold with their members indented, and a bar chart of the shares.
async function loadTally() {
  const j = await api('/tally');
  const box = $('tallytable');
  box.replaceChildren();
  const tbl = el('table'); const thead = el('thead');
  const h1 = el('tr'), h2 = el('tr');
  h1.append(el('th', '', '')); h2.append(el('th', '', ''));
  j.cols.forEach((c, k) => {
    if (k === 0 || j.cols[k - 1].wave !== c.wave) {
      const th = el("th", "wavehead", c.wave);
      th.colSpan = j.cols.filter(x => x.wave === c.wave).length;
      h1.append(th);
    }
    h2.append(el('th', 'num', c.role));
  });
  thead.append(h1, h2); tbl.append(thead);
  const tb = el('tbody');
  const base = el('tr'); base.append(el('td', '', t('tally_base')));
  j.cols.forEach((c, k) => { const td = el('td', 'num', String(c.base)); td.dataset.col = k; base.append(td); });
  base.dataset.row = 'base';
  tb.append(base);
  const rev = el('tr', 'muted'); rev.append(el('td', '', t('tally_reviewed')));
  j.cols.forEach(c => rev.append(el('td', 'num', String(c.reviewed))));
  tb.append(rev);
  for (const r of j.rows) {
    const tr = el('tr', r.net ? 'net' : r.in_net ? 'member' : '');
    tr.dataset.row = r.id;
    tr.append(el('td', '', r.label));
    r.x.forEach((x, k) => {
      const y = j.cols[k].base;
      const td = el('td', 'num', y ? `${t('x_of_y', x, y)} (${Math.round(100 * x / y)} %)` : '–');
      td.dataset.col = k; td.dataset.x = x; td.dataset.y = y;
      tr.append(td);
    });
    tb.append(tr);
  }
  tbl.append(tb);
  box.append(tbl);
  const chart = $('chart');
  chart.replaceChildren();
  const lg = el('div', 'legend');
  j.cols.forEach((c, k) => { const s = el('span'); s.append(el('i', 'w' + (k % 6)), document.createTextNode(colName(c))); lg.append(s); });
  chart.append(lg);
  for (const r of j.rows) {
    const row = el('div', 'crow' + (r.net ? ' net' : '')); row.append(el('span', '', r.label));
    const bars = el('div', 'cbars');
    r.x.forEach((x, k) => {
      const y = j.cols[k].base;
      const b = el('div', 'cbar w' + (k % 6));
      b.style.width = (y ? 100 * x / y : 0) + '%';
      b.title = `${colName(j.cols[k])}: ${t('x_of_y', x, y)}`;
      bars.append(b);
    });
    row.append(bars);
    chart.append(row);
  }
}
const colName = c => `${c.wave}, ${c.role}`;

async function loadSamples() {
  const j = await api('/samples');
  const by = new Map();
  for (const it of j.items) {
    const v = by.get(it.coder) || { n: 0, d: 0 };
    v.n++; if (it.decided) v.d++;
    by.set(it.coder, v);
  }
  const tb = $('sampletable').querySelector('tbody');
  tb.replaceChildren();
  for (const [c, v] of by) {
    const tr = el('tr');
    tr.append(el('td', '', c), el('td', 'num', String(v.n)), el('td', 'num', String(v.d)));
    tb.append(tr);
  }
  const dl = $('coderlist');
  dl.replaceChildren();
  (S.sess.coders || []).forEach(c => { const o = el('option'); o.value = c; dl.append(o); });
}

async function assign(ev) {
  ev.preventDefault();
  const coder = $('acoder').value.trim();
  try {
    const j = await api('/assign', { coder, n: Number($('an').value), seed: Number($('aseed').value) });
    status(t('assigned_n', j.assigned, coder), 'ok');
    await loadSamples();
  } catch (e) { alert(e.message); }
}

async function assignByHand(ev) {
  ev.preventDefault();
  const coder = $('acoder').value.trim();
  if (!coder) { $('acoder').focus(); return; }
  const body = { coder, wave: $('hwave').value.trim(), role: $('hrole').value.trim() };
  if ($('hfrom').value) body.from = Number($('hfrom').value);
  if ($('hto').value) body.to = Number($('hto').value);
  try {
    const j = await api('/assign', body);
    status(t('assigned_n', j.assigned, coder), 'ok');
    await loadSamples();
  } catch (e) { alert(e.message); }
}

async function unassign() {
  const coder = $('acoder').value.trim();
  if (!coder) return;
  try {
    const j = await api('/unassign', { coder });
    status(t('removed_n', j.removed, coder), 'ok');
    await loadSamples();
  } catch (e) { alert(e.message); }
}

function showTab(name) {
  S.tab = name;
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('on', b.dataset.tab === name));
  document.querySelectorAll('main.tab').forEach(m => { m.hidden = m.id !== name; });
  if (name !== 'code' && S.mode === 'adjudicate') S.mode = 'code';
  refreshTab().catch(e => status(e.message, 'err'));
}

async function refreshTab() {
  if (S.tab === 'disagree') await loadDisagreements();
  else if (S.tab === 'tally') await loadTally();
  else if (S.tab === 'assign') await loadSamples();
}

// Live pages: ask the server every two seconds whether anyone did anything.
async function poll() {
  try {
    const j = await api('/changes');
    if (j.cbgen !== S.cbgen) { await refreshSession(); if (S.tab === 'code') await load('current'); }
    if (j.gen !== S.gen) { S.gen = j.gen; if (S.tab !== 'code') await refreshTab(); }
  } catch (e) { /* shown on the next action */ }
  setTimeout(poll, 2000);
}

async function refreshSession() {
  const s = await api('/session');
  S.sess = s;
  S.csrf = s.csrf;
  S.cbgen = s.cbgen;
  $('coder').textContent = s.coder;
  renderProgress(s.progress);
  renderCats();
}

// ------------------------------------------------------------ keys

function typing(e) {
  const tag = e.target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

function onKey(e) {
  if (document.querySelector('dialog[open]')) return;
  if (e.target.id === 'note') {
    if (e.key === 'Escape') { e.target.blur(); }
    else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.target.blur(); decide(codesOf(S.ticked)); }
    return;
  }
  if (e.target.id === 'search') {
    if (e.key === 'Enter') { e.preventDefault(); const q = e.target.value.trim(); if (q) go('search', { q }); }
    else if (e.key === 'Escape') e.target.blur();
    return;
  }
  if (typing(e) || e.ctrlKey || e.metaKey || e.altKey || S.tab !== 'code') return;
  const k = e.key;
  if (S.hashNum !== null) {           // '#' then a number: categories past 10
    if (/^[0-9]$/.test(k)) { S.hashNum += k; e.preventDefault(); return; }
    if (k === 'Enter' || k === ' ') { e.preventDefault(); toggle(Number(S.hashNum) - 1); S.hashNum = null; status(''); return; }
    S.hashNum = null;
  }
  if (/^[0-9]$/.test(k)) { e.preventDefault(); toggle(k === '0' ? 9 : Number(k) - 1); }
  else if (k === '#') { S.hashNum = ''; status('#'); e.preventDefault(); }
  else if (k === 'Enter') { e.preventDefault(); decide(codesOf(S.ticked)); }
  else if (k === 'x') { e.preventDefault(); decide('ingen_svar'); }
  else if (k === 'n') { e.preventDefault(); $('note').focus(); }
  else if (k === 'u') { e.preventDefault(); undo(); }
  else if (k === 'j' || k === 'ArrowDown' || k === 'ArrowRight') { e.preventDefault(); go('next'); }
  else if (k === 'k' || k === 'ArrowUp' || k === 'ArrowLeft') { e.preventDefault(); go('prev'); }
  else if (k === '/') { e.preventDefault(); $('search').focus(); $('search').select(); }
  else if (k === 'f') { e.preventDefault(); $('filter').focus(); }
  else if (k === '?') { e.preventDefault(); $('help').showModal(); }
}

// ------------------------------------------------------------ start

function wire() {
  document.addEventListener('keydown', onKey);
  $('confirm').addEventListener('click', () => decide(codesOf(S.ticked)));
  $('nosvar').addEventListener('click', () => decide('ingen_svar'));
  $('undo').addEventListener('click', undo);
  $('next').addEventListener('click', () => go('next'));
  $('prev').addEventListener('click', () => go('prev'));
  $('note').addEventListener('input', () => { S.noteDirty = true; });
  $('note').addEventListener('blur', () => { if (S.cur && S.cur.decided) saveNote(); });
  $('filter').addEventListener('change', () => {
    const f = $('filter').value;
    $('filtercat').hidden = f !== 'code';
    go('current', { filter: f, cat: $('filtercat').value || 0 });
  });
  $('filtercat').addEventListener('change', () => go('current', { filter: 'code', cat: $('filtercat').value }));
  $('lang').addEventListener('click', () => {
    S.lang = S.lang === 'da' ? 'en' : 'da';
    localStorage.setItem('koder-lang', S.lang);
    translate();
    if (S.cur) renderAnswer({ answer: S.cur });
  });
  $('helpbtn').addEventListener('click', () => $('help').showModal());
  $('logout').addEventListener('click', async () => { try { await api('/logout', {}); } catch (e) { /* already out */ } showLogin(); });
  document.querySelectorAll('#tabs button').forEach(b => b.addEventListener('click', () => showTab(b.dataset.tab)));
  $('bulkfind').addEventListener('click', () => bulkFind(false));
  $('bulkq').addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); bulkFind(false); } });
  $('bulksame').addEventListener('click', () => bulkFind(true));
  $('bulkapply').addEventListener('click', bulkApply);
  $('bulkundo').addEventListener('click', bulkUndo);
  $('catlist').addEventListener('click', updateBulkButton);
  $('addcat').addEventListener('click', () => $('catdialog').showModal());
  $('catform').addEventListener('submit', e => { if (e.submitter && e.submitter.value === 'ok') addCategory(e); });
  $('assignform').addEventListener('submit', assign);
  $('unassign').addEventListener('click', unassign);
  $('handform').addEventListener('submit', assignByHand);
}

async function start() {
  translate();
  wire();
  try {
    await refreshSession();
  } catch (e) { showLogin(); return; }
  S.gen = S.sess.gen;
  if (S.sess.sample) status(t('sample_note'));
  await go('current');
  setTimeout(poll, 2000);
}

start();
