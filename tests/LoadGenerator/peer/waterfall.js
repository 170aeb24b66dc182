// The same conversation as PatientContact's engine, as a Bot Framework JS waterfall (botbuilder +
// botbuilder-dialogs, TestAdapter, MemoryStorage), run in process. Prints the cost per turn as JSON.
// Usage: node waterfall.js <conversations>
'use strict';
const { TestAdapter, ConversationState, MemoryStorage, ActivityTypes } = require('botbuilder');
const { DialogSet, WaterfallDialog, ChoicePrompt, TextPrompt, DialogTurnStatus, ListStyle } = require('botbuilder-dialogs');

const conversations = Number(process.argv[2] || 1000);
const storage = new MemoryStorage();
const state = new ConversationState(storage);
const dialogState = state.createProperty('dialogState');
const dialogs = new DialogSet(dialogState);

const dateOk = (s) => {
  const m = /^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$/.exec(s.trim());
  if (!m) return false;
  const d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
  return d.getUTCDate() === +m[1] && d <= new Date() && d.getUTCFullYear() > new Date().getUTCFullYear() - 130;
};
const nameOk = (s) => /^[\p{L}' -]{1,35}$/u.test(s.trim()) && /\p{L}/u.test(s);
const postcodeOk = (s) => /^[A-PR-UWYZ][A-HK-Y0-9][A-HJKPSTUW0-9]?[ABEHMNPRVWXY0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}$/i.test(s.trim());
const phoneOk = (s) => /^(\+44\s?|0)\d[\d ]{8,12}$/.test(s.trim());
const textPrompt = (id, ok) => new TextPrompt(id, async (p) => p.recognized.succeeded && ok(p.recognized.value));
dialogs.add(new ChoicePrompt('choice'));
dialogs.add(textPrompt('details', (s) => s.length >= 1 && s.length <= 1000));
dialogs.add(textPrompt('name', nameOk));
dialogs.add(textPrompt('date', dateOk));
dialogs.add(textPrompt('postcode', postcodeOk));
dialogs.add(textPrompt('phone', phoneOk));

const choice = (prompt, choices) => async (step) => {
  if (step.result !== undefined) step.values[step.stepIndex] = step.result;
  return step.prompt('choice', { prompt, choices, style: ListStyle.suggestedAction });
};
const text = (id, prompt) => async (step) => {
  if (step.result !== undefined) step.values[step.stepIndex] = step.result;
  return step.prompt(id, { prompt, retryPrompt: 'Please check that and try again.' });
};
dialogs.add(new WaterfallDialog('intake', [
  choice('Is this an emergency?', ["No, it's not an emergency", "Yes, it's an emergency"]),
  choice('What is your request about?', ['Medical request', 'Admin request', 'NHS advice online']),
  text('details', 'Tell us about your request.'),
  choice('Who is this request for?', ['Myself', 'Someone else']),
  text('name', 'What is your first name?'),
  text('name', 'What is your last name?'),
  text('date', 'What is your date of birth?'),
  choice('What is your gender?', ['Female', 'Male', 'Other', 'Prefer not to say']),
  text('postcode', 'What is your postcode?'),
  text('phone', 'What UK phone number should we use?'),
  choice('Do you have that phone with you now?', ['Yes', 'No']),
  choice('How should we reply to you?', ['Text message', 'Phone call']),
  async (step) => step.prompt('choice', { prompt: 'Please check your answers.', choices: ['Submit', 'Change an answer'] }),
  async (step) => { await step.context.sendActivity('Thank you. Your request has been sent.'); return step.endDialog(); },
]));

const logic = async (context) => {
  const dc = await dialogs.createContext(context);
  const result = await dc.continueDialog();
  if (result.status === DialogTurnStatus.empty) await dc.beginDialog('intake');
  await state.saveChanges(context);
};

const script = ['hi', '1', '1', 'I have had a cough for two weeks and it is not getting better.', '1', 'Jane', 'Smith',
  '22/10/2010', '1', 'LS1 6AE', '07700 900123', '2', '1', '1'];

async function converse(n) {
  const conversationAdapter = new TestAdapter(logic);
  conversationAdapter.conversation.conversation.id = `peer-${n}`;
  let last = '';
  let replies = 0;
  for (const line of script) {
    await conversationAdapter.receiveActivity({ type: ActivityTypes.Message, text: line });
    const sent = conversationAdapter.activeQueue.splice(0);
    replies += sent.length;
    if (sent.length) last = sent[sent.length - 1].text;
  }
  if (!String(last).startsWith('Thank you')) throw new Error(`conversation ${n} ended with: ${last}`);
  return replies;
}

(async () => {
  for (let i = 0; i < 50; i++) await converse(-1 - i); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let replies = 0;
  for (let i = 0; i < conversations; i++) replies += await converse(i);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const turns = conversations * script.length;
  process.stdout.write(JSON.stringify({
    conversations, turns, replies,
    cpuMicrosecondsPerTurn: (cpu.user + cpu.system) / turns,
    wallMicrosecondsPerTurn: wallNs / 1000 / turns,
    heapUsedBytes: process.memoryUsage().heapUsed,
  }) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
