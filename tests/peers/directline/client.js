// The npm botframework-directlinejs client, set up to run in Node: Node has no XMLHttpRequest, so
// the client's ajax service (an injection point of the library) is given one over fetch; and no
// global WebSocket before Node 22, so the ws package stands in. Everything else is the library's own.
'use strict';

const path = require('path');
const directLinePath = require.resolve('botframework-directlinejs');
const { DirectLine, ConnectionStatus } = require(directLinePath);
// The same rxjs instance the library patched its operators onto.
const { Observable } = require(require.resolve('rxjs/Observable', { paths: [path.dirname(directLinePath)] }));
const WebSocket = require('ws');

if (typeof global.WebSocket === 'undefined') {
  global.WebSocket = WebSocket;
}

function ajax(request) {
  return Observable.create((subscriber) => {
    const controller = new AbortController();
    const timer = request.timeout ? setTimeout(() => controller.abort(), request.timeout) : null;
    const headers = Object.assign({}, request.headers || {});
    let body = request.body;
    if (body !== undefined && body !== null && typeof body === 'object') {
      body = JSON.stringify(body);
      headers['Content-Type'] = headers['Content-Type'] || 'application/json';
    }

    let done = false;
    fetch(request.url, { method: request.method || 'GET', headers, body, signal: controller.signal })
      .then(async (response) => {
        const text = await response.text();
        let parsed = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch (e) {
          // Not JSON: kept as text.
        }
        const result = { status: response.status, response: parsed, xhr: { getResponseHeader: (name) => response.headers.get(name) } };
        done = true;
        if (response.status >= 200 && response.status < 300) {
          subscriber.next(result);
          subscriber.complete();
        } else {
          subscriber.error(result);
        }
      })
      .catch((error) => {
        done = true;
        subscriber.error({ status: 0, response: null, message: String(error), xhr: { getResponseHeader: () => null } });
      })
      .finally(() => timer && clearTimeout(timer));

    return () => {
      if (!done) {
        controller.abort();
      }
    };
  });
}

/** A DirectLine client against this service's /v3/directline with a token from /c/{serviceId}/token. */
async function connect(baseUrl, serviceId, transport) {
  const response = await fetch(`${baseUrl}/c/${encodeURIComponent(serviceId)}/token`, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`token call answered ${response.status}`);
  }
  const grant = await response.json();
  const directLine = new DirectLine({
    domain: `${baseUrl}/v3/directline`,
    token: grant.token,
    webSocket: transport !== 'polling',
    pollingInterval: 300,
    ajax,
    WebSocket
  });
  return { directLine, conversationId: grant.conversationId };
}

module.exports = { connect, ajax, ConnectionStatus };
