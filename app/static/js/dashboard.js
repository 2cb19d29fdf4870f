/* The dashboard and the operator's page: ECharts charts fed by a JSON endpoint (data-src). Every label comes
   from the page (data-* attributes, translated on the server) or from the data (already in words). */
(function () {
  'use strict';

  var COLORS = ['#1d4f91', '#2e7d32', '#e08a00', '#b42318', '#6a4c93', '#0f8b8d', '#8d6e63', '#5f6b7a'];

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] === null || values[key] === undefined ? '—' : values[key]; });
  }

  function pickUnit(seconds, el) {
    if (seconds >= 2 * 86400) { return { seconds: 86400, label: el.dataset.unitD }; }
    if (seconds >= 2 * 3600) { return { seconds: 3600, label: el.dataset.unitH }; }
    if (seconds >= 120) { return { seconds: 60, label: el.dataset.unitMin }; }
    return { seconds: 1, label: el.dataset.unitS };
  }

  function round(v) { return v === null || v === undefined ? null : Math.round(v * 10) / 10; }

  function chart(el, option, noData, empty) {
    var instance = window.echarts.init(el, null, { renderer: 'svg' });
    if (empty) {
      option.graphic = { type: 'text', left: 'center', top: 'middle', style: { text: noData, fill: '#5f6b7a', fontSize: 14 } };
    }
    option.color = option.color || COLORS;
    option.animation = false;
    instance.setOption(option);
    window.addEventListener('resize', function () { instance.resize(); });
    el.setAttribute('data-rendered', 'true');
    return instance;
  }

  function base(title) {
    return {
      title: { text: title, left: 'left', textStyle: { fontSize: 15, fontWeight: 600 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 28, type: 'scroll' },
      grid: { left: 48, right: 24, top: 72, bottom: 40, containLabel: true }
    };
  }

  function categoryAxis(categories) {
    return { type: 'category', data: categories, axisLabel: { interval: 0, width: 110, overflow: 'break' } };
  }

  function stacked(el, block, stack, noData) {
    var option = base(el.dataset.title);
    option.xAxis = categoryAxis(block.categories);
    option.yAxis = { type: 'value', minInterval: 1, name: el.dataset.axis };
    option.series = block.series.map(function (s) {
      return { type: 'bar', stack: stack, name: s.name, data: s.data, barMaxWidth: 48 };
    });
    chart(el, option, noData, block.total === 0);
  }

  function reportsTable(r) {
    var table = document.getElementById('reports-table');
    if (!table) { return; }
    var body = table.querySelector('tbody');
    r.rows.forEach(function (row, i) {
      var tr = document.createElement('tr');
      [row.policy, row.region, row.owed, row.received].forEach(function (v) {
        var td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      });
      var missing = document.createElement('td');
      missing.textContent = row.missing;
      if (row.missing > 0 && r.past_due[i]) {
        missing.className = 'overdue';
        missing.textContent = table.dataset.overdue.replace('{n}', row.missing);
      }
      tr.appendChild(missing);
      body.appendChild(tr);
    });
    if (!r.rows.length) {
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = table.dataset.empty;
      table.parentNode.appendChild(p);
    } else {
      table.hidden = false;
    }
  }

  function renderDashboard(data, noData) {
    var r = data.annual_reports;
    var el = document.getElementById('chart-reports');
    var o2 = base(fmt(el.dataset.title, { year: r.report_year }));
    o2.xAxis = categoryAxis(r.categories);
    o2.yAxis = { type: 'value', minInterval: 1, name: el.dataset.axis };
    o2.series = [
      { type: 'bar', name: el.dataset.owed, data: r.owed, barMaxWidth: 40 },
      { type: 'bar', name: el.dataset.received, data: r.received, barMaxWidth: 40, itemStyle: { color: COLORS[1] } },
      { type: 'bar', name: el.dataset.missing, data: r.missing, barMaxWidth: 40, itemStyle: { color: COLORS[3] } }
    ];
    chart(el, o2, noData, r.owed.every(function (v) { return v === 0; }));
    reportsTable(r);
    stacked(document.getElementById('chart-overdue'), data.overdue_steps, 'organisation', noData);
    stacked(document.getElementById('chart-centers'), data.centers_by_status, 'status', noData);
  }

  function renderOperations(data, noData) {
    var l = data.timer_lag;
    var el = document.getElementById('chart-lag');
    var peak = Math.max.apply(null, [0].concat(l.max, [l.recent.max || 0]));
    var unit = pickUnit(peak, el);
    var scaled = function (v) { return v === null || v === undefined ? null : round(v / unit.seconds); };
    var option = base(fmt(el.dataset.title, { unit: unit.label }));
    option.xAxis = { type: 'category', data: l.days };
    option.yAxis = { type: 'value', name: unit.label };
    option.series = [
      { type: 'bar', name: el.dataset.max, data: l.max.map(scaled), barMaxWidth: 32, z: 1, itemStyle: { opacity: 0.35 } },
      { type: 'line', name: el.dataset.p50, data: l.p50.map(scaled), symbolSize: 8, z: 3 },
      { type: 'line', name: el.dataset.p95, data: l.p95.map(scaled), symbolSize: 8, z: 3 }
    ];
    option.color = [COLORS[2], COLORS[0], COLORS[3]];
    chart(el, option, el.dataset.noData || noData, l.days.length === 0);
    var recent = document.getElementById('lag-recent');
    if (recent && l.recent.n) {
      recent.textContent = fmt(el.dataset.recent, {
        n: l.recent.n, p50: scaled(l.recent.p50), p95: scaled(l.recent.p95), max: scaled(l.recent.max), unit: unit.label
      });
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('dashboard');
    if (!root || !window.echarts) { return; }
    var noData = root.dataset.noData;
    fetch(root.getAttribute('data-src'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data.timer_lag) { renderOperations(data, noData); } else { renderDashboard(data, noData); }
        var now = document.getElementById('dashboard-now');
        if (now) { now.textContent = data.now_text || data.now || ''; }  // the dashboard says now_text, operations now
        root.setAttribute('data-loaded', 'true');
      })
      .catch(function () { document.getElementById('dashboard-error').hidden = false; });
  });
}());
