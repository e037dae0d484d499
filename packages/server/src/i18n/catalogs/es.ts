import type { ServerCatalog } from '../server-texts.js';

/** The server's words in Spanish ("usted", as in Twofold's pages). */
export const es: ServerCatalog = {
  'page.title':
    '{page, select, signIn {Iniciar sesión} securityInfo {Información de seguridad} setup {Configuración} admin {Consola de administración} webAuthenticator {Autenticador} other {Twofold}} · Twofold',
  'page.language': 'Idioma',
  'page.noscript': 'Esta página necesita JavaScript. Actívelo en su navegador y vuelva a cargar la página.',
  'page.authenticator.shortName': 'Autenticador',
  'page.authenticator.description':
    'Códigos de un solo uso y aprobaciones push, en una bóveda cifrada en este dispositivo.',

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

  'email.passwordChanged.subject': 'Se ha cambiado su contraseña de {tenant}',
  'email.passwordChanged.body':
    'Hola, {name}:\n\n{how, select, change {Su contraseña se cambió desde su página de información de seguridad.} reset {Su contraseña se restableció con «¿Ha olvidado la contraseña?» en la página de inicio de sesión.} other {El operador de esta instalación de Twofold estableció su contraseña.}} ({when, date, utc})\n{how, select, change {Se cerraron todas las demás sesiones y todas las aplicaciones que tenían su cuenta iniciada.} other {Se cerraron todas las sesiones y todas las aplicaciones que tenían su cuenta iniciada.}}\n\nSi fue usted, no tiene que hacer nada. Si no, puede que alguien tenga sus métodos de inicio de sesión: avise ahora al administrador de {tenant}. Iniciar sesión: {signInUrl}',
  'email.helpRequest.subject':
    '[{tenant}] Solicitud de ayuda: {email} no recibe un código de inicio de sesión',
  'email.helpRequest.body':
    'Hola, {name}:\n\n{userName} ({email}) no consigue un código de inicio de sesión para {tenant} y pidió ayuda el {when, date, utc}.\n\nSu mensaje: {message, select, none {(ninguno)} other {{message}}}\nCómo contactar: {contact, select, none {(no indicado)} other {{contact}}}\n\nLo que encontró Twofold:\n{findings}\n\n{soleAdmin, select, yes {Es el único administrador global de la organización, así que ningún administrador puede emitirle un pase. El operador de esta instalación de Twofold recupera la cuenta en el servidor con:\n  {command}\n\n} other {}}Abra las solicitudes de ayuda en la consola de administración para atenderla: {adminUrl}\n\nCompruebe con quién habla antes de emitir un pase de acceso temporal.',
  'email.helpRequest.finding':
    '- {code, select, locked_out {{adminRequired, select, yes {El inicio de sesión con segundo factor está bloqueado hasta que un administrador lo desbloquee (demasiados códigos erróneos).} other {El inicio de sesión con segundo factor está bloqueado {minutes, plural, one {# minuto más} other {# minutos más}} (demasiados códigos erróneos).}}} no_method {El usuario no tiene ningún método de inicio de sesión que pueda usar (ninguno registrado, o se exige un nuevo registro).} method_not_allowed {La directiva ya no permite estos métodos del usuario: {methods}.} clock_ahead {{source, select, codes {El reloj de la aplicación de autenticación} other {El reloj del navegador}} parece ir adelantado unos {minutes, plural, one {# minuto} other {# minutos}}.} clock_behind {{source, select, codes {El reloj de la aplicación de autenticación} other {El reloj del navegador}} parece ir atrasado unos {minutes, plural, one {# minuto} other {# minutos}}.} push_blocked {Las aprobaciones push están bloqueadas desde que el usuario notificó una solicitud que no hizo él.} send_limit {No se puede enviar ningún código por {channel, select, sms {SMS} other {correo electrónico}} durante {seconds, plural, one {# segundo} other {# segundos}} (límite de envíos).} other {Nada lo bloquea: sus métodos deberían funcionar; puede que haya perdido el dispositivo.}}',

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
