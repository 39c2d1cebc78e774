// socfit: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Copy buttons (Part 6 fields).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-copy]");
    if (!btn) return;
    var text = btn.getAttribute("data-copy");
    var done = function () { btn.textContent = "Copied"; btn.classList.add("copied");
      setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("copied"); }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  });
  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text; ta.setAttribute("readonly", ""); ta.className = "visually-hidden";
    document.body.appendChild(ta); ta.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    document.body.removeChild(ta);
  }

  // Confirmation before destructive posts.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });

  // Answer a question in place: post the form, swap in the new <main>, keep the page (no full reload).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-inplace") || ev.defaultPrevented || !window.fetch || !window.DOMParser) return;
    ev.preventDefault();
    var data = new FormData(form, ev.submitter || undefined);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.text, "text/html");
        var fresh = doc.querySelector("main");
        if (!fresh) throw new Error("no page");
        document.querySelector("main").replaceWith(document.adoptNode(fresh));
        if (doc.title) document.title = doc.title;
        var target = document.getElementById("answered") || document.getElementById("recommendation") || fresh;
        target.scrollIntoView({ block: "start" });
      })
      .catch(function () { form.removeAttribute("data-inplace"); form.submit(); });
  });

  // Search as you type: the header box navigates to an occupation; [data-search=fill] fills a code field.
  var timer = null, seq = 0;
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[data-search]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, 120);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") hideAll();
  });
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest(".suggest") && !ev.target.matches("input[data-search]")) hideAll();
  });
  function hideAll() { document.querySelectorAll("ul.suggest").forEach(function (u) { u.hidden = true; }); }
  function suggest(input) {
    var list = input.parentNode.querySelector("ul.suggest");
    var q = input.value.trim();
    if (!list) return;
    if (q.length < 2) { list.hidden = true; return; }
    var mine = ++seq;
    fetch("/api/search?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        if (mine !== seq) return;
        list.textContent = "";
        rows.forEach(function (r) {
          var li = document.createElement("li"), el;
          if (input.getAttribute("data-search") === "fill") {
            el = document.createElement("button"); el.type = "button";
            el.addEventListener("click", function () { input.value = r.soc_code; list.hidden = true; input.focus(); });
          } else {
            el = document.createElement("a"); el.href = "/occupations/" + encodeURIComponent(r.soc_code);
          }
          var c = document.createElement("span"); c.className = "c"; c.textContent = r.soc_code;
          el.appendChild(c); el.appendChild(document.createTextNode(r.title));
          if (r.matched && r.matched !== r.title && r.matched !== r.soc_code) {
            var m = document.createElement("span"); m.className = "m"; m.textContent = "“" + r.matched + "”"; el.appendChild(m);
          }
          li.appendChild(el); list.appendChild(li);
        });
        list.hidden = rows.length === 0;
      })
      .catch(function () { list.hidden = true; });
  }
})();
