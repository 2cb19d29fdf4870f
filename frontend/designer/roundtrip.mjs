// Check: every BPMN under the given directory survives the modeler's moddle (with our spiffworkflow extension)
// without warnings and without losing a spiffworkflow element. Exit status 1 names the files that do not.
import { BpmnModdle } from 'bpmn-moddle';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const spiffworkflow = JSON.parse(fs.readFileSync(path.join(here, 'spiffworkflow.json'), 'utf8'));
const moddle = new BpmnModdle({ spiffworkflow });
const root = process.argv[2] || path.resolve(here, '../../processes');
const count = (text) => (text.match(/<spiffworkflow:[A-Za-z]+/g) || []).sort().join(' ');
let failures = 0;
let files = 0;
for (const dir of fs.readdirSync(root)) {
  const folder = path.join(root, dir);
  if (!fs.statSync(folder).isDirectory()) continue;
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.bpmn'))) {
    const file = path.join(folder, name);
    const source = fs.readFileSync(file, 'utf8');
    const { rootElement, warnings } = await moddle.fromXML(source);
    const { xml } = await moddle.toXML(rootElement, { format: true });
    files += 1;
    if (warnings.length || count(source) !== count(xml)) {
      failures += 1;
      console.log(`${file}: ${warnings.length} warnings ${warnings.slice(0, 3).map((w) => w.message).join('; ')}`);
    }
  }
}
console.log(`${files} files, ${failures} lose something in the modeler`);
process.exit(failures ? 1 : 0);
