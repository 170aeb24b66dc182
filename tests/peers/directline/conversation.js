#!/usr/bin/env node
// Walks patients through whole conversations with the botframework-directlinejs client and checks
// that every client saw every activity once, in the order the service stored them.
//
//   node conversation.js --base http://127.0.0.1:5000 --service riverside-gp --count 50 --transport mixed [--otp]
//
// Prints one JSON line per finished conversation ({"done": ...}), asks for one-time codes with
// {"otp": phone, "index": n} (answered by a line on stdin), and exits non-zero on any failure.
'use strict';

const readline = require('readline');
const { connect } = require('./client');

const args = parseArgs(process.argv.slice(2));
const base = args.base;
const serviceId = args.service || 'riverside-gp';
const count = Number(args.count || 1);
const transportOf = (i) => (args.transport === 'mixed' ? (i % 2 === 0 ? 'websocket' : 'polling') : args.transport || 'websocket');
const withOtp = Boolean(args.otp);
const stepTimeoutMs = Number(args['step-timeout'] || 20000);

const FIRST_NAMES = ['Ada', 'Bea', 'Cal', 'Dev', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];
const REFERENCE = /\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/;

const pendingCodes = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const waiter = pendingCodes.shift();
  if (waiter) {
    waiter(line.trim());
  }
});

function print(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function askForCode(phone, index) {
  return new Promise((resolve) => {
    pendingCodes.push(resolve);
    print({ otp: phone, index });
  });
}

function nameFor(index) {
  // Letters only, unique per conversation: "Ada" + "Bea"... -> "Adabea" for 0..99.
  return FIRST_NAMES[Math.floor(index / 10) % 10] + FIRST_NAMES[index % 10].toLowerCase();
}

async function runOne(index) {
  const transport = transportOf(index);
  const { directLine, conversationId } = await connect(base, serviceId, transport);
  const seen = [];
  const waiters = [];
  let failure = null;

  const subscription = directLine.activity$.subscribe(
    (activity) => {
      seen.push(activity);
      for (const waiter of waiters.slice()) {
        waiter();
      }
    },
    (error) => {
      failure = new Error('activity stream failed: ' + JSON.stringify(error && (error.status || error.message || error)));
    }
  );

  // The last message of a turn from the service expects input (or ends the conversation).
  const lastQuestion = () => {
    for (let i = seen.length - 1; i >= 0; i--) {
      const a = seen[i];
      if (a.from && a.from.role === 'bot' && (a.inputHint === 'expectingInput' || a.inputHint === 'acceptingInput')) {
        return { activity: a, position: i };
      }
    }
    return null;
  };

  function waitFor(predicate, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (failure) {
          cleanup();
          reject(failure);
          return;
        }
        const value = predicate();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`conversation ${index} (${transport}) timed out waiting for ${what}; last step ${(lastQuestion() || {}).activity?.channelData?.step}`));
      }, stepTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        const at = waiters.indexOf(check);
        if (at >= 0) {
          waiters.splice(at, 1);
        }
      };
      waiters.push(check);
      check();
    });
  }

  // Waits for the question of a step that arrived after `after` activities.
  const waitForStep = (step, after) =>
    waitFor(() => {
      const q = lastQuestion();
      return q && q.position >= after && q.activity.channelData && q.activity.channelData.step === step ? q.activity : null;
    }, `step ${step}`);

  let posted = 0;
  const clientIds = [];

  async function say(text, nextStep) {
    const clientActivityID = `${conversationId}-${++posted}`;
    clientIds.push(clientActivityID);
    const before = seen.length;
    const id = await new Promise((resolve, reject) => {
      directLine
        .postActivity({ type: 'message', from: { id: 'patient', role: 'user' }, text, textFormat: 'plain', channelData: { clientActivityID } })
        .subscribe(resolve, (e) => reject(new Error(`post failed: ${e && (e.status || e.message)}`)));
    });
    if (id === 'retry') {
      throw new Error('the client had to retry a post');
    }
    await waitFor(() => seen.slice(before).find((a) => a.id === id && a.channelData && a.channelData.clientActivityID === clientActivityID), `echo of ${clientActivityID}`);
    return waitForStep(nextStep, before);
  }

  const name = nameFor(index);
  await waitForStep('emergency', 0);
  await say('No', 'request-type');
  await say('1', 'details');
  await say(`Patient ${index} has had a sore knee for two weeks.`, 'photos');
  await say('No', 'proxy');
  await say('Myself', 'first-name');
  await say(name, 'last-name');
  await say('Testpatient', 'date-of-birth');
  await say('22/10/2010', 'gender');
  await say('Female', 'postcode');
  await say('LS1 6AE', 'phone');
  if (withOtp) {
    await say('07700 900123', 'mobile-access');
    await say('Yes', 'otp');
    const code = await askForCode('+447700900123', index);
    await say(code, 'contact-preference');
    await say('Text message', 'review');
  } else {
    await say('0113 496 0' + String(index % 1000).padStart(3, '0'), 'review');
  }
  const submitted = await say('Submit', 'submitted');
  const reference = (submitted.text.match(REFERENCE) || [])[0];
  if (!reference) {
    throw new Error(`conversation ${index}: no reference ID in "${submitted.text}"`);
  }

  // Nothing lost, nothing twice, nothing out of order: what the client saw is the stored stream.
  const ids = seen.map((a) => a.id);
  if (new Set(ids).size !== ids.length) {
    throw new Error(`conversation ${index}: an activity arrived twice`);
  }
  const echoes = seen.filter((a) => a.from && a.from.role === 'user').map((a) => a.channelData.clientActivityID);
  if (JSON.stringify(echoes) !== JSON.stringify(clientIds)) {
    throw new Error(`conversation ${index}: echoes ${JSON.stringify(echoes)} are not the posts ${JSON.stringify(clientIds)} in order`);
  }
  const stored = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities?watermark=`, {
    headers: { Authorization: `Bearer ${directLine.token}` }
  }).then((r) => r.json());
  const storedIds = stored.activities.map((a) => a.id);
  if (JSON.stringify(storedIds) !== JSON.stringify(ids)) {
    throw new Error(`conversation ${index}: the client saw ${ids.length} activities, the service stored ${storedIds.length}, or in another order`);
  }

  subscription.unsubscribe();
  directLine.end();
  return { index, transport, conversationId, reference, firstName: name, activities: seen.length, steps: posted };
}

function parseArgs(list) {
  const parsed = {};
  for (let i = 0; i < list.length; i++) {
    if (list[i].startsWith('--')) {
      const key = list[i].slice(2);
      const next = list[i + 1];
      if (next === undefined || next.startsWith('--')) {
        parsed[key] = true;
      } else {
        parsed[key] = next;
        i++;
      }
    }
  }
  return parsed;
}

(async () => {
  if (!base) {
    console.error('--base is required');
    process.exit(2);
  }
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => runOne(i).then((done) => (print({ done }), done))));
  const failed = results.filter((r) => r.status === 'rejected');
  for (const f of failed) {
    print({ failed: String(f.reason && f.reason.stack ? f.reason.stack : f.reason) });
  }
  process.exit(failed.length === 0 ? 0 : 1);
})().catch((error) => {
  print({ failed: String(error && error.stack ? error.stack : error) });
  process.exit(1);
});
