// Stamp as an app: the service worker, and studying on when the connection drops.
//
// The study page keeps the day's pack of its deck in IndexedDB (the cards the queue serves
// today, decks.services.offline) and mirrors every answer made online into it, so that
// when an answer or a check cannot reach the server the page carries on from the pack:
// reveal, type or pick the student's way (judged here with answer_check.js and the pack's
// right option), rate within what the check allows, same-day repeats below 4, undo, the
// counts. Answers made offline wait in IndexedDB with the card, its answer count when
// shown, the rating, the time, and what was typed or picked (with the showing's first
// check, which an undo does not take back), and are sent in order when the connection
// returns or on the next page load; the server judges each again, applies each once and
// says which. Logging out deletes the student's pack, queue and pictures from the device.
(function () {
  "use strict";

  const body = document.body;
  const worker = body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {});
  }
  if (!("indexedDB" in window)) return;

  const MEDIA_CACHE = "stamp-media";
  const PAGES_CACHE = "stamp-pages";
  const REPEAT_BELOW = 4;
  const user = body.dataset.user || "";
  const strings = document.querySelector("[data-offline-strings]");

  // --- IndexedDB: packs (one per student and deck), queue (answers to send), meta ------
  let opened = null;
  function database() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        const request = indexedDB.open("stamp-offline", 1);
        request.onupgradeneeded = function () {
          const db = request.result;
          db.createObjectStore("packs", { keyPath: "key" });
          db.createObjectStore("queue", { keyPath: "id" });
          db.createObjectStore("meta", { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }
  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(name, mode) {
    return database().then(function (db) { return db.transaction(name, mode).objectStore(name); });
  }
  function get(name, key) { return store(name, "readonly").then(function (s) { return done(s.get(key)); }); }
  function put(name, value) { return store(name, "readwrite").then(function (s) { return done(s.put(value)); }); }
  function remove(name, key) { return store(name, "readwrite").then(function (s) { return done(s.delete(key)); }); }
  function all(name) { return store(name, "readonly").then(function (s) { return done(s.getAll()); }); }

  function queued(forUser) {
    return all("queue").then(function (items) {
      return items.filter(function (item) { return item.user === forUser; });
    });
  }

  // --- words from the page, in its language ------------------------------------------
  function say(name, n) {
    if (!strings) return "";
    const key = n === undefined ? name : name + (n === 1 ? "One" : "Other");
    return (strings.dataset[key] || "").replace("{n}", String(n));
  }

  // --- the pack as the page studies it ------------------------------------------------
  // state: remaining (due then new, in order), repeat (rated below 4 today, in order),
  // seen answer counts per card, answers and cards done today, and the undo history.
  function freshState(pack) {
    const state = { remaining: [], repeat: [], seen: {}, kind: {}, answeredToday: {},
      done: pack.done_today, cardsDone: pack.cards_done, history: [] };
    pack.cards.forEach(function (card) {
      (card.kind === "repeat" ? state.repeat : state.remaining).push(card.id);
      state.seen[card.id] = card.seen;
      state.kind[card.id] = card.kind;
      if (card.kind === "repeat") state.answeredToday[card.id] = true;
    });
    return state;
  }
  function copy(state) {
    return JSON.parse(JSON.stringify(Object.assign({}, state, { history: [] })));
  }
  function nextCard(record) {
    const id = record.state.remaining[0] || record.state.repeat[0];
    return id ? record.pack.cards.find(function (card) { return card.id === id; }) : null;
  }
  function applyAnswer(record, cardId, rating, queueId) {
    const state = record.state;
    const before = copy(state);
    state.remaining = state.remaining.filter(function (id) { return id !== cardId; });
    state.repeat = state.repeat.filter(function (id) { return id !== cardId; });
    if (rating < REPEAT_BELOW) state.repeat.push(cardId);
    state.seen[cardId] = (state.seen[cardId] || 0) + 1;
    state.done += 1;
    if (!state.answeredToday[cardId]) { state.answeredToday[cardId] = true; state.cardsDone += 1; }
    state.history.push({ before: before, queueId: queueId || null });
    if (state.history.length > 20) state.history.shift();
  }
  function undoAnswer(record) {
    const last = record.state.history.pop();
    if (!last) return null;
    const history = record.state.history;
    record.state = Object.assign(last.before, { history: history });
    return last;
  }
  function counts(record) {
    const state = record.state;
    const due = state.remaining.filter(function (id) { return state.kind[id] === "due"; }).length;
    return { due: due, new: state.remaining.length - due, repeat: state.repeat.length };
  }
  function packKey(slug) { return user + ":" + slug; }

  // --- rendering the offline session ---------------------------------------------------
  let current = null; // { record, shownAt }
  function render(record, notice) {
    const template = document.querySelector("template[data-offline-session]");
    const session = template.content.firstElementChild.cloneNode(true);
    const c = counts(record);
    const left = c.due + c.new + c.repeat;
    session.querySelector("[data-left]").textContent = String(left);
    session.querySelector("[data-counts]").textContent = say("counts")
      .replace("{due}", c.due).replace("{new}", c.new).replace("{repeat}", c.repeat);
    session.querySelector("[data-done]").textContent = String(record.state.cardsDone);
    session.querySelector("[data-done-label]").textContent = say("done", record.state.cardsDone);
    if (notice) {
      const p = session.querySelector("[data-notice]");
      p.textContent = notice;
      p.hidden = false;
    }
    const last = record.state.history[record.state.history.length - 1];
    session.querySelector("[data-undo-form]").hidden = !(last && last.queueId);
    const card = nextCard(record);
    const article = session.querySelector("[data-study-card]");
    if (card) {
      article.dataset.cardId = String(card.id);
      // A card answered today below 4 comes back as a repeat, whatever it was in the pack.
      const name = record.state.remaining.indexOf(card.id) === -1 ? "repeat" : card.kind;
      const kind = session.querySelector("[data-kind]");
      kind.textContent = say("kind" + name.charAt(0).toUpperCase() + name.slice(1));
      kind.className = "kind kind-" + name;
      session.querySelector("[data-testid=front]").innerHTML = card.front;
      session.querySelector("[data-testid=back]").innerHTML = card.back;
      offerWay(article, card);
    } else {
      article.remove();
      const summary = session.querySelector("[data-study-done]");
      summary.hidden = false;
      summary.querySelector("[data-done-title]").textContent = summary
        .querySelector("[data-done-title]").textContent.replace("{title}", record.pack.deck.title);
    }
    // On the service worker's page the deck's name heads the session; the banner says
    // the rest.
    const heading = document.querySelector("[data-offline-heading]");
    if (heading) {
      heading.textContent = record.pack.deck.title;
      document.querySelectorAll("[data-offline-intro]").forEach(function (p) { p.remove(); });
    }
    const old = document.getElementById("session");
    if (old) old.replaceWith(session);
    else document.querySelector("[data-offline-app]").replaceChildren(session);
    current = { record: record, shownAt: Date.now(), checked: null };
    body.dataset.offlineStudy = "";
    // The forms of the other ways are gone (offerWay): the first of these is the card's.
    const focus = session.querySelector("[data-typed-input], [data-offline-choice] button, "
      + ".reveal-button, [data-study-done] h2");
    if (focus) focus.focus({ preventScroll: true });
    updateBanner();
  }

  // --- typing and picking offline: the card offered the pack's way, judged here -----------
  // The verdict here only decides what the student sees and may rate; the answer carries
  // what was typed or picked, and the server judges it again when it arrives.
  function offerWay(article, card) {
    const typed = article.querySelector("[data-offline-typed]");
    const choice = article.querySelector("[data-offline-choice]");
    const way = card.way || "shown";
    article.dataset.mode = way;
    if (way === "typed") {
      typed.hidden = false;
      const list = card.check.items.length > 0;
      typed.querySelector("[data-hint-list]").hidden = !list;
      typed.querySelector("[data-hint-text]").hidden = list;
    } else typed.remove();
    if (way === "choice") {
      choice.hidden = false;
      choice.querySelectorAll("button[name=choice]").forEach(function (button, n) {
        button.querySelector(".choice-text").innerHTML = card.options_html[n];
      });
    } else choice.remove();
    if (way !== "shown") {
      // As online: showing the answer is the way out, not the main button.
      article.querySelector("[data-reveal]").classList.add("reveal-instead");
      article.querySelector(".reveal-button").classList.remove("primary");
      article.querySelector("[data-reveal-key]").remove();
    }
  }

  function escapeText(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // What the student typed or picked, judged: { way, correct, forgiven, blank, ... } as
  // the queue item and the result need it.
  function judgeTyped(card, given) {
    const result = window.StampAnswerCheck.check(card.check, given);
    const most = current.record.pack.max_given || 1000;
    return { way: "typed", given: given.slice(0, most), correct: result.correct,
      forgiven: result.forgiven, blank: result.blank, missed: result.missed || [],
      extra: result.extra || [], givenItems: result.givenItems || [] };
  }
  function judgePick(card, choice) {
    return { way: "choice", choice: choice, correct: choice === card.right, forgiven: false,
      blank: false, options: card.options, offered: card.offered, offered_seen: card.offered_seen };
  }

  function showChecked(card, checked) {
    const article = document.querySelector("[data-offline-session] [data-study-card]");
    if (!article) return;
    const zone = document.querySelector("template[data-offline-checked]").content
      .firstElementChild.cloneNode(true);
    const verdict = zone.querySelector("[data-verdict]");
    verdict.classList.add(checked.correct ? "right" : "wrong");
    verdict.textContent = checked.correct ? say(checked.forgiven ? "verdictForgiven" : "verdictRight")
      : say(checked.blank ? "verdictBlank" : "verdictWrong");
    if (checked.way === "typed") {
      zone.querySelector("[data-choices-result]").remove();
      const given = zone.querySelector("dd[data-given]");
      if (checked.blank) zone.querySelectorAll("[data-given]").forEach(function (e) { e.remove(); });
      else if (card.check.items.length) {
        given.innerHTML = checked.givenItems.map(function (item, n) {
          const text = escapeText(item);
          return checked.extra.indexOf(n) === -1 ? text : "<del>" + text + "</del>";
        }).join("<br>");
      } else {
        given.innerHTML = checked.correct ? escapeText(checked.given) : "<del>" + escapeText(checked.given) + "</del>";
      }
      const expected = zone.querySelector("dd[data-expected]");
      if (card.check.items.length) {
        expected.innerHTML = "<ul>" + card.check.items.map(function (item, n) {
          const text = escapeText(item);
          return "<li>" + (checked.blank || checked.missed.indexOf(n) === -1 ? text : "<mark>" + text + "</mark>") + "</li>";
        }).join("") + "</ul>";
      } else expected.innerHTML = card.back;
    } else {
      zone.querySelector("[data-typed-result]").remove();
      const list = zone.querySelector("[data-choices-result]");
      card.options_html.forEach(function (option, n) {
        const item = document.createElement("li");
        item.innerHTML = option;
        const right = n === card.right;
        const picked = n === checked.choice;
        if (right) item.classList.add("right");
        if (picked) item.classList.add("picked");
        if (right || picked) {
          const tag = document.createElement("span");
          tag.className = "tag";
          tag.textContent = say(right ? "theAnswer" : "yourPick");
          item.append(" ", tag);
        }
        list.append(item);
      });
    }
    // What the check allows and proposes, as the pack says (older packs: as online then).
    const ratings = current.record.pack.ratings || { right: [3, 4, 5], wrong: [1, 2],
      proposed_right: 4, proposed_wrong: 2, proposed_blank: 1 };
    const allowed = checked.correct ? ratings.right : ratings.wrong;
    const proposed = checked.correct ? ratings.proposed_right
      : checked.blank ? ratings.proposed_blank : ratings.proposed_wrong;
    zone.querySelector("[data-legend]").textContent = say(checked.correct ? "legendRight" : "legendWrong");
    zone.querySelectorAll("[data-ratings] button[name=rating]").forEach(function (button) {
      const value = Number(button.value);
      if (allowed.indexOf(value) === -1) { button.remove(); return; }
      if (value === proposed) { button.classList.add("proposed"); button.dataset.proposed = ""; }
    });
    if (checked.correct || checked.blank) zone.querySelector("[data-override]").remove();
    // As the online check's result: the card's front, then the result in place of the rest.
    Array.from(article.children).forEach(function (child) {
      if (!child.matches(".front, h2.visually-hidden:first-of-type")) child.remove();
    });
    delete article.dataset.mode;
    article.append(zone);
    current.checked = Object.assign({ card: card.id }, checked);
    keepFirstCheck(current.record, card, checked);
    const focus = zone.querySelector("[data-proposed]");
    if (focus) focus.focus({ preventScroll: true });
  }

  // The first check of each showing (card and answer count), kept beside the state so an
  // undo or a reload does not take it back: as online, it is the check that counts, and
  // the answer carries it for the server to judge (first_given, first_choice).
  function firstKey(cardId, seen) { return cardId + ":" + seen; }
  function keepFirstCheck(record, card, checked) {
    const key = firstKey(card.id, record.state.seen[card.id] || 0);
    record.firstChecks = record.firstChecks || {};
    if (record.firstChecks[key]) return;
    record.firstChecks[key] = checked.way === "typed" ? { way: "typed", given: checked.given }
      : { way: "choice", choice: checked.choice, options: checked.options,
        offered: checked.offered, offered_seen: checked.offered_seen };
    put("packs", record).catch(function () {});
  }

  function answerOffline(cardId, seen, rating, shownAt, how) {
    const record = current.record;
    // In the server's time: the device's clock may be off, the time since the pack is not.
    const answeredAt = Date.now() + (record.offset || 0);
    const id = String(answeredAt).padStart(15, "0") + "-" + Math.random().toString(36).slice(2, 10);
    const item = { id: id, user: user || record.user, slug: record.slug, pack: record.pack.token,
      card: cardId, seen: seen, rating: rating, answered_at: answeredAt,
      taken_ms: shownAt ? Date.now() - shownAt : null };
    // How it was answered, for the server to judge again: what was typed or picked, or
    // the signed verdict of a check made online.
    if (how) {
      item.way = how.way || "shown";
      item.overridden = Boolean(how.overridden);
      if (how.verdict) item.verdict = how.verdict;
      else if (how.way === "typed") item.given = how.given;
      else if (how.way === "choice") {
        Object.assign(item, { options: how.options, offered: how.offered,
          offered_seen: how.offered_seen, choice: how.choice });
      }
    }
    const first = !item.verdict && (record.firstChecks || {})[firstKey(cardId, seen)];
    if (first && first.way === "typed") item.first_given = first.given;
    else if (first) {
      Object.assign(item, { first_choice: first.choice, options: first.options,
        offered: first.offered, offered_seen: first.offered_seen });
    }
    applyAnswer(record, cardId, rating, id);
    return put("queue", item).then(function () { return put("packs", record); });
  }

  document.addEventListener("click", function (event) {
    const rate = event.target.closest(
      "[data-offline-session] button[name=rating], [data-offline-session] button[name=override_rating]");
    if (rate && current) {
      event.preventDefault();
      // One answer a card: a double click or a held key would answer the next card,
      // unseen, before it is drawn.
      if (current.answering) return;
      const card = nextCard(current.record);
      if (!card) return;
      current.answering = true;
      rate.closest("form").querySelectorAll("fieldset").forEach(function (f) { f.disabled = true; });
      const seen = current.record.state.seen[card.id] || 0;
      // Rated after a check of this card: what was checked goes along; else shown.
      const checked = current.checked && current.checked.card === card.id ? current.checked : null;
      current.checked = null;
      const how = checked
        ? Object.assign({}, checked, { overridden: rate.name === "override_rating" })
        : { way: "shown" };
      const record = current.record;
      answerOffline(card.id, seen, Number(rate.value), current.shownAt, how).then(function () {
        render(record);
      });
      return;
    }
    const undo = event.target.closest("[data-offline-session] [data-undo]");
    if (undo && current) {
      event.preventDefault();
      const last = current.record.state.history[current.record.state.history.length - 1];
      if (!last || !last.queueId) return;
      undoAnswer(current.record);
      remove("queue", last.queueId).then(function () { return put("packs", current.record); })
        .then(function () { render(current.record, say("undone")); });
    }
  });

  // Enter in the typing field, "Check", "I don't know", or an option picked (keys 1-4 in
  // stamp.js press these buttons too): judged here, shown as the online check shows it.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!current || !form.closest("[data-offline-session]")) return;
    if (!form.matches("[data-offline-typed], [data-offline-choice]")) return;
    event.preventDefault();
    const card = nextCard(current.record);
    if (!card) return;
    const button = event.submitter;
    if (form.matches("[data-offline-typed]") && !window.StampAnswerCheck) {
      // The check's script did not load: the answer can still be shown and rated.
      form.closest("[data-study-card]").querySelector("[data-reveal]").open = true;
    } else if (form.matches("[data-offline-typed]")) {
      const dontKnow = button && button.name === "dont_know";
      showChecked(card, judgeTyped(card, dontKnow ? "" : form.querySelector("[data-typed-input]").value));
    } else if (button && button.name === "choice") {
      showChecked(card, judgePick(card, Number(button.value)));
    }
  });

  // --- the banner: offline, and how many answers wait ----------------------------------
  function updateBanner() {
    const forUser = user || (current && current.record.user);
    if (!forUser) return Promise.resolve();
    return queued(forUser).then(function (items) {
      let banner = document.querySelector("[data-offline-banner]");
      const offline = !navigator.onLine || body.hasAttribute("data-offline-study");
      if (!offline) { if (banner) banner.remove(); return; }
      if (!banner) {
        banner = document.createElement("p");
        banner.className = "offline-banner";
        banner.setAttribute("role", "status");
        banner.dataset.offlineBanner = "";
        banner.dataset.testid = "offline-banner";
        document.getElementById("main").prepend(banner);
      }
      banner.dataset.waiting = String(items.length);
      banner.textContent = items.length ? say("banner", items.length) : say("bannerNone");
    });
  }

  // --- sending the queue ---------------------------------------------------------------
  let syncing = null;
  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function sync() {
    if (!user || !body.dataset.syncUrl) return Promise.resolve(null);
    if (syncing) return syncing;
    syncing = queued(user).then(function (items) {
      if (!items.length) return null;
      items.sort(function (a, b) { return a.id < b.id ? -1 : 1; });
      return fetch(body.dataset.syncUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ answers: items }),
      }).then(function (response) {
        if (!response.ok) throw new Error("sync " + response.status);
        return response.json();
      }).then(function (data) {
        return Promise.all(data.results.map(function (result) { return remove("queue", result.id); }))
          .then(function () { report(data.message); return data.results; });
      });
    }).catch(function () { return null; }).finally(function () { syncing = null; updateBanner(); });
    return syncing;
  }
  function report(message) {
    if (!message) return;
    let notice = document.querySelector("[data-sync-notice]");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "status");
      notice.dataset.syncNotice = "";
      notice.dataset.testid = "sync-notice";
      document.getElementById("main").prepend(notice);
    }
    notice.textContent = message;
  }

  // --- the study page online: keep the pack, mirror each answer -------------------------
  // How far the server's clock is ahead of the device's: none when the server's time
  // (`serverNow`, when it answered) lies within the request's round trip by the device's
  // clock (the clocks agree), else the round trip's middle.
  function clockOffset(serverNow, sentAt, arrivedAt) {
    if (serverNow >= sentAt - 1000 && serverNow <= arrivedAt + 1000) return 0;
    return serverNow - Math.round((sentAt + arrivedAt) / 2);
  }

  // The service worker's offline page, kept again once a day or when the language changes.
  function refreshOfflinePage(day) {
    const page = body.dataset.offlinePageUrl;
    const lang = document.documentElement.lang;
    if (!page) return null;
    return get("meta", "offline-page").then(function (kept) {
      if (kept && kept.lang === lang && kept.day === day) return null;
      return caches.open(PAGES_CACHE).then(function (cache) { return cache.add(page); })
        .then(function () { return put("meta", { key: "offline-page", lang: lang, day: day }); });
    });
  }

  // Answers made online while a pack was on its way: that pack is already behind them.
  let answeredOnline = 0;
  function keepPack() {
    const url = body.dataset.packUrl;
    if (!url || !user) return Promise.resolve();
    const answersBefore = answeredOnline;
    const sentAt = Date.now();
    let arrivedAt = sentAt;
    let serverNow = null;
    // The browser asks with the kept copy's ETag and, on a 304, hands over that copy with
    // its old made_at: the server's time comes from the answer's Stamp-Now header instead.
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      arrivedAt = Date.now();
      if (!response.ok) throw new Error("pack " + response.status);
      serverNow = Number(response.headers.get("Stamp-Now")) || null;
      return response.json();
    }).then(function (pack) {
      const now = serverNow || pack.made_at;
      const record = { key: packKey(pack.deck.slug), user: user, slug: pack.deck.slug,
        pack: pack, state: freshState(pack), offset: clockOffset(now, sentAt, arrivedAt) };
      // The first checks of today's showings stay: the new pack is the same day's.
      return get("packs", record.key).then(function (old) {
        if (old && old.pack.day === pack.day && old.firstChecks) record.firstChecks = old.firstChecks;
        return put("packs", record);
      }).then(function () {
        return put("meta", { key: "user", id: user });
      }).then(function () {
        if (!("caches" in window)) return null;
        return Promise.all([
          refreshOfflinePage(pack.day),
          caches.open(MEDIA_CACHE).then(function (cache) { return cache.addAll(pack.media); }),
        ]);
      }).then(function () {
        if (answeredOnline !== answersBefore) return keepPack();
        body.dataset.packKept = String(now);
        return null;
      });
    }).catch(function () {});
  }

  let pending = null;
  let pendingCheck = null; // a typed or picked answer on its way to the online check
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (body.hasAttribute("data-offline-study")) return;
    const button = event.submitter;
    if (form.matches("#session [data-typed-form], #session .choice-form")) {
      pendingCheck = { card: Number(form.elements.card.value), mode: form.elements.mode.value,
        shownAt: Number(form.elements.shown_at.value),
        options: Array.from(form.querySelectorAll("input[name=option]")).map(function (i) { return i.value; }),
        given: button && button.name === "dont_know" ? "" : (form.elements.given ? form.elements.given.value : ""),
        choice: button && button.name === "choice" ? Number(button.value) : null };
      return;
    }
    if (!form.matches("#session .rating-form")) return;
    // After an online check, the answer carries its signed verdict, should it go offline.
    const verdict = form.elements.verdict ? form.elements.verdict.value : "";
    pending = { card: Number(form.elements.card.value), seen: Number(form.elements.seen.value),
      rating: button ? Number(button.value) : 0, shownAt: Number(form.elements.shown_at.value),
      how: verdict ? { way: form.elements.mode.value, verdict: verdict,
        overridden: Boolean(button && button.name === "override_rating") } : null };
  }, true);

  function mirror(slug, fn) {
    return get("packs", packKey(slug)).then(function (record) {
      if (!record) return null;
      fn(record);
      return put("packs", record).then(function () { return record; });
    });
  }

  // The request's path, not its element: a swap of #session may have replaced the form,
  // and htmx then names its parent.
  function requestPath(detail) {
    return (detail.pathInfo && detail.pathInfo.requestPath)
      || (detail.requestConfig && detail.requestConfig.path) || "";
  }

  function sessionEnded(xhr) {
    return Boolean(xhr && xhr.getResponseHeader("Stamp-Session-Ended"));
  }

  // study_answer's word on an htmx answer: "applied" (recorded now, or this same answer
  // by an earlier try) or "refused".
  function answerSaid(xhr) {
    return xhr ? xhr.getResponseHeader("Stamp-Answer") : null;
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    const slug = body.dataset.deck;
    const path = requestPath(event.detail);
    if (!slug || !event.detail.successful) return;
    if (/\/study\/answer\/$/.test(path) && pending) {
      const answer = pending;
      pending = null;
      // The server was reached but saved nothing (the session had ended): the answer goes
      // through the log-in instead, and the pack stays as the server knows it.
      if (sessionEnded(event.detail.xhr)) return;
      // Saved nothing either (the card was answered on another device, is not in today's
      // queue, or that answer was undone): the server's state moved on without this page,
      // so the pack is fetched again rather than guessed.
      if (answerSaid(event.detail.xhr) !== "applied") { answeredOnline += 1; keepPack(); return; }
      answeredOnline += 1;
      mirror(slug, function (record) { applyAnswer(record, answer.card, answer.rating, null); });
    } else if (/\/study\/undo\/$/.test(path)) {
      answeredOnline += 1;
      // An undo the server refused (not the latest answer) took nothing back.
      if (event.detail.xhr && event.detail.xhr.getResponseHeader("Stamp-Undo") !== "applied") {
        keepPack();
        return;
      }
      mirror(slug, function (record) { undoAnswer(record); });
    } else if (/\/study\/mode\/$/.test(path)) {
      // Another way of answering: the pack offers its cards the new way.
      keepPack();
    }
  });

  // An answer that cannot reach the server: the page carries on from the pack.
  document.addEventListener("htmx:sendError", function (event) {
    const slug = body.dataset.deck;
    if (slug && /\/study\/check\/$/.test(requestPath(event.detail)) && pendingCheck) {
      checkOffline(slug, pendingCheck);
      pendingCheck = null;
      return;
    }
    if (!slug || !/\/study\/answer\/$/.test(requestPath(event.detail)) || !pending) return;
    const answer = pending;
    pending = null;
    get("packs", packKey(slug)).then(function (record) {
      if (!record) return;
      if (dayEnded(record)) { showPackEnded(); return; }
      // shown_at is the server's time; the device's clock is `offset` behind it.
      const shownAt = answer.shownAt ? answer.shownAt - (record.offset || 0) : null;
      current = { record: record, shownAt: shownAt };
      // The card on screen is the pack's next one unless the mirror missed an answer.
      return answerOffline(answer.card, answer.seen, answer.rating, shownAt, answer.how)
        .then(function () { render(record); });
    });
  });

  // --- a pack whose study day is over -------------------------------------------------
  // A pack holds one study day's queue (until `ends_at`, the next 04:00 in the server's
  // time); the day after, the device does not study from it, as the server would refuse
  // those answers ("day_ended"). A pack kept before packs said when they end counts as over.
  function dayEnded(record) {
    const endsAt = record.pack.ends_at;
    return !endsAt || Date.now() + (record.offset || 0) >= endsAt;
  }
  function showPackEnded() {
    const p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "status");
    p.dataset.testid = "pack-ended";
    p.textContent = say("packEnded");
    const session = document.getElementById("session");
    if (session) session.replaceChildren(p);
    else document.querySelector("[data-offline-app]").replaceChildren(p);
    current = null;
  }
  // Studying offline across 04:00: the next rating is not taken from the old day's pack.
  document.addEventListener("click", function (event) {
    if (!current || !dayEnded(current.record)) return;
    if (!event.target.closest("[data-offline-session] button[name=rating], "
      + "[data-offline-session] button[name=override_rating]")) return;
    event.preventDefault();
    event.stopPropagation();
    showPackEnded();
  }, true);

  // A check that cannot reach the server: the card from the pack, judged here as typed
  // or picked, the student rating it as after an online check.
  function checkOffline(slug, check) {
    get("packs", packKey(slug)).then(function (record) {
      if (!record) return;
      if (dayEnded(record)) { showPackEnded(); return; }
      const card = nextCard(record);
      // The pack's next card is another (an answer the mirror missed): say so, rather than
      // drop what was typed or picked without a word.
      if (!card || card.id !== check.card) { render(record, say("otherCard")); return; }
      render(record);
      if (check.shownAt) current.shownAt = check.shownAt - (record.offset || 0);
      if (card.way === "typed" && check.mode === "typed" && window.StampAnswerCheck) {
        showChecked(card, judgeTyped(card, check.given));
      } else if (card.way === "choice" && check.mode === "choice" && check.choice !== null
        // The pick names an option of the page's four: judged here if the pack offers them.
        && JSON.stringify(check.options) === JSON.stringify(card.options)) {
        showChecked(card, judgePick(card, check.choice));
      }
    });
  }

  // --- the page the service worker shows with no connection -----------------------------
  function offlinePage() {
    const app = document.querySelector("[data-offline-app]");
    const match = window.location.pathname.match(/^\/decks\/([^/]+)\/(?:study\/)?$/);
    get("meta", "user").then(function (meta) {
      if (!meta) { app.textContent = say("nothingKept"); return null; }
      return all("packs").then(function (records) {
        const kept = records.filter(function (r) { return r.user === meta.id; });
        const record = match && kept.find(function (r) { return r.slug === decodeURIComponent(match[1]); });
        if (record && dayEnded(record)) { showPackEnded(); return; }
        if (record) { render(record); return; }
        const mine = kept.filter(function (r) { return !dayEnded(r); });
        if (match) { const p = document.createElement("p"); p.textContent = say("noPack"); app.append(p); }
        if (!mine.length && !match) { app.textContent = say("nothingKept"); return; }
        const list = document.createElement("ul");
        mine.forEach(function (r) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = "/decks/" + encodeURIComponent(r.slug) + "/study/";
          link.textContent = r.pack.deck.title;
          item.append(link);
          list.append(item);
        });
        app.append(list);
      });
    });
  }

  // --- logging out leaves nothing of the student on the device --------------------------
  function forget(forUser) {
    return Promise.all([all("packs"), all("queue")]).then(function (lists) {
      const removals = lists[0].filter(function (r) { return r.user === forUser; })
        .map(function (r) { return remove("packs", r.key); })
        .concat(lists[1].filter(function (r) { return r.user === forUser; })
          .map(function (r) { return remove("queue", r.id); }));
      removals.push(remove("meta", "user"));
      if ("caches" in window) removals.push(caches.delete(MEDIA_CACHE));
      return Promise.all(removals);
    });
  }
  document.addEventListener("submit", function (event) {
    const form = event.target;
    // Logging out, or deleting the account (which logs out too).
    const leaving = /^\/(?:accounts\/logout|account\/delete)\/$/;
    if (!user || !form.action || !leaving.test(new URL(form.action).pathname)) return;
    if (form.dataset.forgotten) return;
    event.preventDefault();
    const timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    Promise.race([sync(), timeout]).then(function () { return forget(user); })
      .then(function () {
        // Tells the server this student is gone from the device, so its log-out need not
        // clear the whole site's storage (and with it another student's unsent answers).
        const cleared = document.createElement("input");
        cleared.type = "hidden";
        cleared.name = "device_cleared";
        cleared.value = "1";
        form.append(cleared);
      })
      .catch(function () {}).then(function () { form.dataset.forgotten = "1"; form.submit(); });
  });

  // --- on every page: send what waits, keep the pack, show the banner -------------------
  window.addEventListener("online", function () {
    if (body.hasAttribute("data-offline-page")) { window.location.reload(); return; }
    sync().then(function () {
      if (!body.hasAttribute("data-offline-study") || !window.htmx) return null;
      // Back to the online loop: the server's next card, the notice of what was saved kept.
      return window.htmx.ajax("GET", window.location.pathname, { target: "#session", swap: "outerHTML" })
        .then(function () {
          delete body.dataset.offlineStudy;
          current = null;
          updateBanner();
          return keepPack();
        });
    });
  });
  window.addEventListener("offline", updateBanner);

  if (body.hasAttribute("data-offline-page")) {
    offlinePage();
  } else if (user) {
    put("meta", { key: "user", id: user }).catch(function () {});
    const told = sessionStorage.getItem("stamp-sync-message");
    if (told) { sessionStorage.removeItem("stamp-sync-message"); report(told); }
    sync().then(function (results) {
      const applied = results && results.some(function (r) { return r.status === "applied" || r.status === "rechecked"; });
      if (!applied) return keepPack();
      // The page was drawn before these answers arrived: draw its session, or it, again.
      if (body.dataset.deck && document.getElementById("session") && window.htmx) {
        return window.htmx.ajax("GET", window.location.pathname, { target: "#session", swap: "outerHTML" })
          .then(keepPack);
      }
      const notice = document.querySelector("[data-sync-notice]");
      if (notice) sessionStorage.setItem("stamp-sync-message", notice.textContent);
      window.location.reload();
      return null;
    });
  }
  updateBanner();
})();

// Reminders as notifications: the account page's button asks the browser for a push
// subscription and hands it to the server, which sends through it once a day.
(function () {
  "use strict";

  const box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  box.hidden = false;
  const state = box.querySelector("[data-push-state]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function text(name) { return box.querySelector("[data-push-text-" + name + "]").innerHTML; }
  function show(subscribed) {
    state.textContent = Notification.permission === "denied" ? text("denied") : text(subscribed ? "on" : "off");
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }
  function key(base64) {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (s) { show(Boolean(s)); });
    on.addEventListener("click", function () {
      registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: key(box.dataset.vapidKey),
      }).then(function (subscription) {
        return post(box.dataset.subscribeUrl, subscription.toJSON()).then(function () { show(true); });
      }).catch(function () { show(false); });
    });
    off.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return show(false);
        return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint })
          .then(function () { return subscription.unsubscribe(); })
          .then(function () { show(false); });
      });
    });
  });
})();
