import type { ServerCatalog } from '../server-texts.js';

/** The server's words in French ("vous", as in Twofold's pages). */
export const fr: ServerCatalog = {
  'page.title':
    '{page, select, signIn {Connexion} securityInfo {Informations de sécurité} setup {Configuration} admin {Console d’administration} webAuthenticator {Authentificateur} other {Twofold}} · Twofold',
  'page.language': 'Langue',
  'page.noscript':
    'Cette page a besoin de JavaScript. Activez-le dans votre navigateur, puis rechargez la page.',
  'page.authenticator.shortName': 'Authentificateur',
  'page.authenticator.description':
    'Codes à usage unique et approbations push, dans un coffre chiffré sur cet appareil.',

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

  'email.passwordChanged.subject': 'Votre mot de passe {tenant} a été modifié',
  'email.passwordChanged.body':
    'Bonjour {name},\n\n{how, select, change {Votre mot de passe a été modifié depuis votre page Informations de sécurité.} reset {Votre mot de passe a été réinitialisé avec « Mot de passe oublié ? » sur la page de connexion.} other {Votre mot de passe a été défini par l’opérateur de ce déploiement Twofold.}} ({when, date, utc})\n{how, select, change {Toutes les autres sessions et toutes les applications connectées avec votre compte ont été déconnectées.} other {Toutes les sessions et toutes les applications connectées avec votre compte ont été déconnectées.}}\n\nSi c’était vous, il n’y a rien à faire. Sinon, quelqu’un a peut-être accès à vos méthodes de connexion : prévenez tout de suite l’administrateur de {tenant}. Se connecter : {signInUrl}',
  'email.helpRequest.subject': '[{tenant}] Demande d’aide : {email} ne reçoit pas de code de connexion',
  'email.helpRequest.body':
    'Bonjour {name},\n\n{userName} ({email}) ne parvient pas à obtenir de code de connexion pour {tenant} et a demandé de l’aide le {when, date, utc}.\n\nSon message : {message, select, none {(aucun)} other {{message}}}\nPour le joindre : {contact, select, none {(non indiqué)} other {{contact}}}\n\nCe que Twofold a constaté :\n{findings}\n\n{soleAdmin, select, yes {Cette personne est le seul administrateur général de l’organisation : aucun administrateur ne peut lui délivrer de passe. L’opérateur de ce déploiement Twofold récupère le compte sur le serveur avec :\n  {command}\n\n} other {}}Ouvrez les demandes d’aide dans la console d’administration pour la traiter : {adminUrl}\n\nVérifiez à qui vous parlez avant de délivrer un passe d’accès temporaire.',
  'email.helpRequest.finding':
    '- {code, select, locked_out {{adminRequired, select, yes {La connexion par second facteur est bloquée jusqu’à ce qu’un administrateur la débloque (trop de codes erronés).} other {La connexion par second facteur est bloquée encore {minutes, plural, one {# minute} other {# minutes}} (trop de codes erronés).}}} no_method {L’utilisateur n’a aucune méthode de connexion utilisable (aucune enregistrée, ou un nouvel enregistrement est exigé).} method_not_allowed {La stratégie n’autorise plus ces méthodes de l’utilisateur : {methods}.} clock_ahead {{source, select, codes {L’horloge de l’application d’authentification} other {L’horloge du navigateur}} semble avancer d’environ {minutes, plural, one {# minute} other {# minutes}}.} clock_behind {{source, select, codes {L’horloge de l’application d’authentification} other {L’horloge du navigateur}} semble retarder d’environ {minutes, plural, one {# minute} other {# minutes}}.} push_blocked {Les approbations push sont bloquées depuis que l’utilisateur a signalé une demande qu’il n’avait pas faite.} send_limit {Aucun code par {channel, select, sms {SMS} other {e-mail}} ne peut être envoyé pendant {seconds, plural, one {# seconde} other {# secondes}} (limite d’envoi).} other {Rien ne bloque : ses méthodes devraient fonctionner ; il a peut-être perdu l’appareil.}}',

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
