// Point requirejs at the copies of the widget front-ends that this site serves
// itself (see kurils/site.py), so no widget code is fetched from a CDN.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({
    paths: {
      anywidget: here + "anywidget/index",
      "@jupyter-widgets/html-manager/dist": here + "html-manager",
    },
  });
})();
