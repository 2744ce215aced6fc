// serve-load.mjs LINKS DECISIONS OUT.json - scripted coders for bench/serve.sh:
// every coder in LINKS ("NAME URL" lines) logs in through its link and then,
// once every coder is in, all at once decides DECISIONS answers one after another as the page
// does: POST /api/decision (timed until the server acknowledges it, i.e.
// it is on disk), then GET /api/answer?move=todo (timed: the next answer).
// Node's own http module, one keep-alive connection per coder.
// WATCHERS (a fifth argument, default 0): the last WATCHERS coders in LINKS
// do not decide but keep the tally and the disagreements open as a team
// lead does: every two seconds GET /api/changes and, when anything
// changed, GET /api/tally and GET /api/disagreements (each counted over
// every answer).  Their times are reported as view_p50 and view_max.
import fs from 'node:fs';
import http from 'node:http';

const [links, per, out] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const watchers = Number(process.argv[5] || 0);
const coders = fs.readFileSync(links, 'utf8').split('\n').filter(Boolean).map(l => l.split(' '));

function req(agent, url, opts, body) {
  return new Promise((resolve, reject) => {
    const r = http.request(url, Object.assign({ agent }, opts), res => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', d => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

const ack = [], next = [], acked = [], open = [], view = [];
let deciding = true;

// Log in and open the coder's session (the server loads the answers then).
async function login([name, link]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = link.replace(/\/login\/.*/, '');
  const t = process.hrtime.bigint();
  const r = await req(agent, link, { method: 'GET' });
  if (r.status !== 303) throw new Error(`${name}: login refused: ${r.status}`);
  const cookie = String(r.headers['set-cookie']).split(';')[0];
  const sess = JSON.parse((await req(agent, base + '/api/session', { headers: { Cookie: cookie } })).body);
  const a = JSON.parse((await req(agent, base + '/api/answer?move=current', { headers: { Cookie: cookie } })).body).answer;
  open.push(Number(process.hrtime.bigint() - t) / 1e6);
  return { name, agent, base, cookie, csrf: sess.csrf, a };
}

async function work(c) {
  let a = c.a;
  for (let i = 0; i < per && a; i++) {
    const codes = i % 3 ? 'andet' : 'afstand';
    const body = JSON.stringify({ id: a.id, codes });
    let t = process.hrtime.bigint();
    const r = await req(c.agent, c.base + '/api/decision', { method: 'POST', headers: {
      Cookie: c.cookie, 'X-CSRF-Token': c.csrf, 'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body) } }, body);
    ack.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 200) throw new Error(`${c.name}: decision refused: ${r.status} ${r.body}`);
    acked.push([c.name, a.id, codes]);
    t = process.hrtime.bigint();
    const n = await req(c.agent, c.base + '/api/answer?move=todo', { headers: { Cookie: c.cookie } });
    next.push(Number(process.hrtime.bigint() - t) / 1e6);
    a = JSON.parse(n.body).answer;
  }
  c.agent.destroy();
}

async function watch(c) {
  let gen = -1;
  while (deciding) {
    const j = JSON.parse((await req(c.agent, c.base + '/api/changes', { headers: { Cookie: c.cookie } })).body);
    if (j.gen !== gen) {
      gen = j.gen;
      for (const route of ['/api/tally', '/api/disagreements']) {
        const t = process.hrtime.bigint();
        const r = await req(c.agent, c.base + route, { headers: { Cookie: c.cookie } });
        view.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (r.status !== 200) throw new Error(`${c.name}: ${route} refused: ${r.status}`);
      }
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  c.agent.destroy();
}

const pct = (v, p) => { const s = [...v].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const sessions = [];
for (const c of coders) sessions.push(await login(c));
const t0 = Date.now();
const deciders = sessions.slice(0, sessions.length - watchers);
const watching = sessions.slice(sessions.length - watchers).map(watch);
await Promise.all(deciders.map(work));
const secs = (Date.now() - t0) / 1000;
deciding = false;
await Promise.all(watching);
const res = {
  coders: deciders.length, watchers, decisions: acked.length, seconds: secs,
  per_second: acked.length / secs, open_p50: pct(open, 0.5), open_max: Math.max(...open),
  ack_p50: pct(ack, 0.5), ack_p99: pct(ack, 0.99), ack_max: Math.max(...ack),
  next_p50: pct(next, 0.5), next_p99: pct(next, 0.99), next_max: Math.max(...next),
  views: view.length, view_p50: view.length ? pct(view, 0.5) : 0, view_max: view.length ? Math.max(...view) : 0,
};
fs.writeFileSync(out, JSON.stringify({ res, acked }));
console.log(JSON.stringify(res));
