// Live progress of report jobs: every row still queued or running carries data-poll-url;
// fetch its fresh HTML from the server and swap it in until the job is done or failed.
(function () {
  "use strict";
  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 15000;

  function poll(row, delay) {
    var url = row.getAttribute("data-poll-url");
    if (!url) {
      return;
    }
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var fresh = template.content.querySelector("tr");
          row.replaceWith(fresh);
          poll(fresh, INTERVAL_MS);
        })
        .catch(function () {
          // The server may be restarting: keep the row, try again a little later.
          poll(row, Math.min(delay * 2, MAX_INTERVAL_MS));
        });
    }, delay);
  }

  document.querySelectorAll("tr[data-poll-url]").forEach(function (row) {
    poll(row, INTERVAL_MS);
  });
})();
