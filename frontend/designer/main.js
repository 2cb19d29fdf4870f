// The process designer's page: bpmn-js Modeler with our properties, lint, simulation, drafts, deploy, diff, migrate.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
import TokenSimulationModule from 'bpmn-js-token-simulation';
import { diff as bpmnDiff } from 'bpmn-js-differ';
import spiffworkflow from './spiffworkflow.json';
import { lintConfig } from './lint.js';
import { context } from './model.js';
import { palette, TicPropertiesModule } from './props.js';
import { t } from './text.js';
import { TranslateModule } from './translate.js';

const $ = (selector) => document.querySelector(selector);
const csrf = () => ($('meta[name="csrf-token"]') || {}).content || '';
const state = { key: '', version: null, policy: '', markers: [], catalog: null };

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', 'X-CSRFToken': csrf(), ...(options.headers || {}) };
  const response = await fetch(`/designer/api${path}`, { credentials: 'same-origin', ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((body && body.message) || `HTTP ${response.status}`);
    error.body = body;
    error.status = response.status;
    throw error;
  }
  return body;
}

const json = (method, body) => ({ method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

function say(message, kind = 'info') {
  const box = $('#designer-status');
  box.textContent = message;
  box.className = `flash flash-${kind}`;
  box.hidden = !message;
}

function text(tag, content, attrs = {}) {
  const node = document.createElement(tag);
  node.textContent = content == null ? '' : String(content);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

const modeler = new BpmnModeler({
  container: '#designer-canvas',
  propertiesPanel: { parent: '#designer-properties' },
  additionalModules: [TranslateModule, BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, TicPropertiesModule,
    lintModule, TokenSimulationModule],
  moddleExtensions: { spiffworkflow },
  linting: { bpmnlint: lintConfig, active: true },
});
window.ticDesigner = { modeler, state };

function choose(select, items, value) {
  select.replaceChildren(...items.map(([v, label]) => {
    const option = text('option', label, { value: v });
    if (String(v) === String(value)) option.selected = true;
    return option;
  }));
}

function usePolicy(policy) {
  state.policy = policy;
  const catalog = state.catalog;
  palette.articles = catalog.articles[policy] || [];
  palette.forms = [...(catalog.forms[policy] || []), ...(catalog.forms.common || [])];
  palette.operators = catalog.operators;
  palette.roles = catalog.roles;
  context.forms = palette.forms;
  context.operators = Object.keys(catalog.operators);
  context.roles = catalog.roles.map((r) => r.key);
}

async function importXml(xml) {
  clearMarkers();
  await modeler.importXML(xml);
  modeler.get('canvas').zoom('fit-viewport');
}

async function loadVersions(selected) {
  const versions = await api(`/versions/${state.key}`);
  const newest = versions[0].version;
  choose($('#designer-version'), versions.map((v) => [v.version, t('version', { version: v.version })]), selected || newest);
  for (const id of ['#designer-diff-a', '#designer-diff-b', '#designer-migrate-to']) {
    const fallback = id === '#designer-diff-a' ? versions[Math.min(1, versions.length - 1)].version : newest;
    choose($(id), versions.map((v) => [v.version, t('version', { version: v.version })]), fallback);
  }
  const body = $('#designer-history tbody');
  body.replaceChildren(...versions.map((v) => {
    const row = document.createElement('tr');
    // the server formats the time as every page does and names the deployer by display name
    row.append(text('td', v.version), text('td', v.deployed_at_text),
      text('td', v.deployed_by_name || t('repo_deploy')), text('td', v.comment || '—'), text('td', v.open_instances));
    return row;
  }));
  return versions;
}

async function openVersion() {
  state.key = $('#designer-process').value;
  const process = state.catalog.processes.find((p) => p.key === state.key);
  usePolicy(process.policy);
  await loadVersions();
  const version = Number($('#designer-version').value);
  const detail = await api(`/versions/${state.key}/${version}`);
  state.version = version;
  await importXml(detail.xml);
  say(t('opened', { key: state.key, version }));
}

async function openSelectedVersion() {
  const version = Number($('#designer-version').value);
  const detail = await api(`/versions/${state.key}/${version}`);
  state.version = version;
  await importXml(detail.xml);
  say(t('opened', { key: state.key, version }));
}

async function saveDraft() {
  const { xml } = await modeler.saveXML({ format: true });
  await api(`/drafts/${state.key}`, json('PUT', { xml, base_version: state.version }));
  say(t('draft_saved', { time: new Date().toLocaleTimeString() }), 'success');
}

async function openDraft() {
  const draft = await api(`/drafts/${state.key}`);
  state.version = draft.base_version;
  await importXml(draft.xml);
  say(t('draft_opened', { version: draft.base_version || '?' }));
}

function clearMarkers() {
  const canvas = modeler.get('canvas');
  state.markers.forEach((id) => { try { canvas.removeMarker(id, 'tic-problem'); } catch (e) { /* element gone */ } });
  state.markers = [];
}

function showProblems(problems) {
  clearMarkers();
  const registry = modeler.get('elementRegistry');
  const canvas = modeler.get('canvas');
  const list = $('#designer-problems');
  list.replaceChildren(...problems.map((p) => {
    const item = text('li', `${p.element_id || t('file')}：${p.message}`, { 'data-rule': p.rule, 'data-element': p.element_id });
    if (registry.get(p.element_id)) {
      canvas.addMarker(p.element_id, 'tic-problem');
      state.markers.push(p.element_id);
      item.classList.add('clickable');
      item.addEventListener('click', () => {
        modeler.get('selection').select(registry.get(p.element_id));
        canvas.scrollToElement(registry.get(p.element_id));
      });
    }
    return item;
  }));
  $('#designer-problems-box').hidden = false;
  $('#designer-problems-title').textContent = problems.length ? t('server_problems', { n: problems.length }) : t('server_ok');
}

async function validate() {
  const { xml } = await modeler.saveXML({ format: true });
  const result = await api('/validate', { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
  showProblems(result.problems);
  return result;
}

async function deploy() {
  const comment = $('#designer-comment').value.trim();
  if (!comment) {
    say(t('comment_required'), 'error');
    $('#designer-comment').focus();
    return;
  }
  const { xml } = await modeler.saveXML({ format: true });
  try {
    const result = await api('/deploy', json('POST', { xml, comment }));
    showProblems([]);
    state.version = result.version;
    await loadVersions(result.version);
    $('#designer-comment').value = '';
    say(t('deployed', { key: result.process_key, version: result.version }), 'success');
  } catch (error) {
    const problems = error.body && error.body.errors && error.body.errors.problems;
    if (problems) showProblems(problems);
    say(error.message, 'error');
  }
}

function colour(viewer, ids, marker) {
  const registry = viewer.get('elementRegistry');
  ids.forEach((id) => registry.get(id) && viewer.get('canvas').addMarker(id, marker));
}

const known = (key) => t(key) !== key;

function shown(value) {
  if (value === undefined || value === null || value === '') return t('none');
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'object') return value.name || value.body || value.id || null;
  const words = String(value).replace(/^#ref:/, '').replace(/\s+/g, ' ').trim();
  return words.length > 80 ? `${words.slice(0, 79)}…` : words;
}

function differChange(model, path, values) {
  const key = path.replace(/^processRef\./, '').split(/[.[]/)[0];
  const label = known(`attr_${key}`) ? t(`attr_${key}`) : t('attr_other');
  // bpmn-js-differ 3.2 hands a changed value over swapped (oldValue is the newer version's); the model is the
  // newer version's, so the value it holds tells which is which
  const current = path.includes('[') ? undefined : path.split('.').reduce((o, k) => (o == null ? o : o[k]), model);
  const swapped = current !== undefined && current === values.oldValue && values.oldValue !== values.newValue;
  const [before, after] = swapped ? [values.newValue, values.oldValue] : [values.oldValue, values.newValue];
  const [a, b] = [shown(before), shown(after)];
  return a === null || b === null || a === b ? t('attr_changed', { label }) : t('attr_values', { label, old: a, new: b });
}

function differItem(id, entry) {
  const model = entry.model || entry;
  const type = `type_${String(model.$type || '').replace(/^bpmn:/, '')}`;
  const name = model.name || (known(type) ? t(type) : t('type_other'));
  const changes = [...new Set(Object.entries(entry.attrs || {}).map(([path, values]) => differChange(model, path, values)))];
  return { element_id: id, label: t('element_label', { name, id }), changes: changes.map((words) => ({ text: words })) };
}

function diffEntry(c) {
  const item = text('li', c.label, { 'data-element': c.element_id });
  if (c.changes && c.changes.length) {
    const list = document.createElement('ul');
    list.replaceChildren(...c.changes.map((change) => text('li', change.text)));
    item.append(list);
  }
  return item;
}

async function compare() {
  const a = Number($('#designer-diff-a').value);
  const b = Number($('#designer-diff-b').value);
  const [left, right, changes] = await Promise.all([api(`/versions/${state.key}/${a}`), api(`/versions/${state.key}/${b}`),
    api(`/diff/${state.key}/${a}/${b}`)]);
  $('#designer-diff').hidden = false;
  const viewers = ['#designer-diff-left', '#designer-diff-right'].map((container) => {
    $(container).replaceChildren();
    return new NavigatedViewer({ container, moddleExtensions: { spiffworkflow } });
  });
  await viewers[0].importXML(left.xml);
  await viewers[1].importXML(right.xml);
  viewers.forEach((v) => v.get('canvas').zoom('fit-viewport'));
  const defsA = viewers[0].getDefinitions();
  const defsB = viewers[1].getDefinitions();
  const found = bpmnDiff(defsA, defsB);
  colour(viewers[0], Object.keys(found._removed), 'diff-removed');
  colour(viewers[1], Object.keys(found._added), 'diff-added');
  colour(viewers[0], Object.keys(found._changed), 'diff-changed');
  colour(viewers[1], Object.keys(found._changed), 'diff-changed');
  colour(viewers[1], Object.keys(found._layoutChanged), 'diff-layout');
  // SpiffWorkflow's diff names the flow nodes (the server words each change); bpmn-js-differ adds what it sees
  // besides (flows, lanes, pools), worded here with the labels the server sends
  const seen = { added: found._added, removed: found._removed, changed: found._changed };
  for (const kind of ['added', 'removed', 'changed']) {
    const items = [...changes[kind]];
    const listed = new Set(items.map((c) => c.element_id));
    Object.entries(seen[kind]).forEach(([id, entry]) => {
      if (!listed.has(id)) items.push(differItem(id, entry));
    });
    const list = $(`#designer-diff-${kind}`);
    list.replaceChildren(...(items.length ? items.map(diffEntry) : [text('li', t('none'), { class: 'muted' })]));
  }
  $('#designer-diff-title').textContent = t('diff_title', { a, b });
}

async function migrate(dryRun) {
  const toVersion = Number($('#designer-migrate-to').value);
  const results = await api('/migrate', json('POST', { process_key: state.key, to_version: toVersion, dry_run: dryRun }));
  const body = $('#designer-migration tbody');
  body.replaceChildren(...results.map((r) => {
    const row = document.createElement('tr');
    row.setAttribute('data-instance', r.instance_id);
    const verdict = r.migrated ? t('migrated') : r.safe ? t('safe') : t('unsafe');
    row.append(text('td', r.instance_id), text('td', r.from_version ? t('version', { version: r.from_version }) : '—'),
      text('td', verdict, { class: r.safe ? 'ok' : 'bad' }), text('td', (r.moved || []).join('、') || '—'),
      text('td', (r.reasons || []).map((x) => x.message).join('；') || '—'));
    return row;
  }));
  $('#designer-migration').hidden = !results.length;
  $('#designer-migration-empty').hidden = Boolean(results.length);
  say(results.length ? (dryRun ? t('dry_run_result', { n: results.length })
    : t('migrate_result', { n: results.filter((r) => r.migrated).length })) : t('nothing_to_migrate'), 'info');
}

function previewForm() {
  const selected = modeler.get('selection').get()[0];
  const node = selected && selected.businessObject;
  const props = (node && node.extensionElements && node.extensionElements.values || [])
    .filter((v) => v.$type === 'spiffworkflow:Properties').flatMap((p) => p.properties || []);
  const key = (props.find((p) => p.name === 'formKey') || {}).value;
  if (!key) {
    say(t('pick_user_task'), 'error');
    return;
  }
  $('#designer-form-frame').src = `/designer/forms/${key}`;
  $('#designer-form-dialog').showModal();
}

function guard(fn) {
  return (event) => {
    if (event) event.preventDefault();
    fn().catch((error) => say(error.message, 'error'));
  };
}

async function start() {
  state.catalog = await api('/palette');
  const requested = new URLSearchParams(window.location.search).get('process');
  choose($('#designer-process'), state.catalog.processes.map((p) => [p.key, `${p.key} ${p.name}`]),
    requested || (state.catalog.processes[0] || {}).key);
  $('#designer-process').addEventListener('change', guard(openVersion));
  $('#designer-open').addEventListener('click', guard(openSelectedVersion));
  $('#designer-save-draft').addEventListener('click', guard(saveDraft));
  $('#designer-open-draft').addEventListener('click', guard(openDraft));
  $('#designer-validate').addEventListener('click', guard(validate));
  $('#designer-deploy').addEventListener('click', guard(deploy));
  $('#designer-compare').addEventListener('click', guard(compare));
  $('#designer-dry-run').addEventListener('click', guard(() => migrate(true)));
  $('#designer-migrate').addEventListener('click', guard(() => migrate(false)));
  $('#designer-preview-form').addEventListener('click', guard(async () => previewForm()));
  $('#designer-form-close').addEventListener('click', () => $('#designer-form-dialog').close());
  if (state.catalog.processes.length) await openVersion();
  document.body.setAttribute('data-designer-ready', 'true');
}

guard(start)();
