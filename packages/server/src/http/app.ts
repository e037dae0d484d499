import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { TwofoldError } from '@twofold/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createOidcInteractions } from '../oidc/interaction/index.js';
import { stylesheetOfWebBuild } from '../oidc/pages.js';
import { createProviderHandler } from '../oidc/provider-handler.js';
import { createOidcProviders } from '../oidc/provider-registry.js';
import type { Runtime } from '../runtime.js';
import { registerAdminGuard } from './admin-guard.js';
import { clientErrorHandler } from './client-errors.js';
import { type InFlight, trackInFlight } from './in-flight.js';
import { registerMetrics, registerMetricsAccess } from './metrics.js';
import { classifyError, registerProblemHandlers, sendProblem } from './problem.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAdminGroupRoutes } from './routes/admin-groups.js';
import { registerAdminHardwareTokenRoutes } from './routes/admin-hardware-tokens.js';
import { registerAdminHelpRequestRoutes } from './routes/admin-help-requests.js';
import { registerAdminLogRoutes } from './routes/admin-logs.js';
import { registerAdminOidcClientRoutes } from './routes/admin-oidc-clients.js';
import { registerAdminUserImportRoutes } from './routes/admin-user-import.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMeRoutes } from './routes/me.js';
import { registerOidcRoutes } from './routes/oidc.js';
import { registerPasswordResetRoutes } from './routes/password-reset.js';
import { registerScimRoutes } from './routes/scim.js';
import { registerSetupRoutes } from './routes/setup.js';
import { registerSignInRoutes } from './routes/sign-in.js';
import { registerPasskeySignInRoute } from './routes/sign-in-passkey.js';
import { registerSecurityHeaders, setSecurityHeaders } from './security-headers.js';
import { registerValidation } from './validation.js';
import { registerWebPages, resolveWebDist } from './web-pages.js';

export interface BuildAppOptions {
  readonly runtime: Runtime;
  readonly logger?: FastifyBaseLogger;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests being handled now; a graceful stop waits for them. */
    readonly inFlight: InFlight;
  }
}

export type TwofoldApp = FastifyInstance;

