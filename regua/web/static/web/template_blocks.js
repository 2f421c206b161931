// Modelos: a click on a placeholder chip puts it where the cursor was in a text block.
(function () {
  "use strict";
  var last = null;
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
    var form = field.form;
    var blocks = form && form.querySelector('input[name="mode"][value="blocos"]');
    if (blocks && !blocks.checked) {
      blocks.checked = true;
    }
    if (form) form.dispatchEvent(new Event("regua:chip"));
  });
})();
