export * from './locales.js';
export * from './message-shape.js';
export * from './translator.js';
