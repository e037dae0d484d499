import '../shared/styles/twofold.css';
import './authenticator.css';
import { render } from 'preact';
import { AuthenticatorApp } from './app.js';

const root = document.getElementById('app');
if (root) render(<AuthenticatorApp />, root);

// The service worker keeps the app shell so the authenticator opens offline after the first visit.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/authenticator/sw.js', { scope: '/authenticator/' })
    .catch(() => undefined);
}
