// Les mots français de l’atelier web (src/web) : navigation, titres, libellés, états vides.
import type { Messages, Params } from '../../catalogue.ts';

const S = '\u202f';

/** Combien des entrées d’un import sont nouvelles (accordé au nom qu’elles comptent). */
const MASCULINE = { one: 'nouveau', many: 'nouveaux', all: 'tous', none: 'aucun' };
const FEMININE = { one: 'nouvelle', many: 'nouvelles', all: 'toutes', none: 'aucune' };
const newOnes = (p: Params, g: typeof MASCULINE) =>
  Number(p.added) === Number(p.count)
    ? Number(p.count) === 1
      ? g.one
      : `${g.all} ${g.many}`
    : Number(p.added) === 0
      ? `${g.none} ${g.one}`
      : `${p.added} ${Number(p.added) === 1 ? g.one : g.many}`;

export const frWeb: Messages = {
  'web.nav.dashboard': () => 'Affaire',
  'web.nav.search': () => 'Recherche',
  'web.nav.keys': () => 'Clés manquantes',
  'web.language': () => 'English',
  'web.loading': () => 'Chargement…',
  'web.error': (p) => `Impossible de charger ceci${S}: ${p.error}`,
  'web.not-found': (p) => `Rien à l’adresse ${p.path}.`,
  'web.dashboard.title': () => 'L’affaire en un coup d’œil',
  'web.dashboard.emails': (p) => `${p.count} courriels`,
  'web.dashboard.documents': (p) => `${p.count} documents examinés`,
  'web.dashboard.flagged': (p) => `${p.count} avec des signaux de falsification`,
  'web.dashboard.by-verdict': () => 'Courriels par verdict',
  'web.dashboard.by-week': () => 'Courriels par semaine, par verdict',
  'web.dashboard.findings': () => 'Constats sur les documents, par règle',
  'web.dashboard.correspondents': () => 'Qui écrit le plus à qui',
  'web.dashboard.domains': () => 'Domaines signataires',
  'web.dashboard.completeness': () => 'Ce qui n’a pas pu être lu',
  'web.dashboard.all-read': () => 'Chaque élément a été lu en entier.',
  'web.dashboard.not-read': (p) =>
    `${p.failed} illisibles, ${p.limited} lus en partie ou pas du tout, ${p.missing} listés par des conteneurs mais jamais trouvés.`,
  'web.search.placeholder': () =>
    `Rechercher${S}: mots, «${'\u00a0'}une expression${'\u00a0'}», from:, to:, domain:, date:2017-05, verdict:altered, type:pdf…`,
  'web.search.button': () => 'Rechercher',
  'web.search.results': (p) => `${p.total} résultat${Number(p.total) > 1 ? 's' : ''}`,
  'web.search.none': () => 'Aucun résultat.',
  'web.search.previous': () => '← Précédents',
  'web.search.next': () => 'Suivants →',
  'web.search.keys': () => `Touches${S}: / recherche, j et k déplacent, Entrée ouvre.`,
  'web.facet.verdict': () => 'Verdict',
  'web.facet.domain': () => 'Domaine',
  'web.facet.participant': () => 'Personnes',
  'web.facet.year': () => 'Année',
  'web.facet.month': () => 'Mois',
  'web.facet.type': () => 'Type',
  'web.facet.flag': () => 'Marques des signatures',
  'web.facet.finding': () => 'Constats',
  'web.message.from': () => 'De',
  'web.message.to': () => 'À',
  'web.message.cc': () => 'Cc',
  'web.message.date': () => 'Date',
  'web.message.subject': () => 'Objet',
  'web.message.no-subject': () => '(sans objet)',
  'web.message.body': () => 'Message',
  'web.message.html-note': () =>
    `Affiché en HTML nettoyé dans un cadre scellé${S}: rien ne s’y exécute ni ne s’y charge${S}; les liens sont montrés, pas suivis.`,
  'web.message.text': () => 'Texte',
  'web.message.attachments': () => 'Pièces jointes',
  'web.message.no-attachments': () => 'Aucune pièce jointe.',
  'web.message.verification': () => 'Vérification',
  'web.message.signature': (p) => `Signature ${p.n}${S}: ${p.domain}, sélecteur ${p.selector}`,
  'web.message.key': (p) => `Clé ${p.name}, provenant de ${p.source}${p.window ? `, vue ${p.window}` : ''}`,
  'web.message.no-key': () => 'Aucune clé pour elle dans l’archive.',
  'web.message.guide': () => 'Ce que signifient les verdicts',
  'web.message.thread': () => 'Conversation',
  'web.item.raw': () => 'Télécharger les octets d’origine',
  'web.item.findings': () => 'Constats',
  'web.item.no-findings': () => 'Aucun constat.',
  'web.item.provenance': () => 'D’où il vient',
  'web.item.metadata': () => 'Métadonnées telles qu’écrites',
  'web.item.facts': () => 'Ce que comparent les règles',
  'web.item.text': () => 'Texte',
  'web.item.problems': () => 'Non lu',
  'web.document.title': (p) => `Document ${p.id}`,
  'web.thread.title': () => 'Conversation',
  'web.keys.title': () => 'Clés encore à trouver',
  'web.keys.intro': (p) =>
    `${Number(p.count) === 1 ? 'Un courriel attend' : `${p.count} courriels attendent`} ces clés : tant qu’elles manquent, ${Number(p.count) === 1 ? 'il ne peut pas être vérifié' : 'ils ne peuvent pas être vérifiés'} (verdict clé introuvable). Une clé manquante n’est pas une preuve de falsification : les clés disparaissent du DNS en quelques mois.`,
  'web.keys.none': () => 'Aucune clé ne manque.',
  'web.keys.cli': () =>
    'Les relecteurs et les administrateurs peuvent importer ici les clés retrouvées. En ligne de commande : crible keys import <fichier>, puis crible verify --case.',
  'web.keys.import.title': () => 'Importer des clés retrouvées',
  'web.keys.import.intro': () =>
    'Un fichier d’archive de clés (CSV, JSON ou lignes de fichier de zone, comme les lit crible keys import) ou une liste de clés dont la moitié privée a été publiée. Les courriels que ces clés concernent sont vérifiés de nouveau aussitôt.',
  'web.keys.import.kind': () => 'Ce que contient le fichier',
  'web.keys.import.kind-keys': () => 'Clés publiques (enregistrements DKIM)',
  'web.keys.import.kind-disclosed': () =>
    'Clés divulguées (leur moitié privée a été publiée : ce qu’elles ont signé ne prouve rien)',
  'web.keys.import.file': () => 'Depuis un fichier',
  'web.keys.import.choose': () => 'Choisir un fichier…',
  'web.keys.import.paste': () => 'ou coller son texte',
  'web.keys.import.file-chosen': (p) => `${p.file} sera importé.`,
  'web.keys.import.paste-instead': () => 'Coller un texte à la place',
  'web.keys.import.button': () => 'Importer et vérifier de nouveau les courriels',
  'web.keys.import.busy': () => 'Import et vérification des courriels…',
  'web.keys.import.nothing': () => 'Choisissez d’abord un fichier ou collez son texte.',
  'web.keys.import.too-large': () =>
    'Ce fichier dépasse 1 Mo : importez-le en ligne de commande avec crible keys import.',
  'web.keys.import.empty': (p) => `${p.file} est vide : il n’y a rien à importer.`,
  'web.keys.import.pasted-name': () => 'texte collé',
  'web.keys.import.keys': (p) =>
    Number(p.count) === 0
      ? `${p.file} : aucun enregistrement de clé lu.`
      : `${p.file} : ${Number(p.count) === 1 ? 'un enregistrement de clé lu' : `${p.count} enregistrements de clé lus`}, ${newOnes(p, MASCULINE)} dans l’archive.`,
  'web.keys.import.disclosed': (p) =>
    Number(p.count) === 0
      ? `${p.file} : aucune clé divulguée lue.`
      : `${p.file} : ${Number(p.count) === 1 ? 'une clé divulguée lue' : `${p.count} clés divulguées lues`}, ${newOnes(p, FEMININE)} dans la liste.`,
  'web.keys.import.checked': (p) =>
    Number(p.checked) === 0
      ? 'Aucun courriel n’était à vérifier de nouveau.'
      : `${Number(p.checked) === 1 ? 'Un courriel vérifié' : `${p.checked} courriels vérifiés`} de nouveau : ${Number(p.changed) === 0 ? 'aucun verdict n’a changé' : Number(p.changed) === 1 ? 'un verdict a changé' : `${p.changed} verdicts ont changé`}.`,
  'web.keys.import.failed': (p) =>
    `${Number(p.count) === 1 ? 'Un n’a pas pu être vérifié' : `${p.count} n’ont pas pu être vérifiés`}.`,
  'web.keys.import.change': (p) => `${Number(p.count) === 1 ? 'Un courriel' : `${p.count} courriels`} :`,
  'web.keys.import.no-verdict': () => 'aucun verdict',
  'web.keys.import.problems': (p) =>
    `${Number(p.count) === 1 ? 'Une ligne' : `${p.count} lignes`} du fichier n’ont pas pu être lues :`,
  'web.col.domain': () => 'Domaine',
  'web.col.selector': () => 'Sélecteur',
  'web.col.emails': () => 'Courriels',
  'web.col.first': () => 'Premier',
  'web.col.last': () => 'Dernier',
  'web.col.field': () => 'Champ',
  'web.col.value': () => 'Valeur',
  'web.col.group': () => 'Où',
  'web.col.count': () => 'Nombre',
  // Accès (src/server/auth.ts, routes/session.ts) et tri (core/triage.ts, core/users.ts).
  'web.access.bad-host': () =>
    'Cet atelier ne répond qu’à localhost ou 127.0.0.1 (une page sous un autre nom tente peut-être de l’atteindre).',
  'web.access.cross-origin': () => 'Refusé\u00a0: cette modification ne vient pas d’une page de cet atelier.',
  'web.access.login-needed': () => 'Connectez-vous pour voir ce dossier.',
  'web.access.csrf': () =>
    'Refusé\u00a0: le jeton de sécurité de la page manque ou a expiré. Rechargez la page et réessayez.',
  'web.access.viewer': () =>
    'Votre rôle est lecteur\u00a0: vous pouvez lire ce dossier mais pas le modifier. Demandez le rôle relecteur à un administrateur.',
  'web.access.too-large': (p) => `Refusé\u00a0: une requête à cet atelier envoie au plus ${p.limit}.`,
  'web.access.wrong-password': () => 'Nom ou mot de passe incorrect.',
  'web.access.rate-limited': (p) => `Trop de tentatives. Réessayez dans ${p.seconds} secondes.`,
  'triage.bad-tag': (p) =>
    `«\u00a0${p.tag}\u00a0» ne peut pas être une étiquette\u00a0: lettres, chiffres et . _\u00a0: / # + - (sans espace), ${p.limit} caractères au plus.`,
  'triage.no-item': (p) => `Il n’y a pas d’élément ${p.item} dans ce dossier.`,
  'triage.too-many-tags': (p) => `L’élément ${p.item} a déjà le maximum d’étiquettes (${p.limit}).`,
  'triage.empty-note': () => 'La note est vide.',
  'triage.long-note': (p) => `Une note compte au plus ${p.limit} caractères.`,
  'triage.too-many-notes': (p) => `L’élément ${p.item} a déjà le maximum de notes (${p.limit}).`,
  'triage.no-note': (p) => `L’élément ${p.item} n’a pas de note numéro ${p.record}.`,
  'users.bad-name': (p) =>
    `«\u00a0${p.name}\u00a0» ne peut pas être un nom d’utilisateur\u00a0: 64 lettres, chiffres et . _ @ - au plus, commençant par une lettre ou un chiffre.`,
  'users.bad-role': (p) => `«\u00a0${p.value}\u00a0» n’est pas un rôle\u00a0: admin, reviewer ou viewer.`,
  'users.password-short': (p) => `Le mot de passe doit compter au moins ${p.min} caractères.`,
  'users.password-long': (p) => `Le mot de passe compte au plus ${p.limit} caractères.`,
  'users.unknown': (p) => `Il n’y a pas d’utilisateur ${p.name} dans ce dossier.`,
  'web.nav.queue': () => 'À traiter',
  'web.login.title': () => 'Connexion à ce dossier',
  'web.login.intro': () =>
    'Cet atelier est partagé\u00a0: un administrateur vous a donné un nom et un mot de passe avec crible users add.',
  'web.login.name': () => 'Nom',
  'web.login.password': () => 'Mot de passe',
  'web.login.button': () => 'Se connecter',
  'web.session.as': (p) => `${p.name} (${p.value})`,
  'web.session.logout': () => 'Se déconnecter',
  'web.role.admin': () => 'administrateur',
  'web.role.reviewer': () => 'relecteur',
  'web.role.viewer': () => 'lecteur',
  'web.triage.title': () => 'Tri',
  'web.triage.tags': () => 'Étiquettes',
  'web.triage.no-tags': () => 'Aucune étiquette pour l’instant.',
  'web.triage.tag-placeholder': () => 'nouvelle étiquette, par ex. a-verifier',
  'web.triage.add-tag': () => 'Ajouter l’étiquette',
  'web.triage.remove-tag': (p) => `Retirer l’étiquette ${p.tag}`,
  'web.triage.notes': () => 'Notes',
  'web.triage.no-notes': () => 'Aucune note pour l’instant.',
  'web.triage.note-placeholder': () => 'Ce que vous avez trouvé, ce qu’il reste à vérifier…',
  'web.triage.add-note': () => 'Ajouter la note',
  'web.triage.note-by': (p) => `${p.name}, ${p.when} UTC`,
  'web.queue.title': () => 'Éléments signalés',
  'web.queue.intro': () =>
    'Les éléments étiquetés, les documents porteurs d’un signal fort de falsification, et les courriels dont la signature montre qu’ils ont été modifiés ou pourraient être contrefaits. Les plus récents d’abord.',
  'web.queue.empty': () => 'Rien n’est signalé pour l’instant.',
  'web.queue.count': (p) => (Number(p.count) === 1 ? '1 élément signalé' : `${p.count} éléments signalés`),
  'web.search.export-csv': () => 'Exporter ces résultats (CSV)',
  // Le graphe des correspondants, la chronologie, la source d’un message et sa preuve (routes/graph.ts).
  'web.nav.correspondents': () => 'Correspondants',
  'web.nav.timeline': () => 'Chronologie',
  'web.query.apply': () => 'Afficher',
  'web.query.in-search': () => 'Voir ces messages dans la recherche',
  'web.graph.title': () => 'Qui écrit à qui',
  'web.graph.intro': (p) =>
    `Les ${p.shown} adresses les plus actives sur les ${p.total} de ces messages. La taille d’un cercle dit combien de messages l’adresse a envoyés et reçus${S}; un trait relie deux adresses qui se sont écrit. Cliquez sur un cercle pour chercher ses messages.`,
  'web.graph.intro-all': (p) =>
    `Les ${p.total} adresses de ces messages. La taille d’un cercle dit combien de messages l’adresse a envoyés et reçus${S}; un trait relie deux adresses qui se sont écrit. Cliquez sur un cercle pour chercher ses messages.`,
  'web.graph.none': () => 'Aucun de ces messages n’a à la fois un expéditeur et un destinataire.',
  'web.graph.volume': (p) => `${p.count} messages envoyés et reçus`,
  'web.timeline.title': () => 'Les messages dans le temps',
  'web.timeline.by-month': () => 'Messages par mois',
  'web.timeline.by-day': () => 'Messages par jour',
  'web.timeline.intro': () => 'Cliquez sur une barre pour chercher les messages de cette période.',
  'web.timeline.none': () => 'Aucun de ces messages ne porte de date.',
  'web.timeline.bar': (p) => `${p.period}${S}: ${p.count} messages`,
  'web.message.source': () => 'Source (en-têtes et texte brut)',
  'web.message.proof': () => 'Télécharger la preuve (zip)',
  'web.source.title': (p) => `Source du message ${p.id}`,
  'web.source.back': () => '← Retour au message',
  'web.source.cut': (p) =>
    `Seuls les ${p.shown} premiers sur ${p.size} sont montrés ici${S}: téléchargez les octets d’origine pour le message entier.`,
  'web.facet.remove': (p) => `Retirer ${p.term} de la requête`,
  'web.dashboard.see-graph': () => 'le graphe →',
  'web.search.over-time': () => 'dans le temps',
  'web.search.who-writes': () => 'qui écrit à qui',
  'web.item.status.failed': () => 'illisible',
  'web.item.status.limited': () => 'lu en partie seulement (une limite)',
  'web.search.email': () => 'courriel',
};
