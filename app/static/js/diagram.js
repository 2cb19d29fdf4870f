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

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Due-date badges of timers side by side (two boundary timers on one task) would cover each other:
     lift each badge that meets one placed before it until it meets none. Rerun on every zoom or pan. */
  function separateBadges(container) {
    var badges = Array.prototype.slice.call(container.querySelectorAll('.tic-timer-due'));
    badges.forEach(function (badge) { badge.style.transform = ''; });
    var boxes = badges.map(function (badge) { return { badge: badge, rect: badge.getBoundingClientRect() }; });
    boxes.sort(function (a, b) { return (a.rect.left - b.rect.left) || (b.rect.top - a.rect.top); });
    var placed = [];
    boxes.forEach(function (box) {
      var r = box.rect;
      var scale = box.badge.offsetHeight ? r.height / box.badge.offsetHeight : 1;  // the overlays zoom with the diagram
      var lift = 0;
      var moved = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      for (var tries = 0; tries < 20 && placed.some(function (p) { return overlaps(moved, p); }); tries += 1) {
        lift += r.height + 2;
        moved = { left: r.left, right: r.right, top: r.top - lift, bottom: r.bottom - lift };
      }
      if (lift) { box.badge.style.transform = 'translateY(-' + (lift / (scale || 1)) + 'px)'; }
      placed.push(moved);
    });
  }

  /* Lanes are named by role key in the BPMN (the engine assigns tasks by them): show the role in words. */
  function nameLanes(registry, lanes) {
    registry.filter(function (el) { return el.type === 'bpmn:Lane' || el.type === 'bpmn:Participant'; })
      .forEach(function (el) {
        var words = lanes[(el.businessObject && el.businessObject.name) || ''];
        var text = words && registry.getGraphics(el).querySelector('.djs-visual text');
        if (!text) { return; }
        var spans = text.querySelectorAll('tspan');
        if (spans.length) {
          spans[0].textContent = words;
          for (var i = 1; i < spans.length; i += 1) { spans[i].parentNode.removeChild(spans[i]); }
        } else {
          text.textContent = words;
        }
        text.setAttribute('data-role', el.businessObject.name);
      });
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
      nameLanes(registry, (data.labels && data.labels.lanes) || {});
      Object.keys(data.timers || {}).forEach(function (id) {
        if (!registry.get(id)) { return; }
        overlays.add(id, 'tic-due', { position: { top: -24, left: 0 }, html: dueOverlay(data.labels.due, data.timers[id]) });
      });
      canvas.zoom('fit-viewport', 'auto');
      separateBadges(container);
      viewer.get('eventBus').on('canvas.viewbox.changed', function () {
        window.requestAnimationFrame(function () { separateBadges(container); });
      });
      container.setAttribute('data-rendered', 'true');
    }).catch(function (err) {
      var box = document.getElementById('diagram-error');
      if (box) { box.hidden = false; box.textContent += '：' + (err && err.message ? err.message : err); }
      container.setAttribute('data-rendered', 'error');
    });
  }

  document.addEventListener('DOMContentLoaded', function () { confirmDangerousForms(); draw(); });
}());
