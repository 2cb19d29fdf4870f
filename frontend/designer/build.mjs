// Bundle the designer page (bpmn-js and its plugins from npm) into app/static/vendor/designer: no CDN, no inline code.
import { build } from 'esbuild';
import { fileURLToPath } from 'url';
import path from 'path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../app/static/vendor/designer');

await build({
  entryPoints: { designer: path.join(here, 'main.js'), 'designer-style': path.join(here, 'designer.css') },
  bundle: true, minify: true, sourcemap: false, format: 'iife', target: ['es2020'], outdir: out,
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.json': 'json' },
  define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning', legalComments: 'none',
});
console.log(`designer bundle written to ${out}`);
