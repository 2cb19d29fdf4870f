/* The dashboard: four ECharts charts fed by /dashboard/data.json. */
(function () {
  'use strict';

  var COLORS = ['#1d4f91', '#2e7d32', '#e08a00', '#b42318', '#6a4c93', '#0f8b8d', '#8d6e63', '#5f6b7a'];

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] === null || values[key] === undefined ? '—' : values[key]; });
  }

  function pickUnit(seconds, units) {
    if (seconds >= 2 * 86400) { return { seconds: 86400, label: units.d }; }
    if (seconds >= 2 * 3600) { return { seconds: 3600, label: units.h }; }
    if (seconds >= 120) { return { seconds: 60, label: units.min }; }
    return { seconds: 1, label: units.s };
  }

  function round(v) { return v === null || v === undefined ? null : Math.round(v * 10) / 10; }

  function chart(id, option, labels, empty) {
    var el = document.getElementById(id);
    var instance = window.echarts.init(el, null, { renderer: 'svg' });
    if (empty) {
      option.graphic = { type: 'text', left: 'center', top: 'middle', style: { text: labels.noData, fill: '#5f6b7a', fontSize: 14 } };
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

  function render(data, labels) {
    var policyName = function (p) { return labels.policies[p] || p; };
    var c = data.centers_by_status;
    var o1 = base(labels.centersByStatus);
    o1.xAxis = { type: 'category', data: c.policies.map(policyName) };
    o1.yAxis = { type: 'value', minInterval: 1, name: labels.centers };
    o1.series = c.series.map(function (s) {
      return { type: 'bar', stack: 'status', name: labels.statuses[s.status] || s.status, data: s.data, barMaxWidth: 48 };
    });
    chart('chart-centers', o1, labels, c.total === 0);

    var r = data.annual_reports;
    var o2 = base(fmt(labels.annualReports, { year: r.report_year }));
    o2.xAxis = { type: 'category', data: r.policies.map(policyName) };
    o2.yAxis = { type: 'value', minInterval: 1 };
    o2.series = [
      { type: 'bar', name: labels.owed, data: r.owed, barMaxWidth: 40 },
      { type: 'bar', name: labels.received, data: r.received, barMaxWidth: 40 },
      { type: 'bar', name: labels.missing, data: r.missing, barMaxWidth: 40, itemStyle: { color: '#b42318' } }
    ];
    chart('chart-reports', o2, labels, r.owed.every(function (v) { return v === 0; }));

    var d = data.overdue_by_procedure;
    var o3 = base(labels.overdueByProcedure);
    o3.xAxis = { type: 'category', data: d.procedures.map(function (p) { return labels.procedures[p] || p; }) };
    o3.yAxis = { type: 'value', minInterval: 1, name: labels.overdue };
    o3.series = d.series.map(function (s) {
      return { type: 'bar', stack: 'policy', name: policyName(s.policy), data: s.data, barMaxWidth: 48 };
    });
    chart('chart-overdue', o3, labels, d.total === 0);

    var l = data.timer_lag;
    var peak = Math.max.apply(null, [0].concat(l.max, [l.recent.max || 0]));
    var unit = pickUnit(peak, labels.units);
    var scaled = function (v) { return v === null || v === undefined ? null : round(v / unit.seconds); };
    var o4 = base(fmt(labels.timerLag, { unit: unit.label }));
    o4.xAxis = { type: 'category', data: l.days };
    o4.yAxis = { type: 'value', name: unit.label };
    o4.series = [
      { type: 'bar', name: labels.max, data: l.max.map(scaled), barMaxWidth: 32, z: 1, itemStyle: { opacity: 0.35 } },
      { type: 'line', name: labels.p50, data: l.p50.map(scaled), symbolSize: 8, z: 3 },
      { type: 'line', name: labels.p95, data: l.p95.map(scaled), symbolSize: 8, z: 3 }
    ];
    o4.color = [COLORS[2], COLORS[0], COLORS[3]];
    chart('chart-lag', o4, labels, l.days.length === 0);
    var recent = document.getElementById('lag-recent');
    if (recent && l.recent.n) {
      recent.textContent = fmt(labels.recent, {
        n: l.recent.n, p50: scaled(l.recent.p50), p95: scaled(l.recent.p95), max: scaled(l.recent.max), unit: unit.label
      });
    }
    var now = document.getElementById('dashboard-now');
    if (now) { now.textContent = data.now.replace('T', ' ').slice(0, 16); }
    document.getElementById('dashboard').setAttribute('data-loaded', 'true');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('dashboard');
    if (!root || !window.echarts) { return; }
    var labels = JSON.parse(document.getElementById('dashboard-labels').textContent);
    fetch(root.getAttribute('data-src'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) { render(data, labels); })
      .catch(function () { document.getElementById('dashboard-error').hidden = false; });
  });
}());
