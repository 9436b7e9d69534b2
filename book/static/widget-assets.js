// Where the widget renderer finds its icon fonts. embed-amd.js (@jupyter-widgets/html-manager) defines
// its modules by name and takes its asset folder from the address require.js gives the module
// "@jupyter-widgets/html-manager/dist/libembed-amd", which by default is relative to the page: every
// chapter page asked for book/notebooks/@jupyter-widgets/html-manager/dist/*.woff2 (404). A global
// `require` defined before require.js loads is its configuration: the module's folder is the one the
// book copies the renderer to, found from this script's own address (ROOT/_static/widget-assets.js),
// so it works from a web server and from file://. The book loads this script before require.js on
// pages with widgets (nb_ipywidgets_js), and Jupyter Book adds it once more to every page, so it
// acts only on a page with widget state and only configures a require.js that is already there.
(function () {
  if (!document.querySelector("script[type='application/vnd.jupyter.widget-state+json']")) { return; }
  const paths = {"@jupyter-widgets/html-manager/dist": new URL("vendor/html-manager", document.currentScript.src).href};
  if (typeof window.require === "function" && window.require.config) {
    window.require.config({paths: paths});
  } else {
    window.require = {paths: paths};
  }
})();
