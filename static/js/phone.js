// The phone. Pushed fragments are the same for every phone: this script shows "Your turn" to
// the right person, tells screen readers what changed, keeps what someone is typing when
// the answer form is replaced, and fetches this participant's own form when it may differ
// from the empty one pushed with a new card.
(() => {
  const WORDS = "textarea, input[type=text]";

  // Screen readers: one live region that is never swapped, so each change is heard once.
  const announce = (text) => {
    const region = document.getElementById("phone-announcer");
    if (!region || !text) return;
    region.textContent = "";
    // Set after a pause, so the same words said again are heard again.
    window.setTimeout(() => { region.textContent = text; }, 150);
  };

  // What the room sees: the form's note follows "only for the facilitator" and the consent.
  const showAudience = (form) => {
    const note = form?.querySelector("[data-audience]");
    if (!note) return;
    const hidden = form.elements.namedItem("is_private");
    const consent = form.querySelector("input[name=archive_consent]:checked");
    let key = "room";
    if (hidden?.checked) key = "private";
    else if (consent && (consent.value === "named" || consent.value === "anonymous")) key = consent.value;
    const text = note.dataset[`audience${key[0].toUpperCase()}${key.slice(1)}`];
    if (text && note.textContent !== text) note.textContent = text;
  };
  document.addEventListener("change", (event) => showAudience(event.target.closest?.(".answer-form")));

  // A draft: what was typed or chosen in an answer form and not sent, and where the caret was.
  const draftOf = (area) => {
    const form = area?.querySelector(".answer-form");
    if (!form) return null;
    const fields = [...form.elements].filter((field) => field.name && field.type !== "hidden");
    const typed = fields.filter((field) => field.matches(WORDS) && field.value !== field.defaultValue);
    const ticked = fields.filter((field) => (field.type === "checkbox" || field.type === "radio") &&
      field.checked !== field.defaultChecked);
    const active = form.contains(document.activeElement) ? document.activeElement : null;
    const note = form.querySelector("[data-draft-note]");
    return {
      words: typed.map((field) => [field.name, field.value]),
      choices: ticked.map((field) => [field.name, field.value, field.checked]),
      focus: active && { name: active.name, value: active.value, start: active.selectionStart, end: active.selectionEnd },
      noted: Boolean(note && !note.hidden),
    };
  };

  // Put a draft into the form now in `area`. Onto another card's form only the words go,
  // with a note that they were written for the previous card.
  const restore = (area, draft, sameCard) => {
    const form = area?.querySelector(".answer-form");
    if (!form || !draft) return;
    const named = (name, value) => [...form.elements].find((field) => field.name === name &&
      (value === undefined || field.value === value));
    let carried = false;
    for (const [name, value] of draft.words) {
      const field = named(name);
      if (field?.matches(WORDS) && value.trim()) {
        field.value = value;
        carried = true;
      }
    }
    if (sameCard) {
      for (const [name, value, checked] of draft.choices) {
        const field = named(name, value);
        if (field) field.checked = checked;
      }
    }
    const note = form.querySelector("[data-draft-note]");
    if (note && ((carried && !sameCard) || draft.noted)) note.hidden = false;
    if (draft.focus) {
      const field = draft.focus.name && (named(draft.focus.name, draft.focus.value) || named(draft.focus.name));
      if (field) {
        field.focus();
        if (field.matches(WORDS) && draft.focus.start !== null) {
          field.setSelectionRange(draft.focus.start, draft.focus.end);
        }
      }
    }
    showAudience(form);
  };

  // A new card's empty form, pushed over the socket, replaces the old one in the same swap
  // as the card; the same card's form again is left alone (it may hold typing, or "Saved").
  let pushedDraft = null;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const { target, fragment } = event.detail;
    if (target.id !== "phone-answer") return;
    const incoming = fragment.firstElementChild;
    if (incoming?.dataset.card === target.dataset.card) {
      event.detail.shouldSwap = false;
      return;
    }
    pushedDraft = draftOf(target);
  });

  // This participant's own form, fetched: only into the area it was fetched for, and only
  // while that area shows the same card and nothing was sent from it meanwhile.
  let fetchedFor = null;
  let fetchedDraft = null;
  const fetchOwnForm = (area) => {
    fetchedFor = area;
    area.removeAttribute("data-fetch");
    htmx.ajax("GET", area.dataset.src, { target: area, swap: "outerHTML" });
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.closest?.(".answer-form")) fetchedFor = null; // an answer is on its way
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target?.id !== "phone-answer" || event.detail.requestConfig?.verb !== "get") return;
    const key = /data-card="([^"]*)"/.exec(event.detail.serverResponse || "")?.[1];
    if (target !== fetchedFor || !document.contains(target) || key !== target.dataset.card) {
      event.detail.shouldSwap = false;
      return;
    }
    fetchedFor = null;
    fetchedDraft = draftOf(target);
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const area = document.getElementById("phone-answer");
    if (!area || event.detail.target?.id !== "phone-answer") return;
    if (fetchedDraft) restore(area, fetchedDraft, true);
    fetchedDraft = null;
    const saved = area.querySelector("[data-announce]");
    if (saved) announce(saved.textContent.trim());
  });

  let shownCard = null;
  let myTurn = false;
  let ended = false;
  const sync = (quietly) => {
    const me = document.body.dataset.participant;
    const turn = document.getElementById("phone-turn");
    const mine = Boolean(turn && me && turn.dataset.turnOf === me);
    document.body.classList.toggle("is-my-turn", mine);
    const card = document.getElementById("phone-card");
    const cardId = card?.dataset.card.split("-")[0] || "";
    const thanks = document.querySelector(".phone__thanks");
    if (!quietly) {
      if (thanks && !ended) announce(thanks.dataset.announce);
      else if (cardId && cardId !== shownCard) announce(card.dataset.announce);
      if (mine && !myTurn) announce(turn.querySelector(".your-turn")?.textContent.trim());
    }
    shownCard = cardId;
    myTurn = mine;
    ended = Boolean(thanks);

    const area = document.getElementById("phone-answer");
    if (!card || !area) return;
    if (area.dataset.card !== card.dataset.card || area.hasAttribute("data-fetch")) {
      // The card changed without its form (a reconnect), or this phone may have answered it.
      area.dataset.card = card.dataset.card;
      fetchOwnForm(area);
    }
  };
  document.addEventListener("htmx:wsAfterMessage", () => {
    if (pushedDraft) restore(document.getElementById("phone-answer"), pushedDraft, false);
    pushedDraft = null;
    sync(false);
  });
  document.addEventListener("DOMContentLoaded", () => {
    sync(true);
    document.querySelectorAll(".answer-form").forEach(showAudience);
  });
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
