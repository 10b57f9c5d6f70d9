import type { FastifyInstance } from 'fastify';
import {
  DEMO_IMONGGO_PASSWORD,
  DEMO_IMONGGO_TOKEN,
  DEMO_MYPOS_USER,
  type DEMO_NOTES,
  DEMO_VALOMNIA_LOGIN,
} from './docs-demo-credentials.js';

/** A vendor the docs page has demo credentials for. */
export type DemoVendor = keyof typeof DEMO_NOTES;

/** One security scheme of a contract and what the docs page authorises it with. */
export type DemoAuthorization =
  | { scheme: string; basic: { username: string; password: string } }
  | { scheme: string; bearer: string };

/** The demo login failed (the vendor's route refused it); the docs page then stays unauthorised. */
export class DemoLoginError extends Error {}

/**
 * Live demo authorizations for the docs page. The Imonggo token works as it stands; Valomnia's
 * session token and MYPOS Connect's JWT are taken through the vendor's own routes, exactly as a
 * client takes them, and kept while they still work: a session idles out after 30 minutes and a
 * JWT expires after two hours (both on the tenant's clock, which the control API can move), and a
 * reset or deleted tenant loses both. So the page asks before each call, and gets the same token
 * until it stops working.
 */
export class DemoAuthorizer {
  readonly #app: FastifyInstance;
  readonly #tokens = new Map<'valomnia' | 'myposconnect', Promise<string>>();

  constructor(app: FastifyInstance) {
    this.#app = app;
  }

  /** What to authorise each of the vendor's schemes with, the tokens checked to work now. */
  async authorizations(vendor: DemoVendor): Promise<DemoAuthorization[]> {
    switch (vendor) {
      case 'imonggo':
        return [{ scheme: 'apiToken', basic: { username: DEMO_IMONGGO_TOKEN, password: DEMO_IMONGGO_PASSWORD } }];
      case 'valomnia':
        return [{ scheme: 'bearerToken', bearer: await this.#liveToken('valomnia') }];
      case 'myposconnect':
        return [
          { scheme: 'basicAuth', basic: { username: DEMO_MYPOS_USER.email, password: DEMO_MYPOS_USER.password } },
          { scheme: 'bearerToken', bearer: await this.#liveToken('myposconnect') },
        ];
    }
  }

  async #liveToken(vendor: 'valomnia' | 'myposconnect'): Promise<string> {
    const kept = this.#tokens.get(vendor);
    const token = await kept?.catch(() => undefined);
    if (token !== undefined && (await this.#stillWorks(vendor, token))) return token;
    // Two pages asking at once share one new login.
    if (this.#tokens.get(vendor) !== kept) return this.#liveToken(vendor);
    const fresh = vendor === 'valomnia' ? this.#valomniaToken() : this.#myposToken();
    this.#tokens.set(vendor, fresh);
    return fresh;
  }

  async #stillWorks(vendor: 'valomnia' | 'myposconnect', token: string): Promise<boolean> {
    const authorization = `Bearer ${token}`;
    // Cheap calls that answer 401 for exactly the tokens that no longer work.
    const url = vendor === 'valomnia' ? '/login/ajaxSuccess' : '/api/v2/customers?liPageSize=1';
    const answer = await this.#app.inject({ method: 'GET', url, headers: { authorization } });
    return answer.statusCode !== 401;
  }

  // The vendor's ajax login: the form POST, then ajaxSuccess in that session, whose token is the
  // session id the bearer scheme takes.
  async #valomniaToken(): Promise<string> {
    const login = await this.#app.inject({
      method: 'POST',
      url: '/j_spring_security_check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        j_username: DEMO_VALOMNIA_LOGIN.username,
        j_password: DEMO_VALOMNIA_LOGIN.password,
        ajax: 'true',
      }).toString(),
    });
    const session = /JSESSIONID=([^;]+)/.exec(String(login.headers['set-cookie'] ?? ''))?.[1];
    if (login.statusCode !== 302 || session === undefined) {
      throw new DemoLoginError(`the Valomnia demo login answered ${login.statusCode} ${login.body}`);
    }
    const success = await this.#app.inject({
      method: 'GET',
      url: '/login/ajaxSuccess',
      headers: { cookie: `JSESSIONID=${session}` },
    });
    const token = success.statusCode === 200 ? success.json<{ token?: unknown }>().token : undefined;
    if (typeof token !== 'string') {
      throw new DemoLoginError(`the Valomnia ajaxSuccess answered ${success.statusCode} ${success.body}`);
    }
    return token;
  }

  async #myposToken(): Promise<string> {
    const credentials = Buffer.from(`${DEMO_MYPOS_USER.email}:${DEMO_MYPOS_USER.password}`).toString('base64');
    const answer = await this.#app.inject({
      method: 'POST',
      url: '/api/v2/auth/token',
      headers: { authorization: `Basic ${credentials}` },
    });
    const bearerToken = answer.statusCode === 200 ? answer.json<{ bearerToken?: unknown }>().bearerToken : undefined;
    if (typeof bearerToken !== 'string') {
      throw new DemoLoginError(`the MYPOS Connect demo token answered ${answer.statusCode} ${answer.body}`);
    }
    return bearerToken;
  }
}
