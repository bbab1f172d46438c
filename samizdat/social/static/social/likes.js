/* Like and unlike without leaving the page. The form works without this script; with it, the
   form is posted with fetch and the server's refreshed likes are swapped in. The count sits in an
   aria-live region, so screen readers hear the new number; focus stays on the button. */
(function () {
  "use strict";

  function swap(body, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = template.content.querySelector("[data-likes-body]");
    if (!fresh) { return false; }
    var form = body.querySelector("[data-like-form]");
    var freshForm = fresh.querySelector("[data-like-form]");
    form.setAttribute("action", freshForm.getAttribute("action"));
    var button = form.querySelector("button");
    var freshButton = freshForm.querySelector("button");
    button.innerHTML = freshButton.innerHTML;
    button.className = freshButton.className;
    body.querySelector("[data-likes-count]").textContent =
      fresh.querySelector("[data-likes-count]").textContent;
    body.querySelector("[data-likers]").replaceWith(fresh.querySelector("[data-likers]"));
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-like-form]") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (form.dataset.busy) { return; }  // a double click sends one request
    form.dataset.busy = "1";
    button.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok || response.headers.get("Content-Type").indexOf("application/json") !== 0) {
        throw new Error("unexpected answer");
      }
      return response.json();
    }).then(function (data) {
      if (!swap(form.closest("[data-likes-body]"), data.html)) { throw new Error("unexpected answer"); }
      delete form.dataset.busy;
      button.removeAttribute("aria-busy");
    }).catch(function () {
      form.submit();  // let the server answer the plain way (sign-in page, error page…)
    });
  });
})();
