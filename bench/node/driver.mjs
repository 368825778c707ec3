// Load driver for chatserver and bench/bare_relay.py: many Socket.IO clients in one Node
// process, cheap per client, so the server saturates before the driver does.
//
//   node driver.mjs relay   --url URL --pid PID --conversations 250 [--chats-per-agent 5]
//                           [--interval 5] [--seconds 30] [--agent-url URL2 --pid PID,PID2]
//                           [--shops demo,east] [--bot-shoppers M --questions FILE]
//                           [--panel focus|all]
//   node driver.mjs idle    --url URL --pid PID --shoppers 10000
//   node driver.mjs connect --url URL --pid PID --shoppers 2000 [--parallel 100]
//
// relay: N shoppers, each handed off to one of N/chats-per-agent agents (agents log in as
// bench0, bench1, … with password bench123), each shopper sends one `message` every
// `interval` s (random phase) for `seconds`; reports ack p50/p99, delivery (shopper send →
// agent's `message` event) p50/p99, messages/s and the server's CPU % (/proc/PID/stat).
// With --bot-shoppers, M more shoppers stay with the bot and each asks one of the questions
// in FILE (a JSON list of strings) every `interval` s: bot answer p50/p99 (send → the bot's
// `message`) under the same load. A shopper the bot handed to a person stops asking.
// `--panel focus` (the default) makes each agent behave as the agent panel does: the handshake
// says no chat is open, and the first chat assigned is opened (`focus`) and stays open, so the
// server finds suggestions for one chat an agent; `--panel all` never says, as panels before
// 2026-12-01 (suggestions for every chat).
// With `--agent-url`, agents log in and connect there and shoppers at `--url` (two processes
// sharing the database and Redis: every message crosses between them); `--pid` then lists
// every server process, and CPU % is their sum (`server_cpu_pct_each` gives each).
// `--shops demo,east`: the conversations split evenly over those shops (each with its own
// agents, numbered on: see bench/seed_agents.py); the second shop's shoppers connect to
// `--agent-url` and its agents to `--url`, so with two processes both store messages and every
// message still crosses from one to the other.
// idle: N shoppers connect and are greeted (`session`); reports the server's RSS growth per
// connection. connect: N new shoppers as fast as the server greets them (`parallel` at a
// time), then the same N resuming with their tokens; reports shoppers/s for each.
// Websocket transport only (the widget starts with polling and upgrades). Prints one JSON line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';

const [mode, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i += 2) opts[rest[i].replace(/^--/, '')] = rest[i + 1];
const num = (name, fallback) => (opts[name] === undefined ? fallback : Number(opts[name]));
const url = opts.url ?? 'http://127.0.0.1:8000';
const agentUrl = opts['agent-url'] ?? url;
const pids = (opts.pid ?? '').split(',').filter(Boolean).map(Number);
const shops = (opts.shops ?? 'demo').split(',');
const TIMEOUT_MS = num('timeout', 120) * 1000;

// Every socket is a file descriptor: raise our own soft limit to the hard one by re-running
// under the shell's `ulimit -n` (Node has no setrlimit), once.
function openFileLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.trim().split(/\s+/).slice(3, 5);
  return { soft: Number(soft) || Infinity, hard: hard === 'unlimited' ? 'unlimited' : Number(hard) };
}
const needed = Math.max(num('shoppers', 0), num('conversations', 0) * 1.3) + 200;
if (openFileLimit().soft < needed && !process.env.BENCH_DRIVER_RAISED) {
  const script = 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"';
  const run = spawnSync('sh', ['-c', script, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_DRIVER_RAISED: '1' },
  });
  process.exit(run.status ?? 1);
}
if (openFileLimit().soft < needed) {
  console.error(`warning: open file limit ${openFileLimit().soft} < ${needed} sockets needed`);
}

