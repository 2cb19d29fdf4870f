// The properties panel group for our conventions: article, form, lane role, operator, timer, condition, script.
import { SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { html } from 'htm/preact';
import { bo, extensionValues, operatorOf, spiffProperty, timerDefinition, timerExpression } from './model.js';

export const palette = { articles: [], forms: [], operators: {}, roles: [] };
const FLOW_NODES = ['bpmn:Task', 'bpmn:Event', 'bpmn:Gateway', 'bpmn:SubProcess', 'bpmn:CallActivity'];

function useTools() {
  return {
    bpmnFactory: useService('bpmnFactory'),
    modeling: useService('modeling'),
    debounce: useService('debounceInput'),
  };
}

function ensureExtensions(element, { bpmnFactory, modeling }) {
  const node = bo(element);
  let ext = node.extensionElements;
  if (!ext) {
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateProperties(element, { extensionElements: ext });
  }
  return ext;
}

export function setSpiffProperty(element, name, value, tools) {
  const { bpmnFactory, modeling } = tools;
  const ext = ensureExtensions(element, tools);
  let props = extensionValues(bo(element), 'spiffworkflow:Properties')[0];
  if (!props) {
    props = bpmnFactory.create('spiffworkflow:Properties', { properties: [] });
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), props] });
  }
  const existing = (props.properties || []).find((p) => p.name === name);
  if (existing) {
    modeling.updateModdleProperties(element, existing, { value });
  } else {
    const created = bpmnFactory.create('spiffworkflow:Property', { name, value });
    modeling.updateModdleProperties(element, props, { properties: [...(props.properties || []), created] });
  }
}

function PropertyText({ element, id, name, label, description }) {
  const tools = useTools();
  return html`<${TextFieldEntry} element=${element} id=${id} label=${label} description=${description}
    debounce=${tools.debounce} getValue=${() => spiffProperty(bo(element), name)}
    setValue=${(value) => setSpiffProperty(element, name, value || '', tools)} />`;
}

function ArticleChoice({ element, id }) {
  const tools = useTools();
  const options = () => [{ value: '', label: '— 从政策条文中选择 —' },
    ...palette.articles.map((a) => ({ value: a.article, label: a.text ? `${a.article} ${a.text}` : a.article }))];
  return html`<${SelectEntry} element=${element} id=${id} label="政策条文" getOptions=${options}
    getValue=${() => (palette.articles.some((a) => a.article === spiffProperty(bo(element), 'article')) ? spiffProperty(bo(element), 'article') : '')}
    setValue=${(value) => value && setSpiffProperty(element, 'article', value, tools)} />`;
}

function FormChoice({ element, id }) {
  const tools = useTools();
  const options = () => {
    const current = spiffProperty(bo(element), 'formKey');
    const keys = palette.forms.includes(current) || !current ? palette.forms : [current, ...palette.forms];
    return [{ value: '', label: '— 选择表单 —' }, ...keys.map((key) => ({ value: key, label: key }))];
  };
  return html`<${SelectEntry} element=${element} id=${id} label="表单 (formKey)" getOptions=${options}
    getValue=${() => spiffProperty(bo(element), 'formKey')}
    setValue=${(value) => setSpiffProperty(element, 'formKey', value || '', tools)} />`;
}

function LaneRole({ element, id }) {
  const { modeling } = useTools();
  const options = () => [{ value: '', label: '— 选择角色 —' }, ...palette.roles.map((r) => ({ value: r.key, label: `${r.key} ${r.label}` }))];
  return html`<${SelectEntry} element=${element} id=${id} label="泳道角色" getOptions=${options}
    getValue=${() => bo(element).name || ''} setValue=${(value) => modeling.updateProperties(element, { name: value })} />`;
}

function OperatorChoice({ element, id }) {
  const tools = useTools();
  const options = () => [{ value: '', label: '— 选择操作 —' },
    ...Object.keys(palette.operators).map((name) => ({ value: name, label: name }))];
  const setValue = (name) => {
    const ext = ensureExtensions(element, tools);
    const others = (ext.values || []).filter((v) => v.$type !== 'spiffworkflow:ServiceTaskOperator');
    if (!name) {
      tools.modeling.updateModdleProperties(element, ext, { values: others });
      return;
    }
    const parameters = (palette.operators[name] || []).map((param) =>
      tools.bpmnFactory.create('spiffworkflow:Parameter', { id: param, type: 'any', value: '' }));
    const list = tools.bpmnFactory.create('spiffworkflow:Parameters', { parameters });
    const operator = tools.bpmnFactory.create('spiffworkflow:ServiceTaskOperator',
      { id: name, resultVariable: `${name}_result`, parameters: list });
    tools.modeling.updateModdleProperties(element, ext, { values: [...others, operator] });
  };
  return html`<${SelectEntry} element=${element} id=${id} label="操作 (serviceTaskOperator)" getOptions=${options}
    getValue=${() => (operatorOf(bo(element)) || {}).id || ''} setValue=${setValue} />`;
}

