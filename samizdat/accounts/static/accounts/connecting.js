// The "Connecting to <provider>…" pages: with scripts on, go on at once; the button (or link) is
// there for readers without scripts. The page marks it only after a press on our own pages.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) {
    form.submit();
    return;
  }
  var link = document.querySelector("a[data-auto-follow]");
  if (link) {
    window.location.assign(link.href);
  }
});
