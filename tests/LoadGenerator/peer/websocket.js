// Web chat patients over the npm botframework-directlinejs client (the one inside the widget) in
// WebSocket mode, through tests/peers/directline/client.js. Each patient walks whole conversations;
// for every answer it records the time from posting to the next question arriving on its socket,
// and the time from the post's answer to that arrival (the push alone).
// Usage: node websocket.js <client.js> <baseUrl> <patients> <warmupMs> <durationMs> <maxThinkMs>
// Prints one JSON line: {"turns", "seconds", "reply": [ms...], "push": [ms...], "errors": {kind: n}, "cpuSeconds"}.
'use strict';

const [clientPath, base, patientsText, warmupText, durationText, thinkText] = process.argv.slice(2);
const { connect } = require(clientPath);

const patients = Number(patientsText);
const warmupMs = Number(warmupText);
const durationMs = Number(durationText);
const maxThinkMs = Number(thinkText);
const script = ['1', '1', 'I have had a cough for two weeks and it is not getting better.', '2', '1', 'Jane', 'Smith', '22/10/2010', '1', 'LS1 6AE', '0113 496 0000', '1'];

const reply = [];
const push = [];
const errors = {};
let measuringSince = null;
let stopped = false;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function error(kind) {
  if (measuringSince !== null && !stopped) {
    errors[kind] = (errors[kind] || 0) + 1;
  }
}

async function converse(patient, number) {
  const { directLine } = await connect(base, 'riverside-gp', 'websocket');
  const waiters = [];
  let failure = null;
  const subscription = directLine.activity$.subscribe(
    (activity) => {
      if (activity.from && activity.from.role === 'bot' && activity.inputHint && activity.inputHint !== 'ignoringInput') {
        const at = now();
        for (const w of waiters.splice(0)) {
          w(at);
        }
      }
    },
    (e) => {
      failure = new Error('stream: ' + (e && (e.status || e.message)));
    }
  );
  const nextQuestion = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(failure || new Error('no reply within 20 s')), 20000);
      waiters.push((at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  try {
    await nextQuestion();
    let sent = 0;
    for (const text of script) {
      if (stopped) {
        return;
      }
      const arrived = nextQuestion();
      const start = now();
      let answered = null;
      await new Promise((resolve, reject) =>
        directLine
          .postActivity({ type: 'message', from: { id: `load-${patient}`, role: 'user' }, text, textFormat: 'plain', channelData: { clientActivityID: `ws-${patient}-${number}-${++sent}` } })
          .subscribe((id) => {
            answered = now();
            if (id === 'retry') {
              reject(new Error('post retried'));
            } else {
              resolve();
            }
          }, (e) => reject(new Error('post: ' + (e && e.status))))
      );
      const at = await arrived;
      if (measuringSince !== null && !stopped) {
        reply.push(at - start);
        push.push(Math.max(0, at - answered));
      }
      if (maxThinkMs > 0) {
        await new Promise((r) => setTimeout(r, Math.random() * maxThinkMs));
      }
    }
  } finally {
    subscription.unsubscribe();
    directLine.end();
  }
}

async function patient(i) {
  let number = 0;
  while (!stopped) {
    try {
      await converse(i, ++number);
    } catch (e) {
      error(String(e.message || e).slice(0, 60));
    }
  }
}

setTimeout(() => {
  measuringSince = now();
}, warmupMs);
setTimeout(() => {
  const seconds = (now() - measuringSince) / 1000;
  stopped = true;
  const cpu = process.cpuUsage();
  const round = (list) => list.map((v) => Math.round(v * 100) / 100);
  // Exits once the line is written: a pipe takes 64 KB at a time.
  process.stdout.write(JSON.stringify({ turns: reply.length, seconds, reply: round(reply), push: round(push), errors, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n', () => process.exit(0));
}, warmupMs + durationMs);
for (let i = 0; i < patients; i++) {
  patient(i);
}
