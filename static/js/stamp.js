// Study keys and focus for the htmx study session. The page works without this file:
// <details> reveals the answer and the rating buttons post a plain form.
(function () {
  "use strict";

  function studyCard() {
    return document.querySelector("[data-study-card]");
  }

  function reveal(card) {
    const details = card.querySelector("[data-reveal]");
    if (!details.open) details.open = true;
    const ratings = card.querySelector("[data-ratings]");
    if (ratings) ratings.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "u" || event.key === "U") {
      const undo = document.querySelector("#session [data-undo]");
      if (undo) {
        event.preventDefault();
        if (window.htmx) window.htmx.process(undo.form);
        undo.click();
      }
      return;
    }
    const card = studyCard();
    if (!card) return;
    // After a check: 1-5 press the rating buttons the check offers.
    if (card.querySelector("[data-checked]")) {
      if (/^[1-5]$/.test(event.key)) {
        const rating = card.querySelector('[data-checked] button[name="rating"][value="' + event.key + '"]');
        if (rating && !rating.disabled) {
          event.preventDefault();
          if (window.htmx) window.htmx.process(card);
          rating.click();
        }
      }
      return;
    }
    const details = card.querySelector("[data-reveal]");
    if (!details) return;
    // Picking: 1-4 choose an option while the answer is not shown.
    const choices = card.querySelector("[data-choices]");
    if (choices && !details.open && /^[1-4]$/.test(event.key)) {
      const option = choices.querySelectorAll('button[name="choice"]')[Number(event.key) - 1];
      if (option && !option.disabled) {
        event.preventDefault();
        if (window.htmx) window.htmx.process(card);
        option.click();
      }
      return;
    }
    if (!details.open && (event.key === " " || event.key === "Enter")) {
      // A focused link or button keeps its own Space and Enter.
      if (event.target.closest("a, button")) return;
      // Space would also scroll the page, and a focused <summary> would toggle itself
      // again after reveal() opened it.
      event.preventDefault();
      reveal(card);
      return;
    }
    if (details.open && /^[1-5]$/.test(event.key)) {
      const button = card.querySelector('button[name="rating"][value="' + event.key + '"]');
      if (button && !button.disabled) {
        event.preventDefault();
        // htmx binds swapped-in content a moment after the swap; bind it now so a fast
        // key press still goes through htmx instead of a full-page form post.
        if (window.htmx) window.htmx.process(card);
        button.click();
      }
    }
  });

  // Sound plays once when its side is shown, as in Anki, and again on R: the back's sound
  // once the answer is revealed, else the front's.
  function sideSounds(card) {
    const details = card.querySelector("[data-reveal]");
    const side = details && details.open ? ".card-face.back" : ".card-face.front";
    return Array.from(card.querySelectorAll(side + " audio"));
  }

  function playSounds(card) {
    document.querySelectorAll("#session audio").forEach(function (audio) { audio.pause(); });
    const sounds = sideSounds(card);
    // One after the other, like Anki's queue of [sound:] tags on a side.
    sounds.forEach(function (audio, index) {
      audio.onended = sounds[index + 1] ? function () { sounds[index + 1].play().catch(function () {}); } : null;
    });
    if (sounds[0]) {
      sounds[0].currentTime = 0;
      // A browser may refuse before the first click or key; the player is still there.
      sounds[0].play().catch(function () {});
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "r" && event.key !== "R") return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const card = studyCard();
    if (card && sideSounds(card).length) {
      event.preventDefault();
      playSounds(card);
    }
  });

  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("[data-reveal]") && event.target.open) {
      const ratings = event.target.querySelector("[data-ratings]");
      if (ratings) ratings.focus({ preventScroll: true });
      const card = event.target.closest("[data-study-card]");
      if (card) playSounds(card);
    }
  }, true);

  function playFrontSounds() {
    const card = studyCard();
    if (card) playSounds(card);
  }
  document.addEventListener("DOMContentLoaded", playFrontSounds);

  // After htmx swaps in the next card, move focus to it so keyboard and screen-reader
  // users continue where the new content is.
  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail && event.detail.target;
    if (!target) return;
    if (target.id !== "session") {
      // A checked answer swapped in: the proposed rating takes focus, so Enter accepts it.
      const proposed = document.querySelector("#session [data-checked] [data-proposed]");
      if (proposed) proposed.focus({ preventScroll: true });
      return;
    }
    const next = document.querySelector("#session [data-typed-input]")
      || document.querySelector("#session [data-choices] button")
      || document.querySelector("#session .reveal-button, #session [data-study-done] h2");
    if (next) next.focus({ preventScroll: true });
    playFrontSounds();
  });

  // When an answer cannot be delivered (the server answered 503, or the network failed),
  // keep the card on screen and offer to send the very same answer again: it carries the
  // card's answer count, so the server applies it once however often it arrives.
  function offerRetry(event) {
    const form = event.detail && event.detail.elt && event.detail.elt.closest("form");
    if (!form || !form.closest("#session")) return;
    const session = document.getElementById("session");
    let notice = session.querySelector("[data-retry-notice]");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      notice.dataset.retryNotice = "";
      const text = document.createElement("span");
      // The words come from the page, so they are in the page's language.
      text.textContent = (document.body.dataset.retryText
        || "Your answer could not be saved just now.") + " ";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = document.body.dataset.retryButton || "Try again";
      notice.append(text, button);
      session.prepend(notice);
    }
    const submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
      && event.detail.requestConfig.triggeringEvent.submitter;
    notice.querySelector("button").onclick = function () {
      notice.remove();
      if (submitter) submitter.click();
      else window.htmx.trigger(form, "submit");
    };
    notice.querySelector("button").focus();
  }
  document.addEventListener("htmx:responseError", offerRetry);
  document.addEventListener("htmx:sendError", offerRetry);

  // Back or Forward may show a page from the browser's back/forward cache, with the counts
  // and the card from before the answers given since. Pages whose numbers move as you
  // study (data-fresh) read themselves again instead.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.hasAttribute("data-fresh")) window.location.reload();
  });

  // Parts of a page that refresh themselves (the leaderboard) do so only while the tab
  // is visible; a polling trigger with a filter would need eval, which the CSP forbids.
  window.setInterval(function () {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[data-refresh-every]").forEach(function (element) {
      const seconds = Number(element.dataset.refreshEvery) || 30;
      const last = Number(element.dataset.refreshedAt) || Date.now();
      if (!element.dataset.refreshedAt) element.dataset.refreshedAt = String(last);
      if (Date.now() - last >= seconds * 1000) window.htmx.trigger(element, "refresh");
    });
  }, 5000);
})();

