// Our conventions as a bpmnlint plugin ("tic/…"), the same rules the server applies (app/services/design).
import { is, isAny } from 'bpmnlint-utils';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import { t } from './text.js';
import { CHINESE, ELEMENT_ID, LOOKS_ISO, RESERVED_IDS, context, operatorOf, spiffProperty, timerDefinition, timerExpression } from './model.js';

const FLOW_NODES = ['bpmn:Task', 'bpmn:Event', 'bpmn:Gateway', 'bpmn:SubProcess', 'bpmn:CallActivity'];

function rule(check) {
  return function () {
    return { check };
  };
}

const rules = {
  'name-chinese': rule((node, reporter) => {
    if (isAny(node, FLOW_NODES) && !CHINESE.test(node.name || '')) reporter.report(node.id, t('lint_name'));
  }),
  'article-required': rule((node, reporter) => {
    if (isAny(node, FLOW_NODES) && !spiffProperty(node, 'article').trim()) {
      reporter.report(node.id, t('lint_article'));
    }
  }),
  'form-required': rule((node, reporter) => {
    if (!is(node, 'bpmn:UserTask')) return;
    const key = spiffProperty(node, 'formKey');
    if (!key) reporter.report(node.id, t('lint_form'));
    else if (context.forms.length && !context.forms.includes(key)) reporter.report(node.id, t('lint_form_missing', { key }));
  }),
  'lane-role': rule((node, reporter) => {
    if (is(node, 'bpmn:Lane') && context.roles.length && !context.roles.includes(node.name || '')) {
      reporter.report(node.id, t('lint_lane', { roles: context.roles.join('、') }));
    }
  }),
  'operator-registered': rule((node, reporter) => {
    if (!is(node, 'bpmn:ServiceTask')) return;
    const operator = operatorOf(node);
    if (!operator || !operator.id) reporter.report(node.id, t('lint_operator'));
    else if (context.operators.length && !context.operators.includes(operator.id)) {
      reporter.report(node.id, t('lint_operator_unknown', { name: operator.id }));
    }
  }),
  'task-forks': rule((node, reporter) => {
    if (!isAny(node, FLOW_NODES) || is(node, 'bpmn:Gateway')) return;
    const bare = (node.outgoing || []).filter((flow) => !flow.conditionExpression);
    if (bare.length > 1) reporter.report(node.id, t('lint_forks'));
  }),
  'timer-quoted': rule((node, reporter) => {
    if (!is(node, 'bpmn:Event')) return;
    const definition = timerDefinition(node);
    if (!definition) return;
    const { body } = timerExpression(definition);
    if (!body.trim()) reporter.report(node.id, t('lint_timer_empty'));
    else if (LOOKS_ISO.test(body.trim())) reporter.report(node.id, t('lint_timer_quotes', { quoted: `'${body.trim()}'` }));
  }),
  'id-convention': rule((node, reporter) => {
    if (!node.id || is(node, 'bpmn:Definitions')) return;
    if (RESERVED_IDS.includes(node.id)) reporter.report(node.id, t('lint_reserved_id'));
    else if (!ELEMENT_ID.test(node.id)) reporter.report(node.id, t('lint_id'));
  }),
};

const builtins = {
  'start-event-required': startEventRequired,
  'end-event-required': endEventRequired,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'single-event-definition': singleEventDefinition,
};

export const lintConfig = {
  config: {
    rules: {
      ...Object.fromEntries(Object.keys(builtins).map((name) => [name, 'error'])),
      ...Object.fromEntries(Object.keys(rules).map((name) => [`tic/${name}`, 'error'])),
    },
  },
  resolver: {
    resolveRule(pkg, ruleName) {
      if (pkg === 'bpmnlint') return builtins[ruleName];
      if (pkg === 'bpmnlint-plugin-tic') return rules[ruleName];
      return undefined;
    },
    resolveConfig() {
      return undefined;
    },
  },
};
