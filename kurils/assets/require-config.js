// Point requirejs at the copies of the widget front-ends that this site serves
// itself (see kurils/site.py), so no widget code is fetched from a CDN.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({
    paths: {
      anywidget: here + "anywidget/index",
      // The bundled @jupyter-widgets modules find their icon fonts next to their own
      // module URL; these entries put that URL in our html-manager folder.
      "@jupyter-widgets": here + "html-manager",
      "@jupyter-widgets/html-manager/dist": here + "html-manager",
    },
  });
})();
