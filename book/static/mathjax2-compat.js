/* Deep Learning for Sounds: MathJax 2 compatibility for the widget renderer.
 *
 * @jupyter-widgets/html-manager 1.x typesets widget labels with MathJax 2's
 * `MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])`; the book and the slides load
 * MathJax 3, which has no `Hub`. This maps that one call onto MathJax 3's typesetPromise.
 */
(function () {
  "use strict";
  var pending = [];
  var tries = 0;

  function typeset(element) {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise && mj.startup && mj.startup.promise) {
      mj.startup.promise = mj.startup.promise
        .then(function () { return mj.typesetPromise(element ? [element] : undefined); })
        .catch(function (err) { console.warn("MathJax could not typeset a widget:", err); });
    } else if (tries < 600) {  // MathJax not ready yet: retry for up to a minute
      pending.push(element);
      tries += 1;
      setTimeout(function () { pending.splice(0).forEach(typeset); }, 100);
    }
  }

  var hub = { Queue: function (job) { typeset(job && job[2]); } };

  function install() {
    // Before MathJax 3 loads, window.MathJax is its configuration; once loaded it is replaced,
    // so install again when the document (and the deferred MathJax script) is ready.
    if (window.MathJax && !window.MathJax.Hub) { window.MathJax.Hub = hub; }
  }

  install();
  document.addEventListener("DOMContentLoaded", install);
}());
