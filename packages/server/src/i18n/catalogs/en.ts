/**
 * What the server itself writes for people, in English: the texts of codes by SMS and email, the notices
 * emailed to admins, the pages the OpenID Connect provider renders, and the title of each web page (in the
 * HTML before the page's own script runs). ICU MessageFormat, like the web pages' catalogs.
 */
export const en = {
  'page.title':
    '{page, select, signIn {Sign in} securityInfo {Security info} setup {Set up} admin {Admin console} webAuthenticator {Authenticator} other {Twofold}} · Twofold',
  'page.language': 'Language',
  'page.noscript': 'This page needs JavaScript. Turn it on in your browser, then reload.',
  'page.authenticator.shortName': 'Authenticator',
  'page.authenticator.description':
    'One-time password codes and push approvals, in an encrypted vault on this device.',

  'sms.code':
    '{code} is your code {purpose, select, registration {to add this phone to {tenant}} passwordReset {to reset your {tenant} password} other {to sign in to {tenant}}}. It expires in {minutes} minutes. Never share it.',
  'email.code.subject': '{code} is your code for {tenant}',
  'email.code.body':
    'Your verification code is {code}\n\n{purpose, select, registration {Enter it to confirm this email address for signing in to {tenant}.} passwordReset {Enter it to reset your {tenant} password.} other {Enter it to finish signing in to {tenant}.}}\nIt expires in {minutes} minutes and works once.\n\n{purpose, select, passwordReset {If you did not ask to reset your password, do not give this code to anyone, and tell your {tenant} administrator.} other {If you did not try to sign in, someone may know your password: change it, and tell your {tenant} administrator.}}',

  'email.breakGlass.subject': '[{tenant}] Break-glass recovery of admin {email}',
  'email.breakGlass.body':
    'Hello {name},\n\nOn {when, date, utc} the operator of this Twofold deployment ({osUser} on {host}) issued a one-time Temporary Access Pass, valid {minutes} minutes, to the admin {email} of “{tenant}”, {everyAdminLocked, select, yes {because every other admin was locked out.} other {although other admins (you among them) could still sign in: ask the operator why.}} The admin’s methods, recovery codes and sessions were ended: they register new methods with the pass.\n\nReason given: {reason}\n\nIf you did not expect this, review the audit log in the admin console now ({adminUrl}) and contact your operator.',

  'email.pushReport.subject': '[{tenant}] {email} reported a sign-in they did not start',
  'email.pushReport.body':
    'Hello {name},\n\nOn {when, date, utc} {email} reported a push approval request as not theirs, on their device “{device}”. The sign-in came from {ip, select, unknown {an unknown IP address} other {IP address {ip}}} ({application}).\n\nSomeone else may know their password. Push approvals are now blocked for this user until an admin clears the block; the sign-in was refused. Consider asking them to change their password, and review their sign-ins in the admin console: {adminUrl}',

  'email.passwordChanged.subject': 'Your {tenant} password was changed',
  'email.passwordChanged.body':
    'Hello {name},\n\n{how, select, change {Your password was changed from your Security info page.} reset {Your password was reset with “Forgot password?” on the sign-in page.} other {Your password was set by the operator of this Twofold deployment.}} ({when, date, utc})\n{how, select, change {Every other session and every application signed in as you was signed out.} other {Every session and every application signed in as you was signed out.}}\n\nIf this was you, there is nothing to do. If it was not, someone may have your sign-in methods: tell your {tenant} administrator now. Sign in: {signInUrl}',
  'email.helpRequest.subject': '[{tenant}] Help request: {email} cannot get a sign-in code',
  'email.helpRequest.body':
    'Hello {name},\n\n{userName} ({email}) cannot get a sign-in code for {tenant} and asked for help on {when, date, utc}.\n\nTheir message: {message, select, none {(none)} other {{message}}}\nHow to reach them: {contact, select, none {(not given)} other {{contact}}}\n\nWhat Twofold found:\n{findings}\n\n{soleAdmin, select, yes {They are the only global admin of this organisation, so no admin can issue them a pass. The operator of this Twofold deployment recovers the account on the host with:\n  {command}\n\n} other {}}Open the help requests in the admin console to act on it: {adminUrl}\n\nCheck who you are talking to before you issue a Temporary Access Pass.',
  'email.helpRequest.finding':
    '- {code, select, locked_out {{adminRequired, select, yes {Second-factor sign-in is locked until an admin unlocks it (too many wrong codes).} other {Second-factor sign-in is locked for {minutes, plural, one {# more minute} other {# more minutes}} (too many wrong codes).}}} no_method {The user has no sign-in method they can use (none registered, or re-registration is required).} method_not_allowed {The policy no longer allows these methods of the user: {methods}.} clock_ahead {{source, select, codes {The user’s authenticator clock} other {The user’s browser clock}} looks about {minutes, plural, one {# minute} other {# minutes}} ahead.} clock_behind {{source, select, codes {The user’s authenticator clock} other {The user’s browser clock}} looks about {minutes, plural, one {# minute} other {# minutes}} behind.} push_blocked {Push approvals are blocked since the user reported a push they did not start.} send_limit {No {channel, select, sms {text message} other {email}} code can be sent for {seconds, plural, one {# second} other {# seconds}} (send limit).} other {Nothing blocking: their methods should work; they may have lost the device.}}',

  'oidc.signOut.title': 'Sign out',
  'oidc.signOut.heading': 'Sign out?',
  'oidc.signOut.headingApp': 'Sign out of {app}?',
  'oidc.signOut.lead': 'You will be signed out of {tenant} in this browser.',
  'oidc.signOut.stay': 'Stay signed in',
  'oidc.signOut.confirm': 'Sign out',
  'oidc.signedOut.title': 'Signed out',
  'oidc.signedOut.heading': 'You are signed out',
  'oidc.signedOut.lead': 'You can close this window, or <link>sign in again</link>.',
  'oidc.error.title': 'Sign-in problem',
  'oidc.error.heading': 'This sign-in cannot go on',
  'oidc.error.reason':
    '{error, select, invalid_client {This application is not registered here, or it identified itself wrongly.} invalid_redirect_uri {The application asked to return to an address it did not register.} invalid_request {The application sent a request that is not valid.} unauthorized_client {This application may not sign in this way.} access_denied {The sign-in was refused.} server_error {Something went wrong on our side.} other {The application sent a request that cannot be completed.}}',
  'oidc.error.lead':
    'Go back to the application and try again. If it keeps happening, tell its administrator: <code>{error}</code>.',
} as const;

export type ServerMessageKey = keyof typeof en;
