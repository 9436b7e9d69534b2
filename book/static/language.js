// The language switch at the top of every page of the book: the same page in the other editions.
// The English book is at the site's book root, each other edition in a folder named by its code
// (es/); the pages have the same paths in every edition. The root is found from this script's own
// address (ROOT/_static/language.js), so the switch works from a web server and from file://.
(function () {
  "use strict";
  var EDITIONS = [["en", "English"], ["es", "Español"]];
  var script = document.currentScript;
  if (!script) { return; }
  var root = script.src.replace(/_static\/language\.js(\?.*)?$/, "");
  var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
  var base = lang === "en" ? root : root.replace(new RegExp(lang + "/$"), "");
  var page = window.location.href.split("#")[0].split("?")[0];
  if (page.indexOf(root) !== 0) { return; }
  var path = page.slice(root.length);
  function install() {
    var bar = document.createElement("nav");
    bar.className = "course-language";
    bar.setAttribute("aria-label", "Language / Idioma");
    EDITIONS.forEach(function (edition, i) {
      var code = edition[0], name = edition[1];
      if (i > 0) { bar.appendChild(document.createTextNode(" · ")); }
      if (code === lang) {
        var here = document.createElement("strong");
        here.textContent = name;
        here.setAttribute("lang", code);
        bar.appendChild(here);
      } else {
        var link = document.createElement("a");
        link.href = base + (code === "en" ? "" : code + "/") + path;
        link.textContent = name;
        link.setAttribute("lang", code);
        link.setAttribute("hreflang", code);
        link.className = "course-language-" + code;
        bar.appendChild(link);
      }
    });
    var article = document.querySelector(".bd-article") || document.querySelector("main") || document.body;
    article.insertBefore(bar, article.firstChild);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