function OperatorParameter({ element, id, parameter }) {
  const { modeling, debounce } = useTools();
  return html`<${TextFieldEntry} element=${element} id=${id} label=${`参数 ${parameter.id}（Python 表达式）`}
    debounce=${debounce} getValue=${() => parameter.value || ''}
    setValue=${(value) => modeling.updateModdleProperties(element, parameter, { value: value || '' })} />`;
}

function TimerEntry({ element, id }) {
  const { bpmnFactory, modeling, debounce } = useTools();
  const definition = timerDefinition(bo(element));
  const kinds = () => [{ value: 'timeDate', label: '日期 timeDate' }, { value: 'timeDuration', label: '时长 timeDuration' },
    { value: 'timeCycle', label: '周期 timeCycle' }];
  const write = (kind, body) => {
    const expression = bpmnFactory.create('bpmn:FormalExpression', { body });
    modeling.updateModdleProperties(element, definition,
      { timeDate: undefined, timeDuration: undefined, timeCycle: undefined, [kind]: expression });
  };
  return html`
    <${SelectEntry} element=${element} id=${`${id}-kind`} label="定时器类型" getOptions=${kinds}
      getValue=${() => timerExpression(definition).kind} setValue=${(kind) => write(kind, timerExpression(definition).body)} />
    <${TextFieldEntry} element=${element} id=${id} label="定时器表达式" debounce=${debounce}
      description="Python 表达式：字面值加引号，如 'P30D'、'2026-03-31T23:59:59+08:00'；或变量，如 due_at"
      getValue=${() => timerExpression(definition).body}
      setValue=${(body) => write(timerExpression(definition).kind, body || '')} />`;
}

function ConditionEntry({ element, id }) {
  const { bpmnFactory, modeling, debounce } = useTools();
  return html`<${TextFieldEntry} element=${element} id=${id} label="条件（Python 表达式）" debounce=${debounce}
    description="例如 decision == 'approve'"
    getValue=${() => ((bo(element).conditionExpression || {}).body || '')}
    setValue=${(body) => modeling.updateProperties(element, {
      conditionExpression: body ? bpmnFactory.create('bpmn:FormalExpression', { body }) : undefined })} />`;
}

function ScriptEntry({ element, id }) {
  const { modeling, debounce } = useTools();
  return html`<${TextAreaEntry} element=${element} id=${id} label="脚本（受限 Python）" debounce=${debounce} rows=${6}
    getValue=${() => bo(element).script || ''} setValue=${(script) => modeling.updateProperties(element, { script: script || '' })} />`;
}

function entries(element) {
  const node = bo(element);
  const list = [];
  if (isAny(node, FLOW_NODES)) {
    list.push({ id: 'tic-article', component: PropertyText, name: 'article', label: '条款 (article)',
      description: '依据的条文，按文本编号，例如 第二十条、第三十条(一)', isEdited: () => true });
    list.push({ id: 'tic-article-choice', component: ArticleChoice });
  }
  if (is(node, 'bpmn:UserTask')) {
    list.push({ id: 'tic-form', component: FormChoice });
    list.push({ id: 'tic-due', component: PropertyText, name: 'due', label: '办理期限 due（Python 表达式，可空）' });
  }
  if (is(node, 'bpmn:Lane')) list.push({ id: 'tic-lane-role', component: LaneRole });
  if (is(node, 'bpmn:ServiceTask')) {
    list.push({ id: 'tic-operator', component: OperatorChoice });
    const operator = operatorOf(node);
    ((operator && operator.parameters && operator.parameters.parameters) || []).forEach((parameter, index) => {
      list.push({ id: `tic-param-${index}`, component: OperatorParameter, parameter });
    });
  }
  if (is(node, 'bpmn:Event') && timerDefinition(node)) list.push({ id: 'tic-timer', component: TimerEntry });
  if (is(node, 'bpmn:SequenceFlow')) list.push({ id: 'tic-condition', component: ConditionEntry });
  if (is(node, 'bpmn:ScriptTask')) list.push({ id: 'tic-script', component: ScriptEntry });
  return list;
}

function TicPropertiesProvider(propertiesPanel) {
  propertiesPanel.registerProvider(400, this);
}

TicPropertiesProvider.prototype.getGroups = function (element) {
  return function (groups) {
    const list = entries(element);
    groups.forEach((group) => { if (group.id === 'general') group.shouldOpen = true; });
    if (list.length) {
      groups.splice(1, 0, { id: 'tic', label: '本平台规范（条款、表单、角色、操作）', entries: list, shouldOpen: true });
    }
    return groups;
  };
};
TicPropertiesProvider.$inject = ['propertiesPanel'];

export const TicPropertiesModule = {
  __init__: ['ticPropertiesProvider'],
  ticPropertiesProvider: ['type', TicPropertiesProvider],
};
