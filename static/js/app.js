// Keep the language switch pointing at the current address after htmx changed it
// (filters push their URL), so switching language keeps the filters.
document.addEventListener("htmx:pushedIntoHistory", function () {
  var next = document.getElementById("language-next");
  if (next) {
    next.value = window.location.pathname + window.location.search;
  }
});
