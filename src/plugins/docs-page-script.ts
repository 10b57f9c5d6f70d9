import type { DemoAuthorization } from './docs-demo-auth.js';
import { withoutPrefills } from './docs-prefills.js';

/** What the docs page's script is told by the server. */
export interface DocsPageConfig {
  /** The text of the page's top bar, where Swagger UI shows its logo. */
  brand: string;
  /**
   * Each contract the page offers: its URL (as in Swagger UI's `urls`), and for a vendor's, the
   * vendor and its demo note (the control API's has neither: it needs no credential).
   */
  specs: { url: string; vendor?: string; note?: string }[];
  /** Where the page asks for a vendor's live demo authorizations: `${demoAuthPath}/${vendor}`. */
  demoAuthPath: string;
}

/**
 * The script the docs page loads after Swagger UI's initializer (as a theme script of
 * @fastify/swagger-ui): it runs `runDocsPage` with the config and `withoutPrefills`, both from
 * their source text, so the browser code stays type-checked TypeScript here.
 */
export function docsPageScript(config: DocsPageConfig): string {
  return `(${runDocsPage.toString()})(${JSON.stringify(config)}, ${withoutPrefills.toString()});\n`;
}

// The few parts of Swagger UI's system the script touches.
interface SwaggerSystem {
  React: { createElement: (type: string, props: object, ...children: unknown[]) => unknown };
  specSelectors: { url: () => string };
  preauthorizeBasic: (scheme: string, username: string, password: string) => unknown;
  preauthorizeApiKey: (scheme: string, value: string) => unknown;
}
type SwaggerUiBundle = ((options: Record<string, unknown>) => SwaggerSystem) & Record<string, unknown>;
interface SwaggerRequest {
  url: string;
  loadSpec?: boolean;
  headers?: Record<string, string>;
}
interface PageGlobals {
  SwaggerUIBundle?: SwaggerUiBundle;
  ui?: SwaggerSystem;
  location: { href: string };
  fetch: typeof fetch;
  console: Console;
}

/**
 * Runs in the browser, between Swagger UI's initializer (which defines `window.onload`) and that
 * onload (which calls `SwaggerUIBundle`). It wraps `SwaggerUIBundle` to add a plugin and a request
 * interceptor:
 *  - the top bar shows `config.brand` instead of Swagger's logo;
 *  - each contract, when it is shown (on load and on every switch in the top bar's select), gets
 *    its demo note on top of its description and loses its parameter prefills, then its schemes
 *    are authorised with the vendor's live demo values (Swagger UI forgets the previous contract's
 *    authorizations on a switch);
 *  - a call that carries the demo bearer token first asks the server for a live one, so an idled-out
 *    Valomnia session or an expired MYPOS token is replaced before the call instead of answering 401.
 * Self-contained, like `withoutPrefills`: it runs as its source text.
 */
function runDocsPage(config: DocsPageConfig, prepareSpec: (spec: unknown) => unknown): void {
  const page = globalThis as unknown as PageGlobals;
  const swaggerUiBundle = page.SwaggerUIBundle;
  if (typeof swaggerUiBundle !== 'function') return;
  let system: SwaggerSystem | undefined;
  // The bearer tokens the page authorised, by vendor: a call carrying one of them is the page's.
  const demoBearers = new Map<string, string>();

  const pathOf = (url: string) => new URL(url, page.location.href).pathname;
  const shownSpec = (of: SwaggerSystem) => {
    const url = of.specSelectors.url();
    return url ? config.specs.find((spec) => spec.url === pathOf(url)) : undefined;
  };

  const authorize = async (of: SwaggerSystem, vendor: string): Promise<DemoAuthorization[]> => {
    const answer = await page.fetch(`${config.demoAuthPath}/${vendor}`, { cache: 'no-store' });
    if (!answer.ok) throw new Error(`demo credentials for ${vendor}: ${answer.status} ${await answer.text()}`);
    const authorizations = (await answer.json()) as DemoAuthorization[];
    // The user may have switched to another contract meanwhile.
    if (shownSpec(of)?.vendor !== vendor) return authorizations;
    for (const authorization of authorizations) {
      if ('basic' in authorization) {
        of.preauthorizeBasic(authorization.scheme, authorization.basic.username, authorization.basic.password);
      } else {
        of.preauthorizeApiKey(authorization.scheme, authorization.bearer);
        demoBearers.set(vendor, authorization.bearer);
      }
    }
    return authorizations;
  };

  const docsPagePlugin = (plugins: SwaggerSystem) => ({
    components: {
      Logo: () => plugins.React.createElement('span', { className: 'pos-sandbox-brand' }, config.brand),
    },
    statePlugins: {
      spec: {
        wrapActions: {
          updateJsonSpec:
            (next: (spec: unknown) => unknown, of: SwaggerSystem) =>
            (spec: unknown): unknown => {
              const shown = shownSpec(of);
              if (!shown || typeof spec !== 'object' || spec === null) return next(spec);
              const prepared = prepareSpec(spec) as { info?: { description?: string } };
              if (prepared.info && shown.note) {
                const description = prepared.info.description ?? '';
                prepared.info.description = `> ${shown.note}\n\n${description}`;
              }
              const result = next(prepared);
              const { vendor } = shown;
              if (vendor) authorize(of, vendor).catch((error: unknown) => page.console.warn(error));
              return result;
            },
        },
      },
    },
  });

  const refreshDemoBearer = async (request: SwaggerRequest): Promise<SwaggerRequest> => {
    const shown = system && shownSpec(system);
    const vendor = shown?.vendor;
    const bearer = vendor && demoBearers.get(vendor);
    if (!system || !vendor || !bearer || request.loadSpec || request.headers?.Authorization !== `Bearer ${bearer}`) {
      return request;
    }
    const live = (await authorize(system, vendor)).find((authorization) => 'bearer' in authorization);
    if (live && 'bearer' in live) request.headers.Authorization = `Bearer ${live.bearer}`;
    return request;
  };

  const wrapped = (options: Record<string, unknown>) => {
    const plugins = Array.isArray(options.plugins) ? options.plugins : [];
    system = swaggerUiBundle({
      ...options,
      plugins: [...plugins, docsPagePlugin],
      requestInterceptor: (request: SwaggerRequest) =>
        refreshDemoBearer(request).catch((error: unknown) => {
          page.console.warn(error);
          return request;
        }),
    });
    page.ui = system;
    return system;
  };
  page.SwaggerUIBundle = Object.assign(wrapped, swaggerUiBundle);
}
