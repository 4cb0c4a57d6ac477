// Larkway Hub console: the notification type editor's live card preview. An external file (the console's CSP allows
// no inline script). It posts the form (with its antiforgery token) to the page's Preview handler, which renders the
// card server-side, and swaps in the HTML; input is debounced so typing does not flood the Hub.
(function () {
  "use strict";
  var form = document.getElementById("type-form");
  var preview = document.getElementById("preview");
  if (!form || !preview || !form.dataset.preview) {
    return;
  }

  var timer = null;
  var latest = 0;

  function render() {
    var ticket = ++latest;
    fetch(form.dataset.preview, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(new Error("preview failed: HTTP " + response.status));
      })
      .then(function (html) {
        // Only the newest answer is shown: an older, slower one must not overwrite it.
        if (ticket === latest) {
          preview.innerHTML = html;
          preview.dataset.version = String(ticket);
        }
      })
      .catch(function (error) {
        if (ticket === latest) {
          preview.textContent = String(error.message || error);
        }
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
})();
