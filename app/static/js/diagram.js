/* The instance page: draw the BPMN diagram with bpmn-js (NavigatedViewer), mark element states, show timer due dates. */
(function () {
  'use strict';

  var MARKERS = { completed: 'tic-completed', active: 'tic-active', waiting: 'tic-waiting', cancelled: 'tic-cancelled' };

  function confirmDangerousForms() {
    document.querySelectorAll('button[data-confirm]').forEach(function (button) {
      button.form.addEventListener('submit', function (event) {
        if (!window.confirm(button.getAttribute('data-confirm'))) { event.preventDefault(); }
      });
    });
  }

  function dueOverlay(prefix, text) {
    var el = document.createElement('div');
    el.className = 'tic-timer-due';
    el.textContent = prefix + ' ' + text;
    return el;
  }

  function draw() {
    var container = document.getElementById('diagram');
    var source = document.getElementById('diagram-data');
    if (!container || !source || typeof window.BpmnJS !== 'function') { return; }
    var data = JSON.parse(source.textContent);
    var viewer = new window.BpmnJS({ container: container });
    viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      var overlays = viewer.get('overlays');
      Object.keys(data.states || {}).forEach(function (id) {
        var marker = MARKERS[data.states[id]];
        if (marker && registry.get(id)) { canvas.addMarker(id, marker); }
      });
      Object.keys(data.timers || {}).forEach(function (id) {
        if (!registry.get(id)) { return; }
        overlays.add(id, 'tic-due', { position: { top: -24, left: 0 }, html: dueOverlay(data.labels.due, data.timers[id]) });
      });
      canvas.zoom('fit-viewport', 'auto');
      container.setAttribute('data-rendered', 'true');
    }).catch(function (err) {
      var box = document.getElementById('diagram-error');
      if (box) { box.hidden = false; box.textContent += '：' + (err && err.message ? err.message : err); }
      container.setAttribute('data-rendered', 'error');
    });
  }

  document.addEventListener('DOMContentLoaded', function () { confirmDangerousForms(); draw(); });
}());
