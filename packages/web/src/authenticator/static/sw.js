// Twofold Authenticator service worker: keeps the app shell (the page, its hashed assets, the manifest and the
// icon) so the authenticator opens offline after the first visit. It never caches API answers.
const CACHE = 'twofold-authenticator-v2';
const SHELL = ['/authenticator/', '/authenticator/manifest.webmanifest', '/authenticator/icon.svg'];

/** The page and every /web/assets/ file it names (scripts, styles, preloaded chunks). */
async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL);
  const page = await cache.match('/authenticator/');
  const html = page ? await page.text() : '';
  const assets = [...html.matchAll(/(?:src|href)="(\/web\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await cache.addAll(assets);
  // Chunks the scripts load later (the QR decoder): named `./<name>-<hash>.js` inside them.
  const chunks = new Set();
  for (const asset of assets.filter((a) => a.endsWith('.js'))) {
    const script = await cache.match(asset);
    const text = script ? await script.text() : '';
    for (const m of text.matchAll(/["'`]\.\/([\w-]+\.js)["'`]/g)) chunks.add(`/web/assets/${m[1]}`);
  }
  await cache.addAll([...chunks].filter((chunk) => !assets.includes(chunk)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/web/assets/')) {
    // Hashed names never change content: the cache first, then the network (and keep what it gives).
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // The page and manifest: the network first (a new build), the cache when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(url.pathname).then((hit) => hit ?? Response.error())),
    );
  }
});
