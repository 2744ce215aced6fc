// run.mjs - koder serve in a real browser: the system chromium driven
// through the DevTools protocol by playwright-core (no browser download).
//
//   KODER=build/koder ROOT=. SHOTS=build/screenshots TMP=/tmp/x node run.mjs
//
// Starts its own server on a small corpus (SOF answers plus hostile ones),
// logs in through the printed links and works as coders do.  Prints
// "ok - name" / "not ok - name: why" per test; exits 1 when any failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let chromium;
try { ({ chromium } = require('playwright-core')); } catch (e) {
  console.error('browser tests: playwright-core is not installed: run make deps (npm ci in tests/browser)');
  process.exit(3);
}
const KODER = process.env.KODER, ROOT = process.env.ROOT, TMP = process.env.TMP;
const SHOTS = process.env.SHOTS || path.join(ROOT, 'build', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.error(`browser tests: no chromium at ${CHROMIUM}: sudo apt-get install chromium (make deps)`);
  process.exit(3);
}
fs.mkdirSync(SHOTS, { recursive: true });

// ------------------------------------------------------------ the corpus

const HOSTILE = '<script>window.__pwned=1</script>Lang afstand <img src=x onerror="window.__pwned=2"> til borgerne';
function makeCorpus(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const src = fs.readFileSync(path.join(ROOT, 'corpora/sof/survey.csv'), 'utf8').replace(/^\uFEFF/, '');
  const lines = src.split('\n').filter(Boolean);
  const head = lines[0].split(';');
  const answered = lines.slice(1).filter(l => { const f = l.split(';'); return f.length >= 5 && f[4].trim(); });
  // the first 60 answers, and A0079: one where the patterns and the shipped
  // model disagree (serve-order.sh), so the uncertain order has one to show
  // whatever the first 60 happen to hold under a retrained model
  const rows = answered.slice(0, 60).concat(answered.filter(l => l.startsWith('A0079;')));
  const q = s => '"' + s.replace(/"/g, '""') + '"';
  const extra = [
    ['H0001', 'Vejle', 'Midtvejs', 'Virksomhedskonsulent', HOSTILE, ''],
    ['H0002', 'Vejle', 'Midtvejs', 'Virksomhedskonsulent', 'Ved ikke', ''],
    ['H0003', 'Vejle', 'Afslutning', 'Virksomhedskonsulent', 'ved ikke', ''],
    ['H0004', 'Vejle', 'Afslutning', 'Virksomhedskonsulent', 'VED  IKKE', ''],
  ].map(r => r.map(q).join(';'));
  fs.writeFileSync(path.join(dir, 'survey.csv'), [head.join(';'), ...rows, ...extra].join('\n') + '\n');
  const desc = JSON.parse(fs.readFileSync(path.join(ROOT, 'corpora/sof/corpus.json'), 'utf8'));
  desc.survey = 'survey.csv';
  desc.questions = [{ id: 'barrierer', column: desc.questions[0].column,
    codebook: path.join(ROOT, 'codebooks/sof-barrierer.json') }];
  fs.writeFileSync(path.join(dir, 'corpus.json'), JSON.stringify(desc));
}

// ------------------------------------------------------------ the server

function startServer(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(KODER, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const links = {};
    let out = '', err = '';
    const want = args.filter((a, i) => args[i - 1] === '--coder').length;
    const timer = setTimeout(() => reject(new Error('server did not print its links: ' + err)), 20000);
    p.stdout.on('data', d => {
      out += d;
      for (const line of out.split('\n')) {
        const m = line.match(/^(\S+) (https?:\/\/\S+)$/);
        if (m) links[m[1]] = m[2];
      }
      if (Object.keys(links).length === want) { clearTimeout(timer); resolve({ proc: p, links, log: () => err }); }
    });
    p.stderr.on('data', d => { err += d; });
    p.on('exit', code => { clearTimeout(timer); if (Object.keys(links).length < want) reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

// ------------------------------------------------------------ harness

let failed = 0;
async function test(name, fn) {
  const t0 = Date.now();
  try { await fn(); console.log(`ok - ${name} (${Date.now() - t0} ms)`); }
  catch (e) { failed++; console.log(`not ok - ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`); }
}
function assert(c, msg) { if (!c) throw new Error(msg); }
const api = (page, p) => page.evaluate(async p => (await fetch('/api' + p)).json(), p);
const progress = async page => (await api(page, '/session')).progress.done;
async function saved(page) {
  await waitFor(page, () => document.getElementById('status').className === 'ok', null, { timeout: 15000 });
}
// page.waitForFunction polls with eval, which the page's CSP forbids (as it
// should); this polls from here instead.
async function waitFor(page, fn, arg, opts) {
  const until = Date.now() + ((opts && opts.timeout) || 15000);
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > until) throw new Error('timed out waiting for ' + String(fn).slice(0, 80));
    await new Promise(r => setTimeout(r, 50));
  }
}
async function clearStatus(page) { await page.evaluate(() => { const s = document.getElementById('status'); s.className = ''; s.textContent = ''; }); }
async function shot(page, name) { await page.screenshot({ path: path.join(SHOTS, name + '.png') }); }

// ------------------------------------------------------------ the tests

const corpus = path.join(TMP, 'corpus');
const db = path.join(TMP, 'p.db');
makeCorpus(corpus);
let srv = await startServer(['--db', db, corpus, '--listen', '127.0.0.1:0', '--coder', 'anna', '--coder', 'bo']);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
const ctxA = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'da-DK' });
const ctxB = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'da-DK' });
const a = await ctxA.newPage(), b = await ctxB.newPage();
const errors = [];
a.on('pageerror', e => errors.push(e.message));
a.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });

