// @ts-check
// DESIGN.md's layers as data, and the ESLint rule that holds every import to them. Paths are
// resolved, not pattern-matched, so a folder that happens to share a layer's name (sim/proxmox/api)
// is never mistaken for that layer.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * What each top-level folder may import besides itself. `types` are folders it may import types
 * from only (workflows proxy activities by their type; their code runs in the worker). A folder
 * missing from the table (test/, the config files at the root) may import anything.
 * @type {Record<string, { readonly values: readonly string[]; readonly types?: readonly string[] }>}
 */
export const layers = {
  api: { values: [] },
  plan: { values: ['api'] },
  runtime: { values: ['api'] },
  activities: { values: ['api', 'plan', 'runtime'] },
  workflows: { values: ['api', 'plan'], types: ['activities'] },
  workers: { values: ['api', 'plan', 'activities', 'workflows', 'runtime'] },
  client: { values: ['api', 'plan', 'runtime'] },
  sim: { values: [] },
  tools: { values: ['api'] },
  embedded: { values: ['api', 'plan', 'activities', 'workflows', 'runtime', 'workers', 'client', 'sim', 'tools'] },
  bench: { values: ['api', 'plan', 'activities', 'workflows', 'runtime', 'workers', 'client', 'sim', 'tools', 'embedded'] },
};

/** @param {readonly string[]} folders */
const listed = (folders) => (folders.length === 0 ? 'nothing outside itself' : folders.map((f) => `${f}/`).join(', '));

/** @param {string} folder */
function allowedText(folder) {
  const layer = layers[folder];
  if (!layer) return 'anything';
  const types = layer.types && layer.types.length > 0 ? `, and only types from ${listed(layer.types)}` : '';
  return `${listed(layer.values)}${types}`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow DESIGN.md's layers: a folder imports only the layers below it." },
    messages: {
      upward: '{{from}}/ may not import {{to}}/ ({{from}}/ imports {{allowed}}; see DESIGN.md, "Layers").',
      typesOnly: '{{from}}/ may import only types from {{to}}/: use `import type` ({{from}}/ imports {{allowed}}).',
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = relative(root, file).split(sep)[0] ?? '';
    const layer = layers[from];
    if (!layer) return {};
    /**
     * @param {import('estree').Node} node
     * @param {unknown} source
     * @param {boolean} typeOnly
     */
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = relative(root, resolve(dirname(file), source)).split(sep)[0] ?? '';
      if (to === from || layer.values.includes(to)) return;
      const data = { from, to, allowed: allowedText(from) };
      if (layer.types?.includes(to)) {
        if (!typeOnly) context.report({ node, messageId: 'typesOnly', data });
        return;
      }
      context.report({ node, messageId: 'upward', data });
    };
    /** @param {any} node */
    const typeOnlyImport = (node) =>
      node.importKind === 'type' ||
      (node.specifiers.length > 0 && node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source.value, typeOnlyImport(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, /** @type {any} */ (node).exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, /** @type {any} */ (node).exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};

/** The plugin eslint.config.js registers as `capstan`. */
export default { rules: { 'layer-imports': layerImports } };
