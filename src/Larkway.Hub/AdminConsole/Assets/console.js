// Larkway Hub console's script: an external file (the console's CSP allows no inline script). Every page works without
// it; it only adds conveniences.

// The menu's groups are <details> dropdowns (one open at a time by their shared name): Escape or a click elsewhere closes
// an open one, as a menu does.
(function () {
  "use strict";
  function closeAll(except) {
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      if (group !== except) {
        group.open = false;
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.nav-group") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }

    var open = document.querySelector("details.nav-group[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();

// A URL shown whole (ConsoleHtml.Url) gets a Copy button; without script the URL text stays selectable and the button hidden.
(function () {
  "use strict";
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // The clipboard API needs a secure origin (HTTPS or localhost); a Hub on plain HTTP elsewhere selects and copies instead.
  function copy(text, node) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }

    select(node);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll(".url-box").forEach(function (box) {
    var button = box.querySelector("button.copy");
    var url = box.querySelector("code.url");
    if (!button || !url) {
      return;
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      copy(url.textContent, url).then(function () {
        button.textContent = "Copied";
        button.classList.add("copied");
      }, function () {
        // Refused (a browser policy): the URL is selected, so Ctrl+C copies it.
        select(url);
        button.textContent = "Press Ctrl+C";
      });
    });
  });
})();

// The notification type editor's live card preview. It posts the form (with its antiforgery token) to the page's Preview handler, which renders the
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