await test('the printed link logs in with a plain GET and leaves the address bar', async () => {
  const resp = await a.goto(srv.links.anna);
  assert(resp.ok(), 'page status ' + resp.status());
  assert(new URL(a.url()).pathname === '/', 'the token stayed in the address bar: ' + a.url());
  await waitFor(a, () => document.getElementById('coder').textContent === 'anna');
  await a.waitForSelector('#catlist li');
  const cookies = await ctxA.cookies();
  const c = cookies.find(x => x.name === 'koder_session');
  assert(c && c.httpOnly && c.sameSite === 'Strict', 'session cookie is not HttpOnly SameSite=Strict');
  await shot(a, 'code-1366x768');
});

await test('Enter confirms the suggestion and the next answer shows', async () => {
  const first = await a.textContent('#pos');
  const before = await progress(a);
  await a.keyboard.press('Enter');
  await saved(a);
  await waitFor(a, f => document.getElementById('pos').textContent !== f, first);
  assert(await progress(a) === before + 1, 'progress did not grow by one');
});

await test('a digit overrides: the ticked set is what is saved', async () => {
  const id = await a.evaluate(() => window.document.getElementById('pos').textContent);
  await a.keyboard.press('3');
  const on = await a.$$eval('#catlist li.on', l => l.map(x => Number(x.dataset.i)));
  assert(on.includes(2), 'key 3 did not tick category 3');
  await clearStatus(a);
  await a.keyboard.press('Enter');
  await saved(a);
  await a.keyboard.press('k');
  await waitFor(a, p => document.getElementById('pos').textContent === p, id);
  const on2 = await a.$$eval('#catlist li.on', l => l.map(x => Number(x.dataset.i)));
  assert(JSON.stringify(on2) === JSON.stringify(on), `saved ${on2} not ${on}`);
});

await test('a note is saved with the decision and shown when the answer is revisited', async () => {
  await a.keyboard.press('j');
  await a.waitForTimeout(100);
  const pos = await a.textContent('#pos');
  await a.keyboard.press('n');
  await a.keyboard.type('Tjek med Bo <b>fed</b>');
  await clearStatus(a);
  await a.keyboard.press('Control+Enter');
  await saved(a);
  await waitFor(a, p => document.getElementById('pos').textContent !== p, pos);
  await a.keyboard.press('k');
  await waitFor(a, p => document.getElementById('pos').textContent === p, pos);
  assert(await a.inputValue('#note') === 'Tjek med Bo <b>fed</b>', 'the note is not shown again');
});

await test('u undoes the latest decision of this session', async () => {
  const before = await progress(a);
  await clearStatus(a);
  await a.keyboard.press('u');
  await saved(a);
  assert(await progress(a) === before - 1, 'undo did not take the decision back');
});

