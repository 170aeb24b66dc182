// Starts the Web Chat widget on the patient link page (/c/{serviceId}). Loaded as a file after the
// widget's bundle: the page's Content-Security-Policy allows no inline script.
(function () {
  'use strict';

  // Direct Line connection states (botframework-directlinejs ConnectionStatus).
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;

  var script = document.currentScript;
  var nonce = script && script.nonce;
  var host = document.getElementById('webchat');
  var status = document.getElementById('chat-status');
  var serviceId = host.getAttribute('data-service-id');
  var phone = host.getAttribute('data-phone');
  // WebSocket by default; ?transport=polling polls instead (some networks block WebSockets; tests use both).
  var webSocket = new URLSearchParams(window.location.search).get('transport') !== 'polling';

  var notSent = ' If you did not get a reference number, your request has not been sent.';
  var messages = {
    expired: 'This conversation has timed out.' + notSent,
    ended: 'This conversation has ended.' + notSent,
    lost: 'We have lost the connection to this conversation.' + notSent,
    failed: "Sorry, we can't start a conversation right now. Please try again in a few minutes, or call us on " + phone + '.',
    linkEnded: 'This follow-up link has ended. Open it again to see how you can still contact us.',
    busy: 'Too many conversations have been started from this connection. Please wait a minute, then try again.'
  };

  var shown = false;

  // Says what went wrong above the chat, with a way to start again; the first problem wins.
  function show(kind) {
    if (shown) {
      return;
    }
    shown = true;
    status.textContent = '';
    var heading = document.createElement('h2');
    heading.className = 'nhsuk-heading-s';
    heading.textContent = 'There is a problem';
    var text = document.createElement('p');
    text.textContent = messages[kind] || messages.failed;
    var again = document.createElement('a');
    again.href = window.location.pathname + window.location.search;
    again.textContent = 'Start a new conversation';
    var line = document.createElement('p');
    line.appendChild(again);
    status.appendChild(heading);
    status.appendChild(text);
    status.appendChild(line);
    status.hidden = false;
    status.focus();
  }

  function start(grant) {
    var directLine = window.WebChat.createDirectLine({
      domain: window.location.origin + '/v3/directline',
      token: grant.token,
      webSocket: webSocket
    });

    directLine.connectionStatus$.subscribe(function (state) {
      if (state === EXPIRED_TOKEN) {
        show('expired');
      } else if (state === ENDED) {
        show('ended');
      } else if (state === FAILED_TO_CONNECT) {
        show('failed');
      }
    });

    // A stream that errors (the conversation was removed) or stops (polling gives up after one
    // failed read) would otherwise leave the widget looking connected.
    directLine.activity$.subscribe(
      function () {},
      function () { show('ended'); },
      function () { show('lost'); }
    );

    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        locale: 'en-GB',
        nonce: nonce,
        styleOptions: {
          accent: '#005eb8',
          primaryFont: 'Frutiger W01, Arial, Helvetica, sans-serif',
          fontSizeSmall: '90%',
          subtle: '#4c6272',
          timestampColor: '#4c6272',
          bubbleBackground: '#f0f4f5',
          bubbleBorderRadius: 4,
          bubbleTextColor: '#212b32',
          bubbleFromUserBackground: '#005eb8',
          bubbleFromUserBorderRadius: 4,
          bubbleFromUserTextColor: '#ffffff',
          bubbleMaxWidth: 640,
          // Photos go up as the patient picked them: the service checks them, removes their metadata and sends back
          // its own small copy to show (the widget's own preview would travel inside the message, over its limit).
          enableUploadThumbnail: false,
          uploadAccept: 'image/jpeg,image/png',
          uploadMultiple: true,
          sendBoxTextWrap: true,
          sendBoxButtonColor: '#005eb8',
          sendBoxPlaceholderColor: '#4c6272',
          suggestedActionLayout: 'stacked',
          suggestedActionBackgroundColor: '#ffffff',
          suggestedActionBorderColor: '#005eb8',
          suggestedActionBorderRadius: 4,
          suggestedActionBorderWidth: 2,
          suggestedActionTextColor: '#005eb8',
          suggestedActionHeight: 44
        }
      },
      host
    );
  }

  // A personal follow-up link page names its own token address; the general link asks the service's.
  var tokenUrl = host.getAttribute('data-token-url') || '/c/' + encodeURIComponent(serviceId) + '/token';
  fetch(tokenUrl, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    credentials: 'omit'
  })
    .then(function (response) {
      if (response.status === 429) {
        throw new Error('busy');
      }
      if (response.status === 410) {
        throw new Error('linkEnded');
      }
      if (!response.ok) {
        throw new Error('failed');
      }
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      show(error && (error.message === 'busy' || error.message === 'linkEnded') ? error.message : 'failed');
    });
})();
