import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { credentialShapeProblem } from '../../core/credentials.js';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { type Tenant, UnknownTenantError } from '../../core/store.js';
import { DEPRECATION_WARNING, LOGIN_FAILED_TEXT } from './errors.js';
import { type Entries, readInput } from './forms.js';
import type { ValomniaData } from './model.js';
import { JSON_TYPE, valomniaEnvelope } from './replies.js';
import { type Sessions, sessionIdOf } from './sessions.js';

/** Where Spring Security sends an ajax login, and a failed one. */
const SUCCESS_URL = '/login/ajaxSuccess';
const FAILURE_URL = '/login/authfail?ajax=true';
const SESSION_COOKIE = 'JSESSIONID';

/** The root paths of the login flow: they answer errors in Valomnia's envelope. */
export const LOGIN_PATHS = ['/j_spring_security_check', '/login', '/logout', '/j_spring_security_logout'] as const;

const ANY = ['GET', 'POST'] as const;

/**
 * Spring Security's session login, as the vendor's page and its public clients use it: the
 * credentials in a form body or in the query string (one client sends a GET, another a POST with
 * an empty JSON body), then ajaxSuccess with the session cookie or the token.
 */
export function loginRoutes(app: FastifyInstance, sessions: Sessions): void {
  app.route({
    method: [...ANY],
    url: '/j_spring_security_check',
    handler: async (request, reply) => {
      const input = await readInput(request);
      const username = lastOf(input.body, 'j_username') ?? lastOf(input.query, 'j_username') ?? '';
      const password = lastOf(input.body, 'j_password') ?? lastOf(input.query, 'j_password') ?? '';
      // Any password is taken; a login without both is refused as the plugin's ajax login refuses it.
      if (credentialShapeProblem(username) !== null || password.trim() === '') {
        return reply.code(302).header('location', FAILURE_URL).send();
      }
      let tenant: Tenant<ValomniaData>;
      try {
        tenant = await request.server.store.open('valomnia', username);
      } catch (error) {
        // Strict mode: a login no tenant was made for fails as a wrong password does.
        if (error instanceof UnknownTenantError) return reply.code(302).header('location', FAILURE_URL).send();
        throw error;
      }
      request.tenant = tenant;
      const id = sessions.begin(tenant);
      return reply.code(302).header('location', SUCCESS_URL).header('set-cookie', sessionCookie(id)).send();
    },
  });

  app.route({
    method: [...ANY],
    url: SUCCESS_URL,
    handler: async (request, reply) => {
      const id = sessionIdOf(request.headers.cookie, request.headers.authorization);
      const tenant = id === null ? null : sessions.resolve(id);
      if (id === null || tenant === null) return sendErrorAnswer(reply, valomniaEnvelope(401));
      request.tenant = tenant;
      return reply
        .code(200)
        .type(JSON_TYPE)
        .send(JSON.stringify(ajaxSuccess(id, tenant.credential, tenant.data)));
    },
  });

  app.route({
    method: [...ANY],
    url: '/login/authfail',
    handler: async (_request, reply) =>
      reply
        .code(200)
        .type(JSON_TYPE)
        .send(JSON.stringify({ error: LOGIN_FAILED_TEXT })),
  });

  for (const url of ['/logout', '/j_spring_security_logout']) {
    app.route({
      method: [...ANY],
      url,
      handler: async (request, reply) => logout(request, reply, sessions),
    });
  }
}

function logout(request: FastifyRequest, reply: FastifyReply, sessions: Sessions): FastifyReply {
  const id = sessionIdOf(request.headers.cookie, request.headers.authorization);
  if (id !== null) {
    request.tenant = sessions.resolve(id);
    sessions.end(id);
  }
  return reply
    .code(302)
    .header('location', '/')
    .header('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly`)
    .send();
}

function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly`;
}

function lastOf(entries: Entries, name: string): string | undefined {
  return entries.findLast(([key]) => key === name)?.[1];
}

/** The documented ajaxSuccess answer: the keys in the documented order, as far as the page shows them. */
function ajaxSuccess(token: string, login: string, data: ValomniaData) {
  const { account } = data.organization;
  return {
    warning: DEPRECATION_WARNING,
    success: true,
    token,
    user: {
      firstName: account.firstName,
      lastName: account.lastName,
      email: login,
      address: null,
      city: null,
      country: null,
      postalCode: null,
      gender: null,
      phone: null,
      job: null,
      avatar: account.avatar,
      birthday: null,
      companyName: data.organization.name,
      companyDescription: account.companyDescription,
      companyPhone: account.companyPhone,
      companyFax: account.companyFax,
      companyEmail: account.companyEmail,
      companyWebSite: account.companyWebSite,
      companyAddress: account.companyAddress,
      companyPostalCode: account.companyPostalCode,
      companyCity: account.companyCity,
      companyCountry: account.companyCountry,
      isGeoLocationActivated: true,
      enableCheckStock: true,
      enableAssignRegionToCustomer: true,
      role: ['ROLE_USER'],
      enabled: true,
      // The page is cut off at this key; nothing after it is known.
      homeBackground: null,
    },
  };
}
