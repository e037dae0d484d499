import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';

/** Where the HTTP layer leaves the client's address for the provider (Fastify derived it). */
const clientAddressKey = Symbol('twofold.clientAddress');

/**
 * Hands the provider the client's address as Fastify derived it: the TCP peer, or the address a
 * proxy named in TWOFOLD_TRUST_PROXY forwarded. Koa would otherwise read X-Forwarded-For itself,
 * from any peer once its `proxy` flag is on.
 */
export function setClientAddress(raw: IncomingMessage, address: string): void {
  (raw as IncomingMessage & { [clientAddressKey]?: string })[clientAddressKey] = address;
}

/**
 * Makes every URL the provider publishes (discovery, the end-session form, the interaction's
 * return address, its redirects) TWOFOLD_PUBLIC_URL's. oidc-provider builds them from Koa's
 * `ctx.href`, which comes from the request's Host (and, with `proxy`, from X-Forwarded-Host and
 * -Proto of any peer): `Host: evil.example` would move `jwks_uri` and `token_endpoint` to another
 * host, and a TLS proxy that sends no X-Forwarded-Proto would make them http. Koa's request
 * prototype of this provider is its extension point; its protocol, host, origin and address are
 * fixed here, and the provider never reads forwarding headers.
 */
export function pinToPublicUrl(provider: Provider, publicUrl: string): void {
  const url = new URL(publicUrl);
  const protocol = url.protocol.slice(0, -1);
  provider.proxy = false;
  const fixed = (value: string | boolean) => ({ configurable: true, enumerable: true, get: () => value });
  Object.defineProperties(provider.app.request, {
    protocol: fixed(protocol),
    secure: fixed(protocol === 'https'),
    host: fixed(url.host),
    hostname: fixed(url.hostname),
    origin: fixed(url.origin),
    href: {
      configurable: true,
      enumerable: true,
      get(this: { originalUrl: string }) {
        // An absolute-form request target (`GET http://evil.example/...`) gives its path only.
        if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(this.originalUrl)) return `${url.origin}${this.originalUrl}`;
        const target = new URL(this.originalUrl);
        return `${url.origin}${target.pathname}${target.search}`;
      },
    },
    ips: { configurable: true, enumerable: true, get: () => [] },
    ip: {
      configurable: true,
      enumerable: true,
      get(this: { req: IncomingMessage & { [clientAddressKey]?: string } }) {
        return this.req[clientAddressKey] ?? this.req.socket.remoteAddress ?? '';
      },
      // Koa lets middleware overwrite the address; nothing here may.
      set() {},
    },
  });
}
