// Computes X-Twilio-Signature values with Twilio's own Node library, so the service's signature
// check is tested against Twilio's implementation rather than against itself.
//
// stdin:  {"authToken": "...", "requests": [{"url": "https://.../sms/twilio", "params": {"Body": "hi", ...}}, ...]}
// stdout: ["signature1", "signature2", ...] in the same order
"use strict";
const twilio = require("twilio");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { authToken, requests } = JSON.parse(input);
  const signatures = requests.map(({ url, params }) => {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    // Twilio's own validator must agree with its signer, or the peer itself is broken.
    if (!twilio.validateRequest(authToken, signature, url, params)) {
      throw new Error("twilio.validateRequest refused its own signature");
    }
    return signature;
  });
  process.stdout.write(JSON.stringify(signatures));
});
