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
