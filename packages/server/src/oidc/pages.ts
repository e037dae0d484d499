import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The few pages the provider library renders itself (the sign-out question, "signed out", and
 * errors shown to the browser), in the look of the web pages: the same stylesheet, the same card.
 * `body` is trusted HTML built by the caller with every value escaped.
 */
export function renderOidcPage(options: {
  title: string;
  body: string;
  stylesheet?: string | undefined;
}): string {
  const link = options.stylesheet ? `<link rel="stylesheet" href="${options.stylesheet}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · Twofold</title>
<link rel="icon" href="data:,">
${link}
</head>
<body>
<div class="page"><main class="card">
<p class="brand">Twofold</p>
${options.body}
</main></div>
</body>
</html>`;
}

/** The stylesheet the built sign-in page links to (its name carries a content hash), or undefined without a build. */
export function stylesheetOfWebBuild(distDir: string): string | undefined {
  const file = join(distDir, 'sign-in.html');
  if (!existsSync(file)) return undefined;
  const match = /<link rel="stylesheet"[^>]*href="(\/web\/assets\/[A-Za-z0-9_.-]+\.css)"/.exec(
    readFileSync(file, 'utf8'),
  );
  return match?.[1];
}
