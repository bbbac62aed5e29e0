/* Small behaviours of every page, as a static file: the Content Security Policy allows no inline
 * script or event handler attribute (core/security.py).
 *
 * <select data-kq-submit-on-change>   submits its form when changed (the language switch)
 * <a data-kq-back href="/fallback/">  goes back in the history (the fallback when there is none)
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-kq-submit-on-change]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-kq-back]");
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
})();
