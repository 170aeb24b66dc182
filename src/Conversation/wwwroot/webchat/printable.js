// The poster's "Print this poster" button. It needs this script, so it stays hidden without it; the
// page then points to the browser's own Print command. Loaded as a file: the page's
// Content-Security-Policy allows no inline script.
(function () {
  'use strict';

  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
})();
