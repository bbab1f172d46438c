// The "Connecting to <provider>…" page: with scripts on, go on at once; the button is there for
// readers without scripts.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) {
    form.submit();
  }
});
