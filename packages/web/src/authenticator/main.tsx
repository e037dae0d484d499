import '../shared/styles/twofold.css';
import './authenticator.css';
import { render } from 'preact';
import { startPage } from '../i18n/i18n.js';
import { AuthenticatorApp } from './app.js';

const root = document.getElementById('app');
if (root) {
  // In the language the server chose (<html lang>); offline, the one of the page the service worker kept.
  await startPage('web-authenticator');
  render(<AuthenticatorApp />, root);
}

// The service worker keeps the app shell so the authenticator opens offline after the first visit.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/authenticator/sw.js', { scope: '/authenticator/' })
    .catch(() => undefined);
}
