/**
 * The portal's one script, served as /assets/portal.<hash>.js (CSP script-src 'self':
 * no inline script). Progressive enhancement only: every page works without it.
 * - `button[data-copy]`: copies the text of the element whose id it names;
 * - `form[data-confirm]`: asks before submitting (revoke, remove, rotate, archive).
 */
export const PORTAL_JS = String.raw`
(function () {
  'use strict';
  function status(button, text) {
    var out = document.getElementById(button.getAttribute('data-copy') + '-status');
    if (out) out.textContent = text;
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    event.preventDefault();
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var text = source.textContent || '';
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { status(button, 'Copied.'); }, function () { status(button, 'Select the text and copy it.'); });
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status(button, 'Selected: press Ctrl+C (or Cmd+C) to copy.');
    }
  });
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute ? form.getAttribute('data-confirm') : null;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  var buttons = document.querySelectorAll('button[data-copy][hidden]');
  for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
})();
`;
