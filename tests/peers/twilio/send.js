// Sends one text with Twilio's own Node REST client, pointed at a fake Twilio API on loopback
// through a custom RequestClient, to show the fake answers the way the real client expects.
//
// stdin:  {"accountSid": "AC...", "authToken": "...", "apiBaseUrl": "http://127.0.0.1:port",
//          "to": "+44...", "from": "+44...", "body": "...", "validityPeriod": 600 (optional)}
// stdout: {"ok": true, "sid": "SM...", "status": "queued", "to": "...", "from": "...", "body": "..."}
//      or {"ok": false, "status": 400, "code": 21211, "message": "..."} when the API refuses it
"use strict";
const twilio = require("twilio");
const RequestClient = require("twilio/lib/base/RequestClient");

class LoopbackRequestClient extends RequestClient {
  constructor(apiBaseUrl) {
    super({ autoRetry: false });
    this.apiBaseUrl = apiBaseUrl.replace(/\/+$/, "");
  }

  request(opts) {
    const uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.apiBaseUrl);
    if (uri === opts.uri) {
      throw new Error(`refusing to call a real Twilio address: ${opts.uri}`);
    }
    return super.request({ ...opts, uri });
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const args = JSON.parse(input);
  const client = twilio(args.accountSid, args.authToken, {
    httpClient: new LoopbackRequestClient(args.apiBaseUrl),
  });
  const message = { to: args.to, from: args.from, body: args.body };
  if (args.validityPeriod) {
    message.validityPeriod = args.validityPeriod;
  }
  try {
    const sent = await client.messages.create(message);
    process.stdout.write(JSON.stringify({ ok: true, sid: sent.sid, status: sent.status, to: sent.to, from: sent.from, body: sent.body }));
  } catch (e) {
    if (e.status === undefined) {
      throw e;
    }
    process.stdout.write(JSON.stringify({ ok: false, status: e.status, code: e.code, message: e.message }));
  }
});