await test('bulk coding of identical answers with a preview and one undo', async () => {
  await a.fill('#search', 'Ved ikke');
  await a.press('#search', 'Enter');
  await waitFor(a, () => /ved ikke/i.test(document.getElementById('text').textContent));
  await a.evaluate(() => { document.getElementById('bulk').open = true; });
  await a.click('#bulksame');
  await a.waitForSelector('#bulkpreview li');
  const n = await a.$$eval('#bulkpreview li', l => l.length);
  assert(n === 3, `the preview shows ${n} identical answers, not 3`);
  const before = await progress(a);
  // tick ingen_svar (the last category) alone
  const last = await a.$$eval('#catlist li', l => l.length);
  if (!(await a.$eval(`#catlist li[data-i="${last - 1}"]`, e => e.classList.contains('on'))))
    await a.click(`#catlist li[data-i="${last - 1}"]`);
  await clearStatus(a);
  await a.click('#bulkapply');
  await saved(a);
  const after = await progress(a);
  assert(after - before >= 1 && after - before <= 3, `bulk coded ${after - before}`);
  await shot(a, 'bulk');
  await clearStatus(a);
  await a.click('#bulkundo');
  await saved(a);
  assert(await progress(a) === before, 'one undo did not take the whole bulk back');
});

await test('bulk coding of a search', async () => {
  await a.fill('#bulkq', 'afstand');
  await a.click('#bulkfind');
  await a.waitForSelector('#bulkpreview p');
  const txt = await a.textContent('#bulkpreview');
  assert(/\d+ svar passer/.test(txt), 'no preview count: ' + txt.slice(0, 80));
});

await test('the order control puts uncertain answers first, and back to survey order', async () => {
  await a.selectOption('#order', 'uncertain');
  await waitFor(a, () => /mønstre og model er uenige|modellen er usikker|mønstrene kodede intet/
    .test(document.getElementById('flags').textContent));
  const j = await a.evaluate(async () => (await (await fetch('/api/answer?move=current')).json()));
  assert(j.order === 'uncertain' && j.answer && j.answer.why, 'the API does not agree: ' + JSON.stringify(j.order));
  await a.selectOption('#order', 'survey');
  await waitFor(a, () => !/mønstre og model er uenige|modellen er usikker|mønstrene kodede intet/
    .test(document.getElementById('flags').textContent));
  assert(await a.inputValue('#order') === 'survey', 'the control did not stay on survey');
});

await test('the hostile answer is shown as text, never run', async () => {
  await a.fill('#search', 'H0001');
  await a.press('#search', 'Enter');
  await waitFor(a, () => document.getElementById('text').textContent.includes('<script>'));
  const imgs = await a.$$eval('#text img, #text script', l => l.length);
  assert(imgs === 0, 'answer markup became elements');
  assert(await a.evaluate(() => window.__pwned === undefined), 'answer script ran');
  await a.evaluate(() => { document.getElementById('bulk').open = true; });
  await a.fill('#bulkq', 'onerror');
  await a.click('#bulkfind');
  await a.waitForSelector('#bulkpreview li');
  assert(await a.$$eval('#bulkpreview img', l => l.length) === 0, 'preview rendered markup');
  await a.evaluate(() => { document.getElementById('bulk').open = false; });
  await shot(a, 'hostile-answer');
});

await test('a new category writes the next codebook version and the project moves to it', async () => {
  const n0 = await a.$$eval('#catlist li', l => l.length);
  await a.click('#addcat');
  await a.fill('#cid', 'koersel');
  await a.fill('#clabel', 'Lang kørsel');
  await a.fill('#cdesc', 'Tid brugt i bil');
  await a.fill('#cpattern', '*kørsel*');
  await a.click('#catsave');
  await waitFor(a, n => document.querySelectorAll('#catlist li').length === n + 1, n0);
  const labels = await a.$$eval('#catlist li .lab', l => l.map(x => x.textContent));
  assert(labels.some(l => l.startsWith('Lang kørsel')), 'the new category is not listed');
  const file = path.join(TMP, 'sof-barrierer-v2.json');
  assert(fs.existsSync(file), 'no ' + file);
  const cb = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert(cb.version === 2, 'version is ' + cb.version);
  const c = cb.categories.find(x => x.id === 'koersel');
  assert(c && c.replaces && c.replaces[0] === 'andet', 'the new category does not say what it replaces');
  const sess = await api(a, '/session');
  assert(sess.codebook.version === '2', 'the project did not move to version 2: ' + sess.codebook.version);
});

