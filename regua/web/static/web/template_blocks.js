// Modelos, blocos de texto: a click on a placeholder chip puts it where the cursor was, and
// under each block its text is shown with every [placeholder] as a chip (an unknown one
// marked), so a finance person sees at a glance what the letter will fill in.
(function () {
  "use strict";
  var last = null;
  var known = null;
  var PLACEHOLDER = /\[[^\[\]\n]*\]/g;

  function knownNames() {
    if (known === null) {
      known = {};
      document.querySelectorAll("button.chip").forEach(function (chip) {
        known[normal(chip.getAttribute("data-placeholder"))] = true;
      });
    }
    return known;
  }

  function normal(text) {
    return text.slice(1, -1).trim().split(/\s+/).join(" ").toLowerCase();
  }

  // Text nodes and spans only: what a person typed is never read as HTML.
  function showChips(field) {
    var view = field.chipView;
    if (!view) {
      view = document.createElement("div");
      view.className = "chip-view";
      view.setAttribute("aria-hidden", "true");
      field.insertAdjacentElement("afterend", view);
      field.chipView = view;
    }
    view.textContent = "";
    var text = field.value;
    var position = 0;
    var match;
    PLACEHOLDER.lastIndex = 0;
    while ((match = PLACEHOLDER.exec(text)) !== null) {
      view.appendChild(document.createTextNode(text.slice(position, match.index)));
      var chip = document.createElement("span");
      chip.className = knownNames()[normal(match[0])] ? "chip" : "chip unknown";
      chip.textContent = match[0];
      view.appendChild(chip);
      position = match.index + match[0].length;
    }
    view.appendChild(document.createTextNode(text.slice(position)));
  }

  function eachBlock(action) {
    document.querySelectorAll(".block-text").forEach(action);
  }

  document.addEventListener("DOMContentLoaded", function () {
    eachBlock(showChips);
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("block-text")) {
      showChips(event.target);
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("block-text")) {
      last = event.target;
    }
  });
  document.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("button.chip");
    if (!chip) return;
    var field = last || document.querySelector(".block-text");
    if (!field) return;
    var text = chip.getAttribute("data-placeholder");
    var start = field.selectionStart === null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd === null ? field.value.length : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    showChips(field);
    if (field.form) field.form.dispatchEvent(new Event("regua:chip"));
  });
})();
