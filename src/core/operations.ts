import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** Contracts under openapi/ that describe the sandbox's own routes, not a vendor's. */
const OWN_CONTRACTS = new Set(['admin.yaml']);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  /** The contract's file name without `.yaml`: the vendor. */
  vendor: string;
  method: string;
  /** The path template's literal characters: the more, the more specific the template. */
  literal: number;
  pattern: RegExp;
  operationId: string;
}

/**
 * The vendors' operations by their OpenAPI operationId, read from the contracts under openapi/
 * (the same files /docs serves), so the journal and the fault rules name operations exactly as
 * the contracts do. Loaded once, on first use: only a journal query or a fault rule that names
 * an operation pays for reading the YAML.
 */
export class OperationIndex {
  readonly #operations: Operation[];
  // "vendor operationId" of every operation: vendors share ids (listCustomers is two vendors').
  readonly #named: Set<string>;

  private constructor(operations: Operation[]) {
    // Most specific first: /customers/reference/{reference} before /customers/{id}.
    this.#operations = operations.sort((a, b) => b.literal - a.literal);
    this.#named = new Set(operations.map((operation) => `${operation.vendor} ${operation.operationId}`));
  }

  /** Reads every vendor contract. */
  static async load(): Promise<OperationIndex> {
    const { parse } = await import('yaml');
    const folder = join(packageRoot(), 'openapi');
    const operations: Operation[] = [];
    for (const file of (await readdir(folder)).filter((name) => name.endsWith('.yaml')).sort()) {
      if (OWN_CONTRACTS.has(file)) continue;
      const document = parse(await readFile(join(folder, file), 'utf8')) as {
        paths?: Record<string, Record<string, { operationId?: unknown }>>;
      };
      for (const [template, item] of Object.entries(document.paths ?? {})) {
        for (const method of METHODS) {
          const operationId = item[method]?.operationId;
          if (typeof operationId !== 'string') continue;
          operations.push({
            vendor: file.slice(0, -'.yaml'.length),
            method: method.toUpperCase(),
            literal: template.replace(/\{[^}]*\}/g, '').length,
            pattern: templatePattern(template),
            operationId,
          });
        }
      }
    }
    return new OperationIndex(operations);
  }

  /** Whether the vendor's contract names this operation. */
  hasOperation(vendor: string, operationId: string): boolean {
    return this.#named.has(`${vendor} ${operationId}`);
  }

  /** The operation a request is, or null when no contract describes its method and path. */
  operationOf(method: string, path: string): string | null {
    for (const operation of this.#operations) {
      if (operation.method === method && operation.pattern.test(path)) return operation.operationId;
    }
    return null;
  }
}

// "/api/customers/{id}.xml" → /^\/api\/customers\/[^/]+\.xml$/: a parameter is one non-empty segment part.
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

let loading: Promise<OperationIndex> | undefined;

/** The process's operation index, loaded on first call. */
export function operationIndex(): Promise<OperationIndex> {
  loading ??= OperationIndex.load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
