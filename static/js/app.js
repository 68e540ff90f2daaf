// After htmx swaps in new content, move the keyboard focus where the fragment asks for it,
// so adding, editing and reordering cards never leaves a keyboard user lost on the page.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt.querySelector?.("[data-autofocus]") ||
    (event.detail.elt.matches?.("[data-autofocus]") ? event.detail.elt : null);
  if (target) target.focus();
});

// When a request fails (network down, server error), say so instead of doing nothing.
(() => {
  const show = (visible) => {
    const banner = document.getElementById("connection-problem");
    if (banner) banner.hidden = !visible;
  };
  document.addEventListener("htmx:sendError", () => show(true));
  document.addEventListener("htmx:responseError", () => show(true));
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) show(false);
  });
})();