// Practise more and practice tests: the typing field is focused on each question (Enter
// submits its form), keys 1-4 pick an option, Space shows a shown card's answer and then
// 1 and 2 say whether it was known. Without this file the same forms work by clicks.
(function () {
  "use strict";

  function practiceCard() {
    return document.querySelector("#practice [data-practice-card]");
  }

  function focusQuestion() {
    const card = practiceCard();
    const target = card
      ? card.querySelector("[data-answer-input], [data-options], .reveal-button")
      : document.querySelector("#practice [data-practice-done] h2");
    if (target) target.focus({ preventScroll: !card });
  }

  function press(button, card) {
    if (!button || button.disabled) return false;
    // Bind a freshly swapped card now, so a fast key still goes through htmx.
    if (window.htmx) window.htmx.process(card);
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const card = practiceCard();
    if (!card) return;
    const way = card.dataset.way;
    if (way === "choice" && /^[1-4]$/.test(event.key)) {
      if (press(card.querySelector('[data-option="' + event.key + '"]'), card)) event.preventDefault();
      return;
    }
    if (way === "shown") {
      const details = card.querySelector("[data-reveal]");
      if (!details.open && (event.key === " " || event.key === "Enter")) {
        if (event.target.closest("a, button")) return;
        event.preventDefault();
        details.open = true;
        return;
      }
      if (details.open && (event.key === "1" || event.key === "2")) {
        const value = event.key === "2" ? "1" : "0";
        if (press(card.querySelector('button[name="knew"][value="' + value + '"]'), card)) {
          event.preventDefault();
        }
      }
    }
  });

  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("#practice [data-reveal]") && event.target.open) {
      const knew = event.target.querySelector('button[name="knew"][value="1"]');
      if (knew) knew.focus({ preventScroll: true });
    }
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail && event.detail.target;
    if (target && target.id === "practice") focusQuestion();
  });
  document.addEventListener("DOMContentLoaded", focusQuestion);
})();
