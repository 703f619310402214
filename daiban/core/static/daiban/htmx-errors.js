// htmx swaps only 2xx answers. A target marked data-swap-errors also shows its 400 (form errors) and
// 429 (over a limit) answers in place. A listener in a file, not an hx-on attribute: hx-on needs eval,
// which the Content-Security-Policy forbids (htmx runs with allowEval off, see base.html).
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var status = event.detail.xhr.status;
  if ((status === 400 || status === 429) && target && target.closest && target.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
