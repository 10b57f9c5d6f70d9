/**
 * The credentials the docs page at /docs is pre-authorised with, one demo tenant per vendor, and
 * the note each contract shows about them. Every other part of the page takes them from here.
 */

/** Imonggo's API token: the vendor's own sample token, so the page shows the vendor's examples. */
export const DEMO_IMONGGO_TOKEN = '4acc660ce98b9d38d7fea10705aa1ebd7d836fe0';
/** The password Imonggo clients send beside the token; the sandbox does not read it. */
export const DEMO_IMONGGO_PASSWORD = 'X';

/** The Valomnia login the page signs in with (`j_username`, `j_password`). */
export const DEMO_VALOMNIA_LOGIN = { username: 'demo@example.com', password: 'demo' } as const;

/** The MYPOS Connect user the page takes bearer tokens for (HTTP Basic email and password). */
export const DEMO_MYPOS_USER = { email: 'demo@example.com', password: 'demo' } as const;

const SHARED = [
  'Optional query parameters start empty, so *Execute* sends only what you type; each one lists',
  'its examples and default in its description.',
].join(' ');

/** Per vendor: the Markdown the docs page puts at the top of the contract's description. */
export const DEMO_NOTES = {
  imonggo: [
    `**Try it out is pre-authorised** with the vendor's sample API token \`${DEMO_IMONGGO_TOKEN}\``,
    `(scheme \`apiToken\`: HTTP Basic, the token as user name, password \`${DEMO_IMONGGO_PASSWORD}\`), so every`,
    "call answers from that token's tenant. To use a token of your own, open **Authorize**, log out",
    `and enter it. ${SHARED}`,
  ].join(' '),
  valomnia: [
    `**Try it out is pre-authorised** as \`${DEMO_VALOMNIA_LOGIN.username}\` (password`,
    `\`${DEMO_VALOMNIA_LOGIN.password}\`): when this contract is shown, the page logs in at`,
    "`/j_spring_security_check` and authorises `bearerToken` with the session's token (browsers do not",
    'let a page send its own `Cookie` header, so `sessionCookie` stays empty). A session ends after 30',
    'minutes without a request; before each call the page checks the demo session and logs in again',
    "if it has ended. A login you execute on this page sets the browser's `JSESSIONID` cookie, which",
    `then counts over the bearer token, as on the vendor; \`/logout\` clears it. ${SHARED}`,
  ].join(' '),
  myposconnect: [
    `**Try it out is pre-authorised** as \`${DEMO_MYPOS_USER.email}\` (password \`${DEMO_MYPOS_USER.password}\`):`,
    '`basicAuth` for `POST /api/v2/auth/token`, and `bearerToken` with a token the page takes from',
    'that endpoint when this contract is shown. Before each call the page checks the token and takes',
    `a new one once it has expired (two hours). ${SHARED}`,
  ].join(' '),
} as const;
