import type { ServerCatalog } from '../server-texts.js';

/** The server's words in Spanish ("usted", as in Twofold's pages). */
export const es: ServerCatalog = {
  'page.title':
    '{page, select, signIn {Iniciar sesión} securityInfo {Información de seguridad} setup {Configuración} admin {Consola de administración} other {Twofold}} · Twofold',
  'page.language': 'Idioma',
  'page.noscript': 'Esta página necesita JavaScript. Actívelo en su navegador y vuelva a cargar la página.',

  'sms.code':
    '{code} es su código {purpose, select, registration {para añadir este teléfono a {tenant}} passwordReset {para restablecer su contraseña de {tenant}} other {para iniciar sesión en {tenant}}}. Caduca en {minutes} minutos. No lo comparta nunca.',
  'email.code.subject': '{code} es su código para {tenant}',
  'email.code.body':
    'Su código de verificación es {code}\n\n{purpose, select, registration {Introdúzcalo para confirmar esta dirección de correo electrónico para iniciar sesión en {tenant}.} passwordReset {Introdúzcalo para restablecer su contraseña de {tenant}.} other {Introdúzcalo para terminar de iniciar sesión en {tenant}.}}\nCaduca en {minutes} minutos y solo funciona una vez.\n\n{purpose, select, passwordReset {Si no ha pedido restablecer su contraseña, no dé este código a nadie y avise al administrador de {tenant}.} other {Si no ha intentado iniciar sesión, puede que alguien conozca su contraseña: cámbiela y avise al administrador de {tenant}.}}',

  'email.breakGlass.subject': '[{tenant}] Recuperación de emergencia del administrador {email}',
  'email.breakGlass.body':
    'Hola, {name}:\n\nEl {when, date, utc}, el operador de esta instalación de Twofold ({osUser} en {host}) emitió un pase de acceso temporal (Temporary Access Pass) de un solo uso, válido {minutes} minutos, para el administrador {email} de «{tenant}», {everyAdminLocked, select, yes {porque todos los demás administradores estaban bloqueados.} other {aunque otros administradores (usted entre ellos) aún podían iniciar sesión: pregunte al operador por qué.}} Los métodos, códigos de recuperación y sesiones del administrador se eliminaron: registrará métodos nuevos con el pase.\n\nMotivo indicado: {reason}\n\nSi no lo esperaba, revise ahora el registro de auditoría en la consola de administración ({adminUrl}) y póngase en contacto con su operador.',

  'email.pushReport.subject': '[{tenant}] {email} ha notificado un inicio de sesión que no reconoce',
  'email.pushReport.body':
    'Hola, {name}:\n\nEl {when, date, utc}, {email} notificó que una solicitud de aprobación push en su dispositivo «{device}» no era suya. El inicio de sesión procedía de {ip, select, unknown {una dirección IP desconocida} other {la dirección IP {ip}}} ({application}).\n\nPuede que otra persona conozca su contraseña. Las aprobaciones push quedan bloqueadas para este usuario hasta que un administrador levante el bloqueo; el inicio de sesión se ha rechazado. Considere pedirle que cambie su contraseña y revise sus inicios de sesión en la consola de administración: {adminUrl}',

  'oidc.signOut.title': 'Cerrar sesión',
  'oidc.signOut.heading': '¿Cerrar sesión?',
  'oidc.signOut.headingApp': '¿Cerrar sesión en {app}?',
  'oidc.signOut.lead': 'Se cerrará su sesión de {tenant} en este navegador.',
  'oidc.signOut.stay': 'Mantener la sesión',
  'oidc.signOut.confirm': 'Cerrar sesión',
  'oidc.signedOut.title': 'Sesión cerrada',
  'oidc.signedOut.heading': 'Ha cerrado la sesión',
  'oidc.signedOut.lead': 'Puede cerrar esta ventana o <link>volver a iniciar sesión</link>.',
  'oidc.error.title': 'Problema al iniciar sesión',
  'oidc.error.heading': 'Este inicio de sesión no puede continuar',
  'oidc.error.reason':
    '{error, select, invalid_client {Esta aplicación no está registrada aquí o no se ha identificado correctamente.} invalid_redirect_uri {La aplicación pidió volver a una dirección que no ha registrado.} invalid_request {La aplicación envió una solicitud no válida.} unauthorized_client {Esta aplicación no puede iniciar sesión de esta manera.} access_denied {Se ha rechazado el inicio de sesión.} server_error {Algo ha fallado por nuestra parte.} other {La aplicación envió una solicitud que no se puede completar.}}',
  'oidc.error.lead':
    'Vuelva a la aplicación e inténtelo de nuevo. Si sigue ocurriendo, indíquele esto a su administrador: <code>{error}</code>.',
};
