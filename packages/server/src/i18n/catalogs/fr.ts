import type { ServerCatalog } from '../server-texts.js';

/** The server's words in French ("vous", as in Twofold's pages). */
export const fr: ServerCatalog = {
  'page.title':
    '{page, select, signIn {Connexion} securityInfo {Informations de sécurité} setup {Configuration} admin {Console d’administration} other {Twofold}} · Twofold',
  'page.language': 'Langue',
  'page.noscript':
    'Cette page a besoin de JavaScript. Activez-le dans votre navigateur, puis rechargez la page.',

  'sms.code':
    '{code} est votre code {purpose, select, registration {pour ajouter ce téléphone à {tenant}} passwordReset {pour réinitialiser votre mot de passe {tenant}} other {pour vous connecter à {tenant}}}. Il expire dans {minutes} minutes. Ne le communiquez jamais.',
  'email.code.subject': '{code} est votre code pour {tenant}',
  'email.code.body':
    'Votre code de vérification est {code}\n\n{purpose, select, registration {Saisissez-le pour confirmer cette adresse e-mail pour vous connecter à {tenant}.} passwordReset {Saisissez-le pour réinitialiser votre mot de passe {tenant}.} other {Saisissez-le pour terminer votre connexion à {tenant}.}}\nIl expire dans {minutes} minutes et ne fonctionne qu’une fois.\n\n{purpose, select, passwordReset {Si vous n’avez pas demandé à réinitialiser votre mot de passe, ne donnez ce code à personne et prévenez l’administrateur de {tenant}.} other {Si vous n’avez pas essayé de vous connecter, quelqu’un connaît peut-être votre mot de passe : changez-le et prévenez l’administrateur de {tenant}.}}',

  'email.breakGlass.subject': '[{tenant}] Récupération d’urgence de l’administrateur {email}',
  'email.breakGlass.body':
    'Bonjour {name},\n\nLe {when, date, utc}, l’opérateur de ce déploiement Twofold ({osUser} sur {host}) a délivré un passe d’accès temporaire (Temporary Access Pass) à usage unique, valable {minutes} minutes, à l’administrateur {email} de « {tenant} », {everyAdminLocked, select, yes {car tous les autres administrateurs étaient bloqués.} other {alors que d’autres administrateurs (dont vous) pouvaient encore se connecter : demandez-en la raison à l’opérateur.}} Les méthodes, codes de récupération et sessions de cet administrateur ont été supprimés : il enregistre de nouvelles méthodes avec le passe.\n\nMotif indiqué : {reason}\n\nSi vous ne vous y attendiez pas, consultez dès maintenant le journal d’audit dans la console d’administration ({adminUrl}) et contactez votre opérateur.',

  'email.pushReport.subject': '[{tenant}] {email} a signalé une connexion suspecte',
  'email.pushReport.body':
    'Bonjour {name},\n\nLe {when, date, utc}, {email} a signalé qu’une demande d’approbation push reçue sur l’appareil « {device} » ne venait pas de sa part. La connexion venait {ip, select, unknown {d’une adresse IP inconnue} other {de l’adresse IP {ip}}} ({application}).\n\nQuelqu’un d’autre connaît peut-être son mot de passe. Les approbations push sont désormais bloquées pour cet utilisateur jusqu’à ce qu’un administrateur lève le blocage ; la connexion a été refusée. Pensez à lui demander de changer son mot de passe et vérifiez ses connexions dans la console d’administration : {adminUrl}',

  'oidc.signOut.title': 'Déconnexion',
  'oidc.signOut.heading': 'Se déconnecter ?',
  'oidc.signOut.headingApp': 'Se déconnecter de {app} ?',
  'oidc.signOut.lead': 'Votre session {tenant} sera fermée dans ce navigateur.',
  'oidc.signOut.stay': 'Rester connecté',
  'oidc.signOut.confirm': 'Se déconnecter',
  'oidc.signedOut.title': 'Session fermée',
  'oidc.signedOut.heading': 'Votre session est fermée',
  'oidc.signedOut.lead': 'Vous pouvez fermer cette fenêtre ou <link>vous reconnecter</link>.',
  'oidc.error.title': 'Problème de connexion',
  'oidc.error.heading': 'Cette connexion ne peut pas aboutir',
  'oidc.error.reason':
    '{error, select, invalid_client {Cette application n’est pas enregistrée ici, ou elle s’est mal identifiée.} invalid_redirect_uri {L’application a demandé à revenir à une adresse qu’elle n’a pas enregistrée.} invalid_request {L’application a envoyé une demande non valide.} unauthorized_client {Cette application n’est pas autorisée à se connecter de cette façon.} access_denied {La connexion a été refusée.} server_error {Une erreur s’est produite de notre côté.} other {L’application a envoyé une demande qui ne peut pas aboutir.}}',
  'oidc.error.lead':
    'Revenez à l’application et réessayez. Si le problème persiste, indiquez ceci à son administrateur : <code>{error}</code>.',
};