await test('two coders at once; the disagreements view updates while the other codes', async () => {
  await b.goto(srv.links.bo);
  await waitFor(b, () => document.getElementById('coder').textContent === 'bo');
  await b.waitForSelector('#catlist li');
  // both code the first answer, differently
  await a.evaluate(() => fetch('/api/answer?move=first&filter=all'));
  await a.click('#tabs button[data-tab="disagree"]');
  const rows0 = await a.$$eval('#distable tbody tr', l => l.length);
  const first = await b.evaluate(async () => (await (await fetch('/api/answer?move=first&filter=all')).json()).answer.id);
  const mine = await a.evaluate(async id => (await (await fetch('/api/answer?move=id&id=' + id)).json()).answer.codes, first);
  const csrfB = await b.evaluate(async () => (await (await fetch('/api/session')).json()).csrf);
  const other = mine.includes(0) ? 'afstand' : 'tid_sagsantal';
  await Promise.all([
    b.evaluate(async ([id, codes, csrf]) => (await fetch('/api/decision', { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ id, codes }) })).status, [first, other, csrfB]),
  ]);
  await waitFor(a, n => document.querySelectorAll('#distable tbody tr').length > n, rows0, { timeout: 20000 });
  await shot(a, 'disagreements');
  // adjudication starts with nothing ticked
  await a.click('#distable tbody tr');
  await waitFor(a, () => document.getElementById('mode').textContent !== '');
  assert(await a.$$eval('#catlist li.on', l => l.length) === 0, 'adjudication started with ticks');
  await a.keyboard.press('1');
  await clearStatus(a);
  await a.keyboard.press('Enter');
  await saved(a);
});

await test('the tally page counts decisions live', async () => {
  await a.click('#tabs button[data-tab="tally"]');
  await a.waitForSelector('#tallytable table');
  const before = await a.textContent('#tallytable');
  const csrfB = await b.evaluate(async () => (await (await fetch('/api/session')).json()).csrf);
  // an answer nobody has decided yet: bo's decision is then its final code
  const free = await a.evaluate(async () => (await (await fetch('/api/answer?move=first&filter=todo')).json()).answer.id);
  const st = await b.evaluate(async ([id, csrf]) => (await fetch('/api/decision', { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ id, codes: 'afstand' }) })).status, [free, csrfB]);
  assert(st === 200, 'bo could not decide: ' + st);
  await waitFor(a, t => document.getElementById('tallytable').textContent !== t, before, { timeout: 20000 });
  await shot(a, 'tally');
  // The page's X and Y are the numbers `koder tally --db` prints, cell by
  // cell (it exits 1 when coders disagree, with the table all the same).
  const cols = (await api(a, '/tally')).cols;
  const page = await a.$$eval('#tallytable tbody tr[data-row] td[data-col]', tds => tds.map(td =>
    [td.parentElement.dataset.row, Number(td.dataset.col), td.dataset.x, td.dataset.y || td.textContent]));
  const cell = {};
  for (const [row, col, x, y] of page) {
    const key = `${cols[col].wave}|${cols[col].role}`;
    if (row === 'base') (cell[key] ??= {}).base = Number(y); else (cell[key] ??= {})[row] = Number(x);
  }
  const tj = spawnSync(KODER, ['tally', '--db', db, '--format', 'json'], { encoding: 'utf8' });
  const rows = JSON.parse(tj.stdout);
  assert(rows.length > 0, 'koder tally printed nothing: ' + tj.stderr);
  let checked = 0, decided = false;
  for (const r of rows) {
    const c = cell[`${r.wave}|${r.role}`];
    assert(c, `no column for ${r.wave}, ${r.role} on the tally page`);
    assert(c.base === r.base, `Y of ${r.wave}, ${r.role}: page ${c.base}, koder tally ${r.base}`);
    assert(c[r.category] === r.count, `X of ${r.category} in ${r.wave}, ${r.role}: page ${c[r.category]}, koder tally ${r.count}`);
    if (r.category === 'afstand' && r.reviewed > 0) decided = true;
    checked++;
  }
  assert(decided, 'koder tally does not count the decisions made in the browser');
  console.log(`# tally page = koder tally --db in all ${checked} cells`);
  await a.click('#tabs button[data-tab="assign"]');
  await a.fill('#acoder', 'bo');
  await a.fill('#an', '5');
  await a.click('#assignform button.primary');
  await a.waitForSelector('#sampletable tbody tr');
  await shot(a, 'assign');
  await a.click('#tabs button[data-tab="code"]');
});

