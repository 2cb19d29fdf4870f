// Reading and writing the spiffworkflow extensions of a BPMN element (shared by the panel and the lint rules).
export function bo(element) {
  return (element && element.businessObject) || element;
}

export function extensionValues(node, type) {
  const ext = node && node.extensionElements;
  return ((ext && ext.values) || []).filter((v) => v.$type === type);
}

export function spiffProperty(node, name) {
  for (const props of extensionValues(node, 'spiffworkflow:Properties')) {
    for (const prop of props.properties || []) {
      if (prop.name === name) return prop.value || '';
    }
  }
  return '';
}

export function operatorOf(node) {
  return extensionValues(node, 'spiffworkflow:ServiceTaskOperator')[0];
}

export function timerDefinition(node) {
  return (node.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
}

export function timerExpression(definition) {
  for (const kind of ['timeDate', 'timeDuration', 'timeCycle']) {
    if (definition && definition[kind]) return { kind, body: definition[kind].body || '' };
  }
  return { kind: 'timeDuration', body: '' };
}

export const CHINESE = /[\u4e00-\u9fff]/;
export const LOOKS_ISO = /^(R\d*\/|P\d|PT|\d{4}-\d{2}-\d{2})/;
export const ELEMENT_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
export const RESERVED_IDS = ['Start', 'End', 'Root'];

// What the lint rules check against: filled from the server's palette before the first lint run.
export const context = { forms: [], operators: [], roles: [] };
