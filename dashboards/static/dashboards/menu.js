// The header menu collapses behind a "Menu" button on narrow screens. Without this script the links simply wrap.
(function () {
  "use strict";
  var toggle = document.querySelector(".app-header__menu-toggle");
  var nav = document.getElementById("app-header-nav");
  if (!toggle || !nav) { return; }
  document.documentElement.classList.add("app-js");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("app-header__nav--open", open);
  });
})();
