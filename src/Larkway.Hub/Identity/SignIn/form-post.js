// OAuth 2.0 Form Post Response Mode: the page holds the answer for the app as a form; posting it at once is the mode's
// whole point (a <noscript> button does the same by hand).
(function () {
  var form = document.getElementById("form-post");
  if (form) {
    form.submit();
  }
})();
