// Accessibility fixes for the admin's autocomplete widgets (select2), which re-render often:
// - the search box a person types into gets the name of its field, from the field's label;
// - the mouse-only "remove all" cross is hidden from assistive technology (it is not focusable,
//   the keyboard clears items with Backspace, and inside the list of choices it is not a list
//   item).
"use strict";
(function () {
  function fieldName(container) {
    const select = container.previousElementSibling;
    if (!select || !select.id) return "";
    const label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.trim().replace(/:$/, "") : "";
  }

  function fix(root) {
    root.querySelectorAll(".select2-container .select2-search__field").forEach(function (input) {
      if (!input.hasAttribute("aria-label")) {
        const name = fieldName(input.closest(".select2-container"));
        if (name) input.setAttribute("aria-label", name);
      }
    });
    root.querySelectorAll(".select2-selection__clear").forEach(function (cross) {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
  });
})();
