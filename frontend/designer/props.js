// The properties panel group for our conventions: article, form, lane role, operator, timer, condition, script.
import { SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { html } from 'htm/preact';
import { bo, extensionValues, operatorOf, spiffProperty, timerDefinition, timerExpression } from './model.js';
import { t } from './text.js';

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
  const options = () => [{ value: '', label: t('choose_article') },
    ...palette.articles.map((a) => ({ value: a.article, label: a.text ? `${a.article} ${a.text}` : a.article }))];
  return html`<${SelectEntry} element=${element} id=${id} label=${t('policy_articles')} getOptions=${options}
    getValue=${() => (palette.articles.some((a) => a.article === spiffProperty(bo(element), 'article')) ? spiffProperty(bo(element), 'article') : '')}
    setValue=${(value) => value && setSpiffProperty(element, 'article', value, tools)} />`;
}

function FormChoice({ element, id }) {
  const tools = useTools();
  const options = () => {
    const current = spiffProperty(bo(element), 'formKey');
    const keys = palette.forms.includes(current) || !current ? palette.forms : [current, ...palette.forms];
    return [{ value: '', label: t('choose_form') }, ...keys.map((key) => ({ value: key, label: key }))];
  };
  return html`<${SelectEntry} element=${element} id=${id} label=${t('form')} getOptions=${options}
    getValue=${() => spiffProperty(bo(element), 'formKey')}
    setValue=${(value) => setSpiffProperty(element, 'formKey', value || '', tools)} />`;
}

function LaneRole({ element, id }) {
  const { modeling } = useTools();
  const options = () => [{ value: '', label: t('choose_role') }, ...palette.roles.map((r) => ({ value: r.key, label: `${r.key} ${r.label}` }))];
  return html`<${SelectEntry} element=${element} id=${id} label=${t('lane_role')} getOptions=${options}
    getValue=${() => bo(element).name || ''} setValue=${(value) => modeling.updateProperties(element, { name: value })} />`;
}

function OperatorChoice({ element, id }) {
  const tools = useTools();
  const options = () => [{ value: '', label: t('choose_operator') },
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
  return html`<${SelectEntry} element=${element} id=${id} label=${t('operator')} getOptions=${options}
    getValue=${() => (operatorOf(bo(element)) || {}).id || ''} setValue=${setValue} />`;
}

function OperatorParameter({ element, id, parameter }) {
  const { modeling, debounce } = useTools();
  return html`<${TextFieldEntry} element=${element} id=${id} label=${t('parameter', { id: parameter.id })}
    debounce=${debounce} getValue=${() => parameter.value || ''}
    setValue=${(value) => modeling.updateModdleProperties(element, parameter, { value: value || '' })} />`;
}

function TimerEntry({ element, id }) {
  const { bpmnFactory, modeling, debounce } = useTools();
  const definition = timerDefinition(bo(element));
  const kinds = () => [{ value: 'timeDate', label: t('time_date') }, { value: 'timeDuration', label: t('time_duration') },
    { value: 'timeCycle', label: t('time_cycle') }];
  const write = (kind, body) => {
    const expression = bpmnFactory.create('bpmn:FormalExpression', { body });
    modeling.updateModdleProperties(element, definition,
      { timeDate: undefined, timeDuration: undefined, timeCycle: undefined, [kind]: expression });
  };
  return html`
    <${SelectEntry} element=${element} id=${`${id}-kind`} label=${t('timer_kind')} getOptions=${kinds}
      getValue=${() => timerExpression(definition).kind} setValue=${(kind) => write(kind, timerExpression(definition).body)} />
    <${TextFieldEntry} element=${element} id=${id} label=${t('timer')} debounce=${debounce}
      description=${t('timer_help')}
      getValue=${() => timerExpression(definition).body}
      setValue=${(body) => write(timerExpression(definition).kind, body || '')} />`;
}

function ConditionEntry({ element, id }) {
  const { bpmnFactory, modeling, debounce } = useTools();
  return html`<${TextFieldEntry} element=${element} id=${id} label=${t('condition')} debounce=${debounce}
    description=${t('condition_help')}
    getValue=${() => ((bo(element).conditionExpression || {}).body || '')}
    setValue=${(body) => modeling.updateProperties(element, {
      conditionExpression: body ? bpmnFactory.create('bpmn:FormalExpression', { body }) : undefined })} />`;
}

function ScriptEntry({ element, id }) {
  const { modeling, debounce } = useTools();
  return html`<${TextAreaEntry} element=${element} id=${id} label=${t('script')} debounce=${debounce} rows=${6}
    getValue=${() => bo(element).script || ''} setValue=${(script) => modeling.updateProperties(element, { script: script || '' })} />`;
}

function entries(element) {
  const node = bo(element);
  const list = [];
  if (isAny(node, FLOW_NODES)) {
    list.push({ id: 'tic-article', component: PropertyText, name: 'article', label: t('article'),
      description: t('article_help') });
    list.push({ id: 'tic-article-choice', component: ArticleChoice });
  }
  if (is(node, 'bpmn:UserTask')) {
    list.push({ id: 'tic-form', component: FormChoice });
    list.push({ id: 'tic-due', component: PropertyText, name: 'due', label: t('due') });
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
      groups.splice(1, 0, { id: 'tic', label: t('group'), entries: list, shouldOpen: true });
    }
    return groups;
  };
};
TicPropertiesProvider.$inject = ['propertiesPanel'];

export const TicPropertiesModule = {
  __init__: ['ticPropertiesProvider'],
  ticPropertiesProvider: ['type', TicPropertiesProvider],
};
