import type { ServerCatalog } from '../server-texts.js';

/** The server's words in German (formal "Sie", as in Twofold's pages). */
export const de: ServerCatalog = {
  'page.title':
    '{page, select, signIn {Anmelden} securityInfo {Sicherheitsinformationen} setup {Einrichtung} admin {Verwaltungskonsole} webAuthenticator {Authenticator} other {Twofold}} · Twofold',
  'page.language': 'Sprache',
  'page.noscript':
    'Diese Seite braucht JavaScript. Schalten Sie es in Ihrem Browser ein und laden Sie die Seite neu.',
  'page.authenticator.shortName': 'Authenticator',
  'page.authenticator.description':
    'Einmalcodes und Push-Bestätigungen, in einem verschlüsselten Tresor auf diesem Gerät.',

  'sms.code':
    '{code} ist Ihr Code, {purpose, select, registration {um dieses Telefon bei {tenant} hinzuzufügen} passwordReset {um Ihr Passwort für {tenant} zurückzusetzen} other {um sich bei {tenant} anzumelden}}. Er ist {minutes} Minuten gültig. Geben Sie ihn nie weiter.',
  'email.code.subject': '{code} ist Ihr Code für {tenant}',
  'email.code.body':
    'Ihr Bestätigungscode lautet {code}\n\n{purpose, select, registration {Geben Sie ihn ein, um diese E-Mail-Adresse für die Anmeldung bei {tenant} zu bestätigen.} passwordReset {Geben Sie ihn ein, um Ihr Passwort für {tenant} zurückzusetzen.} other {Geben Sie ihn ein, um die Anmeldung bei {tenant} abzuschließen.}}\nEr ist {minutes} Minuten gültig und funktioniert nur einmal.\n\n{purpose, select, passwordReset {Wenn Sie das Zurücksetzen Ihres Passworts nicht angefordert haben, geben Sie diesen Code niemandem und informieren Sie die Administration von {tenant}.} other {Wenn Sie sich nicht anmelden wollten, kennt vielleicht jemand Ihr Passwort: Ändern Sie es und informieren Sie die Administration von {tenant}.}}',

  'email.breakGlass.subject': '[{tenant}] Notfallwiederherstellung des Admins {email}',
  'email.breakGlass.body':
    'Hallo {name},\n\nam {when, date, utc} hat der Betreiber dieser Twofold-Installation ({osUser} auf {host}) dem Admin {email} von „{tenant}“ einen einmaligen befristeten Zugriffspass (Temporary Access Pass) ausgestellt, gültig für {minutes} Minuten, {everyAdminLocked, select, yes {weil alle anderen Admins ausgesperrt waren.} other {obwohl sich andere Admins (auch Sie) noch anmelden konnten: Fragen Sie den Betreiber nach dem Grund.}} Die Methoden, Wiederherstellungscodes und Sitzungen des Admins wurden beendet: Mit dem Pass registriert er neue Methoden.\n\nAngegebener Grund: {reason}\n\nWenn Sie das nicht erwartet haben, prüfen Sie jetzt das Audit-Protokoll in der Verwaltungskonsole ({adminUrl}) und wenden Sie sich an Ihren Betreiber.',

  'email.pushReport.subject': '[{tenant}] {email} hat eine fremde Anmeldung gemeldet',
  'email.pushReport.body':
    'Hallo {name},\n\nam {when, date, utc} hat {email} eine Push-Genehmigungsanfrage auf dem Gerät „{device}“ als nicht selbst ausgelöst gemeldet. Die Anmeldung kam von {ip, select, unknown {einer unbekannten IP-Adresse} other {der IP-Adresse {ip}}} ({application}).\n\nMöglicherweise kennt jemand anderes das Passwort. Push-Genehmigungen sind für dieses Konto jetzt gesperrt, bis ein Admin die Sperre aufhebt; die Anmeldung wurde abgelehnt. Bitten Sie die Person, ihr Passwort zu ändern, und prüfen Sie ihre Anmeldungen in der Verwaltungskonsole: {adminUrl}',

  'email.passwordChanged.subject': 'Ihr Passwort für {tenant} wurde geändert',
  'email.passwordChanged.body':
    'Hallo {name},\n\n{how, select, change {Ihr Passwort wurde auf Ihrer Seite „Sicherheitsinformationen“ geändert.} reset {Ihr Passwort wurde über „Passwort vergessen?“ auf der Anmeldeseite zurückgesetzt.} other {Ihr Passwort wurde vom Betreiber dieser Twofold-Installation festgelegt.}} ({when, date, utc})\n{how, select, change {Alle anderen Sitzungen und alle Anwendungen, die mit Ihrem Konto angemeldet waren, wurden abgemeldet.} other {Alle Sitzungen und alle Anwendungen, die mit Ihrem Konto angemeldet waren, wurden abgemeldet.}}\n\nWenn Sie das waren, ist nichts zu tun. Wenn nicht, hat vielleicht jemand Zugriff auf Ihre Anmeldemethoden: Informieren Sie sofort die Administration von {tenant}. Anmelden: {signInUrl}',
  'email.helpRequest.subject': '[{tenant}] Hilfeanfrage: {email} erhält keinen Anmeldecode',
  'email.helpRequest.body':
    'Hallo {name},\n\n{userName} ({email}) erhält keinen Anmeldecode für {tenant} und hat am {when, date, utc} um Hilfe gebeten.\n\nNachricht: {message, select, none {(keine)} other {{message}}}\nErreichbar unter: {contact, select, none {(nicht angegeben)} other {{contact}}}\n\nWas Twofold festgestellt hat:\n{findings}\n\n{soleAdmin, select, yes {Die Person ist der einzige globale Admin dieser Organisation, daher kann kein Admin ihr einen Pass ausstellen. Der Betreiber dieser Twofold-Installation stellt das Konto auf dem Server wieder her mit:\n  {command}\n\n} other {}}Öffnen Sie die Hilfeanfragen in der Verwaltungskonsole, um sie zu bearbeiten: {adminUrl}\n\nPrüfen Sie, mit wem Sie sprechen, bevor Sie einen befristeten Zugriffspass ausstellen.',
  'email.helpRequest.finding':
    '- {code, select, locked_out {{adminRequired, select, yes {Die Anmeldung mit dem zweiten Faktor ist gesperrt, bis ein Admin sie entsperrt (zu viele falsche Codes).} other {Die Anmeldung mit dem zweiten Faktor ist noch {minutes, plural, one {# Minute} other {# Minuten}} gesperrt (zu viele falsche Codes).}}} no_method {Die Person hat keine nutzbare Anmeldemethode (keine registriert, oder eine erneute Registrierung ist nötig).} method_not_allowed {Die Richtlinie erlaubt diese Methoden der Person nicht mehr: {methods}.} clock_ahead {{source, select, codes {Die Uhr der Authentifizierungs-App} other {Die Uhr des Browsers}} geht etwa {minutes, plural, one {# Minute} other {# Minuten}} vor.} clock_behind {{source, select, codes {Die Uhr der Authentifizierungs-App} other {Die Uhr des Browsers}} geht etwa {minutes, plural, one {# Minute} other {# Minuten}} nach.} push_blocked {Push-Genehmigungen sind gesperrt, seit die Person eine fremde Push-Anfrage gemeldet hat.} send_limit {{seconds, plural, one {# Sekunde} other {# Sekunden}} lang kann kein Code per {channel, select, sms {SMS} other {E-Mail}} gesendet werden (Sendelimit).} other {Nichts blockiert: Die Methoden sollten funktionieren; vielleicht ist das Gerät verloren.}}',

  'oidc.signOut.title': 'Abmelden',
  'oidc.signOut.heading': 'Abmelden?',
  'oidc.signOut.headingApp': 'Von {app} abmelden?',
  'oidc.signOut.lead': 'Sie werden in diesem Browser von {tenant} abgemeldet.',
  'oidc.signOut.stay': 'Angemeldet bleiben',
  'oidc.signOut.confirm': 'Abmelden',
  'oidc.signedOut.title': 'Abgemeldet',
  'oidc.signedOut.heading': 'Sie sind abgemeldet',
  'oidc.signedOut.lead': 'Sie können dieses Fenster schließen oder sich <link>erneut anmelden</link>.',
  'oidc.error.title': 'Problem bei der Anmeldung',
  'oidc.error.heading': 'Diese Anmeldung kann nicht fortgesetzt werden',
  'oidc.error.reason':
    '{error, select, invalid_client {Diese Anwendung ist hier nicht registriert oder hat sich falsch ausgewiesen.} invalid_redirect_uri {Die Anwendung wollte zu einer Adresse zurückkehren, die sie nicht registriert hat.} invalid_request {Die Anwendung hat eine ungültige Anfrage gesendet.} unauthorized_client {Diese Anwendung darf sich nicht auf diese Weise anmelden.} access_denied {Die Anmeldung wurde abgelehnt.} server_error {Bei uns ist ein Fehler aufgetreten.} other {Die Anwendung hat eine Anfrage gesendet, die sich nicht ausführen lässt.}}',
  'oidc.error.lead':
    'Kehren Sie zur Anwendung zurück und versuchen Sie es erneut. Wenn das Problem bleibt, teilen Sie der Administration der Anwendung Folgendes mit: <code>{error}</code>.',
};