await test('a POST without the CSRF token is refused (403)', async () => {
  const st = await a.evaluate(async () => (await fetch('/api/decision', { method: 'POST', body: '{"id":1,"codes":"andet"}' })).status);
  assert(st === 403, 'status ' + st);
});

await test('the page reads at 1920x1080 and on a narrow window', async () => {
  await a.click('#tabs button[data-tab="code"]');
  await a.setViewportSize({ width: 1920, height: 1080 });
  await shot(a, 'code-1920x1080');
  await a.setViewportSize({ width: 400, height: 800 });
  for (const tab of ['tally', 'disagree', 'assign', 'code']) {
    await a.click(`#tabs button[data-tab="${tab}"]`);
    await a.waitForTimeout(300);
    const overflow = await a.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert(!overflow, `the ${tab} page scrolls sideways on a narrow window`);
  }
  await shot(a, 'code-narrow');
  await a.setViewportSize({ width: 1366, height: 768 });
  await a.click('#lang');
  assert((await a.textContent('#tabs button[data-tab="code"]')) === 'Coding', 'no English');
  await a.click('#lang');
});

await test('kill -9 mid-work: every acknowledged decision is there after a restart', async () => {
  const csrf = await a.evaluate(async () => (await (await fetch('/api/session')).json()).csrf);
  const ids = await a.evaluate(async () => {
    const r = await (await fetch('/api/answer?move=first&filter=todo')).json();
    const out = [];
    for (let id = r.answer.id, k = 0; k < 40; k++, id++) out.push(id);
    return out;
  });
  // fire decisions; kill the server while they are in flight
  const acked = a.evaluate(async ([ids, csrf]) => {
    const ok = [];
    await Promise.all(ids.map(async id => {
      try {
        const r = await fetch('/api/decision', { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ id, codes: 'andet', note: 'kill-test' }) });
        if (r.status === 200) { ok.push(id); window.__acks = ok.length; }
      } catch (e) { /* the server died */ }
    }));
    return ok;
  }, [ids, csrf]);
  await waitFor(a, () => (window.__acks || 0) >= 5, null, { timeout: 20000 });
  srv.proc.kill('SIGKILL');
  const ok = await acked;
  srv = await startServer(['--db', db, '--listen', '127.0.0.1:0', '--coder', 'anna']);
  await a.goto(srv.links.anna);
  await waitFor(a, () => document.getElementById('coder').textContent === 'anna');
  const missing = await a.evaluate(async ok => {
    const miss = [];
    for (const id of ok) {
      const j = await (await fetch('/api/answer?filter=all&move=id&id=' + id)).json();
      if (!j.answer || !j.answer.decided) miss.push(id);
    }
    return miss;
  }, ok);
  console.log(`# ${ok.length} of ${ids.length} decisions acknowledged before kill -9`);
  assert(missing.length === 0, `acknowledged but lost: ${missing}`);
});

await test('no page errors, and no answer text in the server log', async () => {
  const real = errors.filter(e => !/Failed to load resource|net::ERR|status of 40[139]/.test(e));
  assert(real.length === 0, 'page errors: ' + real.join(' | '));
  assert(!srv.log().includes('onerror') && !srv.log().includes('Tjek med Bo'), 'answer text in the log');
});

await browser.close();
await test('SIGTERM stops the server cleanly (status 0, no sanitizer report)', async () => {
  const code = await new Promise(r => { srv.proc.on('exit', c => r(c)); srv.proc.kill('SIGTERM'); });
  assert(!/Sanitizer|runtime error/.test(srv.log()), 'sanitizer: ' + srv.log().slice(-400));
  assert(code === 0, 'exit status ' + code);
});
console.log(failed ? `# ${failed} failed` : '# all passed');
process.exit(failed ? 1 : 0);
