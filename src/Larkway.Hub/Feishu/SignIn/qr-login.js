// Feishu's QR login on the broker's sign-in page (real Feishu only): the QR SDK draws the code in #feishu-qr; when the
// person confirms on their phone, the SDK's frame posts a tmp_code, and the page goes to goto + "&tmp_code=…", from
// where Feishu sends the browser to the Hub's callback with a code (Feishu's QR SDK documentation).
(function () {
  var box = document.getElementById("feishu-qr");
  if (!box || typeof window.QRLogin !== "function") {
    return;
  }

  var gotoUrl = box.getAttribute("data-goto");
  var qr = window.QRLogin({ id: "feishu-qr", goto: gotoUrl, width: "250", height: "250" });
  window.addEventListener("message", function (event) {
    if (qr.matchOrigin(event.origin) && qr.matchData(event.data) && event.data.tmp_code) {
      window.location.href = gotoUrl + "&tmp_code=" + encodeURIComponent(event.data.tmp_code);
    }
  }, false);
})();
