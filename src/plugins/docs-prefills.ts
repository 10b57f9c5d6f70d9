/**
 * A contract as the docs page shows it: every optional query, header or cookie parameter loses the
 * values Swagger UI would fill its input with (`example`, `examples`, a `default` of its own or of
 * its schema, a schema `example`), so that "Try it out" → "Execute" sends no filter the user did
 * not type. The values move into the parameter's description, where they still document it. Path
 * parameters keep theirs (an id that exists makes Execute answer at once), and so do required
 * parameters, which Execute cannot do without. The contract files themselves keep every example:
 * the contract tests replay them and client generators read them.
 *
 * The function is self-contained (no imports, no outer names) because the page runs its source
 * text in the browser; it returns a changed copy and leaves `spec` as it is.
 */
export function withoutPrefills(spec: unknown): unknown {
  type Node = { [key: string]: unknown };
  const isNode = (value: unknown): value is Node =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const shown = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
  const copy: unknown = structuredClone(spec);
  if (!isNode(copy)) return copy;

  const resolve = (value: unknown): unknown => {
    let target = value;
    for (let hops = 0; isNode(target) && typeof target.$ref === 'string' && hops < 20; hops += 1) {
      const ref: string = target.$ref;
      if (!ref.startsWith('#/')) return undefined;
      target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>(
          (node, part) => (isNode(node) ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined),
          copy,
        );
    }
    return target;
  };

  // What the parameter's input would start with, taken out of `holder` and written down instead.
  const takeExamples = (holder: Node, notes: string[]) => {
    if ('example' in holder) {
      notes.push(`Example: ${shown(holder.example)}.`);
      delete holder.example;
    }
    if (isNode(holder.examples)) {
      const values = Object.entries(holder.examples).map(([name, example]) => {
        const target = resolve(example);
        if (!isNode(target) || !('value' in target)) return name;
        return typeof target.summary === 'string' ? `${shown(target.value)} (${target.summary})` : shown(target.value);
      });
      notes.push(`${values.length === 1 ? 'Example' : 'Examples'}: ${values.join(', ')}.`);
      delete holder.examples;
    }
  };
  const takeDefault = (holder: Node, notes: string[]) => {
    if ('default' in holder) {
      notes.push(`Default: ${shown(holder.default)}.`);
      delete holder.default;
    }
  };

  const clear = (parameter: unknown) => {
    if (!isNode(parameter) || '$ref' in parameter || parameter.in === 'path' || parameter.required === true) return;
    const notes: string[] = [];
    takeExamples(parameter, notes);
    takeDefault(parameter, notes);
    if (isNode(parameter.content)) {
      for (const media of Object.values(parameter.content)) if (isNode(media)) takeExamples(media, notes);
    }
    // A shared schema keeps its values elsewhere: the parameter gets a copy of its own.
    const schema = resolve(parameter.schema);
    if (isNode(schema) && ('default' in schema || 'example' in schema)) {
      const own = { ...schema };
      takeDefault(own, notes);
      if ('example' in own) {
        notes.push(`Example: ${shown(own.example)}.`);
        delete own.example;
      }
      parameter.schema = own;
    }
    if (notes.length === 0) return;
    const description = typeof parameter.description === 'string' ? parameter.description.trimEnd() : '';
    parameter.description = description === '' ? notes.join(' ') : `${description}\n\n${notes.join(' ')}`;
  };

  const components = isNode(copy.components) ? copy.components : {};
  if (isNode(components.parameters)) Object.values(components.parameters).forEach(clear);
  for (const item of Object.values(isNode(copy.paths) ? copy.paths : {})) {
    if (!isNode(item)) continue;
    for (const holder of [item, ...Object.values(item)]) {
      if (isNode(holder) && Array.isArray(holder.parameters)) holder.parameters.forEach(clear);
    }
  }
  return copy;
}
