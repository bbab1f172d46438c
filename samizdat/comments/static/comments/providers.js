// The comment form's provider icons: say "Connecting to <provider>…" while the browser goes there
// (without scripts, the page on the way says the same).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".login-providers button[data-connecting]");
  if (!button) { return; }
  var status = button.parentElement.querySelector(".provider-status");
  if (status) { status.textContent = button.getAttribute("data-connecting"); }
  button.form.classList.add("connecting");
});
