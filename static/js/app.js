// After htmx swaps in new content, move the keyboard focus where the fragment asks for it,
// so adding, editing and reordering cards never leaves a keyboard user lost on the page.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt.querySelector?.("[data-autofocus]") ||
    (event.detail.elt.matches?.("[data-autofocus]") ? event.detail.elt : null);
  if (target) target.focus();
});
