// The architecture as a lint rule, so the folder picture in the README cannot drift from the code:
// - libs never import apps, scripts, test or bench; a lib reaches another lib only through `@trace/<lib>`;
//   libs/contracts imports no other lib;
// - apps never import each other, nor scripts, test or bench; the simulator imports only the contract (and the
//   platform's Kafka client);
// - nothing deep-imports a lib: `@trace/<lib>` is the entry, `@trace/<lib>/testing` the one other, for specs,
//   test, bench and scripts only.
import * as path from 'node:path';

const ROOT = import.meta.dirname;
const TOP = new Set(['apps', 'libs', 'test', 'scripts', 'bench']);

/** Where a file or an import target lives: top folder, and the app or lib name for apps/ and libs/. */
function placeOf(absolute) {
  const parts = path.relative(ROOT, absolute).split(path.sep);
  if (parts[0] === '..' || !TOP.has(parts[0])) return undefined;
  return { top: parts[0], name: parts[0] === 'apps' || parts[0] === 'libs' ? parts[1] : undefined };
}

const isSpec = (file) => /\.([a-z0-9]+-)?spec\.ts$/.test(file);

function check(file, source) {
  const here = placeOf(file);
  if (!here) return undefined;
  const alias = /^@trace\/([^/]+)(?:\/(.+))?$/.exec(source);
  if (alias) {
    const [, lib, sub] = alias;
    if (here.top === 'libs' && here.name === 'contracts') return 'libs/contracts imports no other lib';
    if (here.top === 'apps' && here.name === 'simulator' && lib !== 'contracts' && lib !== 'platform') {
      return 'the simulator speaks only the contract: @trace/contracts, and @trace/platform for its Kafka client';
    }
    if (sub === undefined) return undefined;
    if (sub === 'testing' && (isSpec(file) || here.top === 'test' || here.top === 'bench' || here.top === 'scripts')) return undefined;
    return sub === 'testing'
      ? `@trace/${lib}/testing is for specs, test, bench and scripts only`
      : `deep import of a lib: import from @trace/${lib} (its index), or from @trace/${lib}/testing in specs`;
  }
  if (!source.startsWith('.')) return undefined;
  const there = placeOf(path.resolve(path.dirname(file), source));
  if (!there) return undefined;
  if (here.top === 'libs') {
    if (there.top !== 'libs') return `a lib never imports ${there.top}/`;
    if (there.name !== here.name) return `a lib reaches another lib only through @trace/${there.name}`;
  }
  if (here.top === 'apps') {
    if (there.top === 'apps' && there.name !== here.name) return `apps never import each other (apps/${there.name})`;
    if (there.top !== 'apps') return there.top === "libs" ? "an app imports a lib through @trace/<lib>, never by path" : `an app never imports ${there.top}/`;
  }
  return undefined;
}

const boundaries = {
  meta: { type: 'problem', docs: { description: 'the architecture of the monorepo (see eslint.architecture.mjs)' }, schema: [] },
  create(context) {
    const file = context.filename;
    const report = (node) => {
      if (node.source && typeof node.source.value === 'string') {
        const message = check(file, node.source.value);
        if (message) context.report({ node: node.source, message });
      }
    };
    return {
      ImportDeclaration: report,
      ExportAllDeclaration: report,
      ExportNamedDeclaration: report,
      ImportExpression: report,
    };
  },
};

export const architecture = { rules: { boundaries } };
