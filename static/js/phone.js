// The phone: show "Your turn" to the right person, and fetch this participant's own answer
// form whenever the card on screen changes (pushed fragments are the same for every phone).
(() => {
  function syncTurn() {
    const turn = document.getElementById("phone-turn");
    const me = document.body.dataset.participant;
    document.body.classList.toggle("is-my-turn", Boolean(turn && me && turn.dataset.turnOf === me));
  }
  function syncAnswer() {
    const card = document.getElementById("phone-card");
    const answer = document.getElementById("phone-answer");
    if (card && answer && answer.dataset.card !== card.dataset.card) {
      answer.dataset.card = card.dataset.card;
      htmx.ajax("GET", answer.dataset.src, { target: "#phone-answer", swap: "outerHTML" });
    }
  }
  document.addEventListener("htmx:wsAfterMessage", () => { syncTurn(); syncAnswer(); });
  document.addEventListener("DOMContentLoaded", syncTurn);
})();

// An answer that could not be sent (no network, server away) keeps its text, is marked
// "not sent yet", and is sent by itself once the phone is back online or its live
// connection reopens. It is never dropped without a word.
(() => {
  let unsent = null;
  const mark = (form, visible) => {
    const note = form.querySelector("[data-unsent]");
    if (note) note.hidden = !visible;
  };
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest?.(".answer-form");
    if (form) {
      unsent = form;
      mark(form, true);
    }
  });
  const resend = () => {
    const form = unsent;
    unsent = null;
    if (form && document.contains(form)) htmx.trigger(form, "submit");
  };
  window.addEventListener("online", resend);
  document.addEventListener("htmx:wsOpen", resend);
})();
