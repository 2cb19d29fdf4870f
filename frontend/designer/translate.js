// bpmn-js, its properties panel and bpmnlint in the page's language: Chinese from the community dictionary
// (bpmn-js-i18n-zh), plus the few words of our plugins it lacks; English pages keep the libraries' own words.
import bpmnJsZh from 'bpmn-js-i18n-zh/lib/bpmn-js';
import propertiesPanelZh from 'bpmn-js-i18n-zh/lib/properties-panel';

const OURS_ZH = {
  'No Issues': '没有问题',
  '{errors} Errors, {warnings} Warnings': '{errors} 个错误，{warnings} 个警告',
  'Issues for child elements': '子元素的问题',
  // the panel header's element types the dictionary lacks (matched case-insensitively below)
  'Collaboration': '协作',
  'Participant': '泳池',
  'Process': '流程',
  'Lane': '泳道',
  'Message flow': '消息流',
  'Text annotation': '文本注释',
  'Group': '分组',
};

function dictionary() {
  if (!(document.documentElement.lang || '').startsWith('zh')) return {};
  return { ...bpmnJsZh, ...propertiesPanelZh, ...OURS_ZH };
}

const words = dictionary();
// the panel header writes a type as 'Script Task' where the dictionary has 'Script task'
const folded = Object.fromEntries(Object.entries(words).map(([key, value]) => [key.toLowerCase(), value]));

export function translate(template, replacements = {}) {
  const text = words[template] || folded[template.toLowerCase()] || template;
  return text.replace(/{([^}]+)}/g, (match, key) => (key in replacements ? String(replacements[key]) : match));
}

export const TranslateModule = { translate: ['value', translate] };
