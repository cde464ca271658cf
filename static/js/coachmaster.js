// CoachMaster's own script: when an htmx request fails, say so instead of silently doing nothing.
(function () {
  "use strict";

  function announce(event) {
    var box = document.getElementById("request-error");
    if (!box) {
      return;
    }
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    box.textContent = status === 403 || status === 404 ? box.dataset.forbidden : box.dataset.failed;
    box.hidden = false;
    box.focus();
  }

  document.addEventListener("htmx:responseError", announce);
  document.addEventListener("htmx:sendError", announce);
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) {
      box.hidden = true;
    }
  });
})();