/** The one place that wires services to routes. Nothing listens here: serve.ts does that, tests use inject(). */
export async function buildApp({ runtime, logger }: BuildAppOptions): Promise<TwofoldApp> {
  const { config } = runtime;
  const https = config.publicUrl.startsWith('https:');
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: config.bodyLimit,
    // A request (headers and body) must arrive within TWOFOLD_REQUEST_TIMEOUT_MS, or the client is
    // cut off with a 408; Node checks its connections this often, so a slow client goes within a
    // second of the limit. Long-polls wait after their request has arrived: these limits never end them.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(config.requestTimeoutMs / 10))),
    },
    clientErrorHandler: clientErrorHandler({ https }),
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Errors Fastify raises before any route runs (a path parameter over maxParamLength, a URL that
    // does not decode) get the same problem+json as every other refusal, without echoing the path.
    frameworkErrors: (error, request, reply) => {
      const code = (error as { code?: string }).code;
      const problem =
        code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new TwofoldError('bad_request', 'a part of the path is too long (at most 200 characters)')
          : code === 'FST_ERR_BAD_URL'
            ? new TwofoldError('bad_request', 'the path is not a valid URL')
            : classifyError(error);
      reply.header('x-request-id', request.id);
      // These answers are sent before any hook runs, so they get the security headers here.
      setSecurityHeaders(reply, { https });
      return sendProblem(reply, problem);
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.decorate('inFlight', trackInFlight(app));
  // Access to /metrics and the admin routes is checked first of all: hooked in as each route is
  // registered (so before them), and before swagger reads the admin routes.
  registerMetricsAccess(app, { token: config.metricsToken });
  registerAdminGuard(app, {
    tenants: runtime.services.tenants,
    apiKeys: runtime.services.apiKeys,
    sessions: runtime.services.sessions,
    users: runtime.services.users,
    factors: runtime.services.factors,
    publicUrl: config.publicUrl,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Twofold API',
        version: runtime.version,
        description:
          'Multi-factor authentication: tenants, users, second factors. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: config.publicUrl }],
    },
  });

  registerValidation(app);
  await app.register(cookie);
  registerProblemHandlers(app);
  registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  registerMetrics(app, {
    passwordHashing: () => runtime.passwords.stats(),
    database: () => runtime.database.counters,
  });
  registerHealthRoutes(app, {
    database: runtime.database,
    version: runtime.version,
  });
  registerSetupRoutes(app, {
    tenants: runtime.services.tenants,
    setup: runtime.services.setup,
    publicUrl: config.publicUrl,
  });
  registerWebPages(app, { tenants: runtime.services.tenants });

  const { services } = runtime;
  registerSignInRoutes(app, {
    tenants: services.tenants,
    flows: services.flows,
    secureCookies: config.publicUrl.startsWith('https:'),
  });
  registerPasskeySignInRoute(app, {
    tenants: services.tenants,
    flows: services.flows,
    secureCookies: config.publicUrl.startsWith('https:'),
  });
  registerPasswordResetRoutes(app, {
    tenants: services.tenants,
    resets: services.passwordResets,
    secureCookies: config.publicUrl.startsWith('https:'),
  });
  registerMeRoutes(app, {
    tenants: services.tenants,
    sessions: services.sessions,
    selfService: services.selfService,
    publicUrl: config.publicUrl,
  });

  registerDeviceRoutes(app, { tenants: services.tenants, push: services.push });
  registerAdminRoutes(app, {
    tenants: services.tenants,
    users: services.users,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    methods: services.methods,
    factors: services.factors,
    passes: services.passes,
    mfaLockout: services.mfaLockout,
    recoveryCodes: services.recoveryCodes,
    admin: services.admin,
    outbox: services.outbox,
    clock: runtime.clock,
    publicUrl: config.publicUrl,
  });

  registerAdminUserImportRoutes(app, {
    factors: services.factors,
    tenants: services.tenants,
    users: services.users,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    admin: services.admin,
    publicUrl: config.publicUrl,
  });

  registerAdminGroupRoutes(app, {
    factors: services.factors,
    tenants: services.tenants,
    users: services.users,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    groups: services.groups,
    publicUrl: config.publicUrl,
  });

  registerAdminHardwareTokenRoutes(app, {
    tenants: services.tenants,
    users: services.users,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    factors: services.factors,
    hardwareTokens: services.hardwareTokens,
    publicUrl: config.publicUrl,
  });

  registerAdminHelpRequestRoutes(app, {
    tenants: services.tenants,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    users: services.users,
    factors: services.factors,
    troubleshooter: services.troubleshooter,
    clock: runtime.clock,
    publicUrl: config.publicUrl,
  });

  registerAdminLogRoutes(app, {
    tenants: services.tenants,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    users: services.users,
    factors: services.factors,
    signInLog: services.signInLog,
    auditQuery: services.auditQuery,
    clock: runtime.clock,
    publicUrl: config.publicUrl,
  });

  registerAdminOidcClientRoutes(app, {
    tenants: services.tenants,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    users: services.users,
    factors: services.factors,
    oidcClients: services.oidcClients,
    publicUrl: config.publicUrl,
  });

  registerScimRoutes(app, { tenants: services.tenants, scim: services.scim });

  const providers = createOidcProviders({
    db: runtime.database.db,
    clock: runtime.clock,
    sealer: runtime.sealer,
    keyring: runtime.keyring,
    clients: services.oidcClients,
    keys: services.oidcKeys,
    users: services.users,
    groups: services.groups,
    sessions: services.sessions,
    applicationLogout: services.applicationLogout,
    confirmedEmail: (tenantId, userId, email) =>
      services.messageCodes.confirmedEmail(tenantId, userId, email),
    factors: services.factors,
    publicUrl: config.publicUrl,
    stylesheet: stylesheetOfWebBuild(resolveWebDist()),
  });
  registerOidcRoutes(app, {
    publicUrl: config.publicUrl,
    providerFor: createProviderHandler({
      tenants: services.tenants,
      providers,
      https: config.publicUrl.startsWith('https:'),
    }),
    interactions: createOidcInteractions({
      tenants: services.tenants,
      sessions: services.sessions,
      providers,
      clock: runtime.clock,
      factors: services.factors,
    }),
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
