// The printable cards' "Print" button opens the browser's print dialog (shown only with script).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