const TICK = 100; // USER_HZ on Linux
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}
const cpuEach = () => pids.map(cpuOf);
const cpuSeconds = () => cpuEach().reduce((a, b) => a + b, 0);
function rssKiB() {
  if (!pids.length) return 0;
  const line = readFileSync(`/proc/${pids[0]}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]);
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

function pct(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
}
const summary = (values) => ({ n: values.length, p50: pct(values, 0.5), p99: pct(values, 0.99) });

function connect(namespace, auth, base = url) {
  return io(base + namespace, {
    transports: ['websocket'],
    auth,
    forceNew: true,
    reconnection: false,
    timeout: TIMEOUT_MS,
  });
}

// A shopper greeted with `session`: resolves to { socket, session }.
function shopper(auth, base = url) {
  return new Promise((resolve, reject) => {
    const socket = connect('/visitor', auth, base);
    const timer = setTimeout(() => reject(new Error('no `session` event in time')), TIMEOUT_MS);
    socket.once('session', (session) => (clearTimeout(timer), resolve({ socket, session })));
    socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)));
  });
}

const panelFocus = (opts.panel ?? 'focus') === 'focus';

async function agent(index, base = agentUrl) {
  let response;
  for (let attempt = 0; attempt < 30; attempt++) {
    response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `bench${index}`, password: 'bench123' }),
    });
    // The login limit per address holds 10 logins in flight: wait and retry.
    if (response.status !== 429) break;
    await sleep(1000);
  }
  if (!response.ok) throw new Error(`login bench${index}: HTTP ${response.status}`);
  const { token } = await response.json();
  return new Promise((resolve, reject) => {
    const socket = connect('/agent', panelFocus ? { token, focus: null } : { token }, base);
    if (panelFocus) {
      socket.once('assigned', (chat) => socket.emit('focus', { conversation_id: chat.conversation.id }));
    }
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// Runs `make(i)` for i < n with at most `parallel` pending at once.
async function pool(n, parallel, make) {
  const results = new Array(n);
  let next = 0;
  async function lane() {
    while (next < n) {
      const i = next++;
      results[i] = await make(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, parallel) }, lane));
  return results;
}

async function relay() {
  const conversations = num('conversations', 100);
  const perAgent = num('chats-per-agent', 5);
  const interval = num('interval', 5) * 1000;
  const seconds = num('seconds', 30);
  // Shop g: its shoppers on one side, its agents on the other, alternating by shop.
  const sides = [url, agentUrl];
  const perShop = Math.ceil(conversations / shops.length);
  const agentsPerShop = Math.ceil(perShop / perAgent);
  const groups = shops.map((shop, g) => ({
    shop,
    size: Math.min(perShop, conversations - g * perShop),
    shoppersAt: sides[g % 2],
    agentsAt: sides[(g + 1) % 2],
    firstAgent: g * agentsPerShop,
  }));
  const agents = [];
  for (const { agentsAt, firstAgent } of groups) {
    agents.push(...(await pool(agentsPerShop, 8, (i) => agent(firstAgent + i, agentsAt))));
  }
  const sentAt = new Map();
  const acks = [];
  const deliveries = [];
  let counting = false;
  let assigned = 0;
  for (const socket of agents) {
    socket.on('assigned', () => assigned++);
    socket.on('message', (message) => {
      const started = sentAt.get(message.text);
      if (started === undefined) return;
      sentAt.delete(message.text);
      if (counting) deliveries.push(now() - started);
    });
  }
  const shoppers = [];
  for (const { shop, size, shoppersAt } of groups) {
    shoppers.push(...(await pool(size, 50, () => shopper({ shop }, shoppersAt))));
  }
  for (const { socket } of shoppers) {
    const ack = await socket.timeout(TIMEOUT_MS).emitWithAck('handoff', {});
    // Routing may assign after the ack (`queued` first); the agents' `assigned` events count.
    if (!ack.ok || !['assigned', 'queued'].includes(ack.status)) {
      throw new Error(`handoff: ${JSON.stringify(ack)}`);
    }
  }
  const deadline = now() + TIMEOUT_MS;
  while (assigned < conversations) {
    if (now() > deadline) throw new Error(`only ${assigned} of ${conversations} chats assigned`);
    await sleep(50);
  }
  let refused = 0;
  let stop = false;
  async function talk({ socket }, index) {
    await sleep(Math.random() * interval);
    for (let turn = 0; !stop; turn++) {
      const text = `m${index}-${turn}`;
      const started = now();
      sentAt.set(text, started);
      const ack = await socket.timeout(TIMEOUT_MS).emitWithAck('message', { client_id: text, text });
      if (!ack.ok) refused++;
      else if (counting) acks.push(now() - started);
      await sleep(Math.max(0, interval - (now() - started)));
    }
  }
  const botShoppers = await pool(num('bot-shoppers', 0), 50, () => shopper({ shop: 'demo' }));
  const questions = opts.questions ? JSON.parse(readFileSync(opts.questions, 'utf8')) : [];
  if (botShoppers.length && !questions.length) throw new Error('--bot-shoppers needs --questions');
  const botAnswers = [];
  let handedOver = 0;
  async function ask({ socket }, index) {
    let answered = null;
    socket.on('message', (message) => message.sender === 'bot' && answered?.());
    await sleep(Math.random() * interval);
    for (let turn = 0; !stop; turn++) {
      const text = questions[(index * 7 + turn) % questions.length];
      const started = now();
      const reply = new Promise((resolve) => (answered = resolve));
      const ack = await socket
        .timeout(TIMEOUT_MS)
        .emitWithAck('message', { client_id: `q${index}-${turn}`, text });
      if (!ack.ok) refused++;
      else if (ack.status !== 'bot') {
        handedOver++;
        return;
      } else {
        await Promise.race([reply, sleep(TIMEOUT_MS)]);
        if (counting) botAnswers.push(now() - started);
      }
      answered = null;
      await sleep(Math.max(0, interval - (now() - started)));
    }
  }
  const talking = [...shoppers.map(talk), ...botShoppers.map(ask)];
  await sleep(interval); // every shopper has started; the window opens at a steady rate
  counting = true;
  const [cpu0, t0, load0] = [cpuEach(), now(), loadavg()];
  await sleep(seconds * 1000);
  const [cpu1, t1] = [cpuEach(), now()];
  counting = false;
  stop = true;
  await Promise.all(talking);
  for (const socket of [...agents, ...[...shoppers, ...botShoppers].map((s) => s.socket)]) {
    socket.disconnect();
  }
  const elapsed = (t1 - t0) / 1000;
  const cpuPct = (seconds) => Math.round((seconds / elapsed) * 1000) / 10;
  return {
    conversations,
    shops,
    agents: agents.length,
    seconds: Math.round(elapsed * 10) / 10,
    messages_per_s: Math.round((deliveries.length / elapsed) * 10) / 10,
    ack_ms: summary(acks),
    delivery_ms: summary(deliveries),
    refused,
    ...(botShoppers.length
      ? { bot_shoppers: botShoppers.length, bot_answer_ms: summary(botAnswers), handed_over: handedOver }
      : {}),
    server_cpu_pct: cpuPct(cpu1.reduce((a, b) => a + b, 0) - cpu0.reduce((a, b) => a + b, 0)),
    server_cpu_pct_each: cpu1.map((c, i) => cpuPct(c - cpu0[i])),
    load_before: load0,
    load_after: loadavg(),
  };
}

async function idle() {
  const n = num('shoppers', 1000);
  const warm = await pool(50, 50, () => shopper({ shop: 'demo' }));
  await sleep(2000);
  const before = rssKiB();
  const load0 = loadavg();
  const started = now();
  const shoppers = await pool(n, num('parallel', 100), () => shopper({ shop: 'demo' }));
  const opened = (now() - started) / 1000;
  await sleep(num('settle', 5) * 1000);
  const after = rssKiB();
  for (const { socket } of [...warm, ...shoppers]) socket.disconnect();
  return {
    shoppers: n,
    open_seconds: Math.round(opened * 10) / 10,
    rss_before_kib: before,
    rss_after_kib: after,
    kib_per_connection: Math.round(((after - before) / n) * 10) / 10,
    driver_rss_mib: Math.round(process.memoryUsage().rss / 1048576),
    load_before: load0,
    load_after: loadavg(),
  };
}

// Waits until the disconnects have settled (at least 2 s, then until the server spends under
// a tenth of a core); returns the server CPU seconds spent meanwhile.
async function settled() {
  const cpu0 = cpuSeconds();
  await sleep(2000);
  for (let i = 0; i < 120; i++) {
    const before = cpuSeconds();
    await sleep(500);
    if (cpuSeconds() - before < 0.05) break;
  }
  return cpuSeconds() - cpu0;
}

async function connectRate() {
  const n = num('shoppers', 1000);
  const parallel = num('parallel', 100);
  const load0 = loadavg();
  const round = async (authOf) => {
    const latencies = [];
    const cpu0 = cpuSeconds();
    const started = now();
    const opened = await pool(n, parallel, async (i) => {
      const t = now();
      const result = await shopper(authOf(i));
      latencies.push(now() - t);
      return result;
    });
    const elapsed = (now() - started) / 1000;
    const cpu = cpuSeconds() - cpu0;
    for (const { socket } of opened) socket.disconnect();
    const disconnectCpu = await settled();
    const stats = {
      per_s: Math.round(n / elapsed),
      seconds: Math.round(elapsed * 100) / 100,
      connect_ms: summary(latencies),
      server_cpu_ms_each: Math.round((cpu / n) * 100000) / 100,
      // The server's CPU from the disconnects until it is idle again, per shopper.
      disconnect_cpu_ms_each: Math.round((disconnectCpu / n) * 100000) / 100,
    };
    return { stats, sessions: opened.map((o) => o.session) };
  };
  const fresh = await round(() => ({ shop: 'demo' }));
  const tokens = fresh.sessions.map((s) => s.token);
  const resumed = await round((i) => ({ shop: 'demo', token: tokens[i] }));
  const same = resumed.sessions.every((s, i) => s.conversation_id === fresh.sessions[i].conversation_id);
  if (!same) throw new Error('a resuming shopper got another conversation');
  return { shoppers: n, parallel, new: fresh.stats, resuming: resumed.stats, load_before: load0, load_after: loadavg() };
}

const modes = { relay, idle, connect: connectRate };
if (!modes[mode]) {
  console.error('usage: node driver.mjs relay|idle|connect --url URL --pid PID [options]');
  process.exit(2);
}
modes[mode]().then(
  (result) => {
    console.log(JSON.stringify({ mode, url, agent_url: agentUrl, ...result }));
    process.exit(0);
  },
  (error) => {
    console.error(`driver failed: ${error.stack ?? error}`);
    process.exit(1);
  },
);
