// SIPWarden console: the few things a page cannot do without script. Everything shown
// here is set with textContent, never as HTML: event fields come from the network.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Confirm buttons marked data-confirm (a second chance before a one-click unban).
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var status = document.getElementById("live-status");
  if (!status || !window.EventSource) { return; }
  var list = document.getElementById("live-events");
  var source = new EventSource(status.getAttribute("data-events"));
  source.onopen = function () { status.textContent = "live"; status.classList.add("on"); };
  source.onerror = function () { status.textContent = "reconnecting…"; status.classList.remove("on"); };
  function bump(id, delta) {
    var tile = document.getElementById(id);
    if (!tile) { return; }
    var value = parseInt(tile.textContent, 10);
    if (!isNaN(value)) { tile.textContent = String(Math.max(0, value + delta)); }
  }
  function show(type, text) {
    if (!list) { return; }
    var item = document.createElement("li");
    var badge = document.createElement("span");
    badge.className = "badge badge-info";
    badge.textContent = type;
    item.appendChild(badge);
    item.appendChild(document.createTextNode(" " + new Date().toLocaleTimeString() + " " + text));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 50) { list.removeChild(list.lastChild); }
  }
  ["call.start", "call.answer", "call.end", "registration.update", "registration.remove", "guard.ban", "guard.unban",
   "fraud.alert", "fraud.block"].forEach(function (type) {
    source.addEventListener(type, function (event) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (type === "call.start") { bump("tile-live-calls", 1); bump("tile-calls-today", 1); }
      if (type === "call.end") { bump("tile-live-calls", -1); }
      if (type === "guard.ban") { bump("tile-bans", 1); }
      if (type === "guard.unban") { bump("tile-bans", -1); }
      var text = data.callID || data.network || data.account || data.device || data.source || "";
      show(type, String(text).slice(0, 120));
    });
  });
  source.addEventListener("security", function () {});
});
