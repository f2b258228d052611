// Les mots français de `crible report` (et du guide des verdicts que partagent `crible help verdicts`, le
// rapport et l’atelier web) : titres, colonnes, les réserves qu’un lecteur doit garder en tête, la méthode.
import type { Messages, Params } from '../../catalogue.ts';

const n = (p: Params, key: string) => Number(p[key] ?? 0);
const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;
/** Espace fine insécable avant : ; ? ! (typographie française). */
const S = '\u202f';

export const frReport: Messages = {
  'verdict-name.authentic': () => 'authentique',
  'verdict-name.authentic-with-caveats': () => 'authentique, avec réserves',
  'verdict-name.forgeable': () => 'falsifiable',
  'verdict-name.altered': () => 'altéré',
  'verdict-name.unverifiable': () => 'invérifiable',
  'verdict-name.key-unavailable': () => 'clé introuvable',
  'verdict-name.unsigned': () => 'non signé',
  'severity.high': () => 'élevée',
  'severity.medium': () => 'moyenne',
  'severity.low': () => 'faible',
  'severity.info': () => 'remarque',

  'guide.verdict.altered': () =>
    `À examiner en premier. Le message a été signé, et ce n’est plus ce qui a été signé${S}: le corps ou un en-tête signé a changé après la signature par le serveur de l’expéditeur, sans qu’aucun dommage d’export connu ne l’explique${S}; ou bien le From, le Subject ou la Date que voit un lecteur est un en-tête ajouté, non signé, placé au-dessus de celui qui est signé. Quelqu’un l’a modifié — ou le fichier a été abîmé d’une manière que Crible ne connaît pas.`,
  'guide.verdict.forgeable': () =>
    `À examiner ensuite. La signature est valide mais ne prouve rien${S}: la clé est si courte qu’on peut la casser à peu de frais, ou sa moitié privée a été publiée (n’importe qui a pu signer ensuite). Elle compte encore s’il est établi que le message existait avant que la clé soit cassée ou publiée.`,
  'guide.verdict.authentic': () =>
    'Le serveur du domaine expéditeur a signé ces en-têtes et ce corps, octet pour octet, avec une clé solide, et rien ne l’affaiblit.',
  'guide.verdict.authentic-with-caveats': () =>
    `La signature est valide, avec une réserve que les motifs nomment${S}: une partie du corps n’est pas couverte (l=), un en-tête visible comme From ou Subject n’est pas signé ou apparaît deux fois, le signataire n’est pas le domaine du From, une clé de 1024 bits, l’ancien rsa-sha1, un dommage d’export qu’il a fallu défaire, une heure de signature postérieure à la réception ou à l’heure du message, une clé dont le nom la date d’après le message. Lisez les motifs avant de citer le message.`,
  'guide.verdict.key-unavailable': () =>
    `Signé, mais la clé pour le vérifier n’est pas dans l’archive de l’affaire (les clés changent et disparaissent du DNS), ou elle a été révoquée plus tard. Ce n’est une preuve ni dans un sens ni dans l’autre${S}: crible keys missing liste les clés à trouver${S}; importez-les (crible keys import) et relancez crible verify --case.`,
  'guide.verdict.unverifiable': () =>
    `Signé, mais la signature ne peut pas être vérifiée${S}: elle est mal formée (b= ou bh= cassé, signature de la mauvaise taille) ou utilise une méthode non prise en charge, ou le fichier a été reconstruit (depuis un PST ou un MSG, réencodé) et les octets signés exacts ont disparu. Un échec ici n’est pas une preuve de falsification.`,
  'guide.verdict.unsigned': () =>
    `Aucune signature DKIM ni DomainKeys${S}: rien ne confirme qui l’a envoyé ni qu’il est inchangé. Courant pour le courrier interne et le courrier ancien${S}; ce n’est pas en soi un signe de falsification.`,
  'guide.pass-does-not-prove': () =>
    `Ce qu’une signature valide ne prouve pas${S}: que le contenu est vrai${S}; qui a reçu ou lu le message (un message signé peut être renvoyé à n’importe qui)${S}; que la boîte aux lettres n’était pas un leurre rempli de vrais messages${S}; ni que les en-têtes non signés (Received, souvent To et Cc) sont authentiques. Elle prouve seulement que le domaine signataire (d=) a envoyé ces en-têtes signés et ce corps.`,

  'report.title': () => 'Ce que montre cette affaire',
  'report.subtitle': (p) => `Rapport rédigé le ${p.at} par Crible ${p.crible}`,
  'report.query': (p) =>
    `Messages et documents limités à ceux que trouve la recherche «\u00a0${p.query}\u00a0».`,
  'report.summary': (p) =>
    `${plural(n(p, 'messages'), 'courriel', 'courriels')} et ${plural(n(p, 'documents'), 'document', 'documents')} provenant de ${plural(n(p, 'sources'), 'source', 'sources')}. ` +
    `${n(p, 'authentic')} authentiques (dont ${n(p, 'withCaveats')} avec réserves), ${n(p, 'altered')} altérés, ${n(p, 'forgeable')} falsifiables, ${n(p, 'cannotCheck')} impossibles à vérifier et ${n(p, 'unsigned')} non signés. ` +
    `${plural(n(p, 'flagged'), 'document présente', 'documents présentent')} un signal de falsification de gravité élevée.`,
  'report.contents': () => 'Sommaire',

  'report.section.custody': () => 'Le fichier reçu et sa chaîne de conservation',
  'report.custody.intro': () =>
    `Chaque fichier confié à Crible, avec son empreinte SHA-256 telle que lue${S}: quiconque détient les mêmes fichiers peut vérifier qu’il s’agit des mêmes octets. Rien n’a été modifié${S}; chaque élément trouvé est compté ci-dessous, y compris ce qui n’a pas pu être lu.`,
  'report.custody.items': (p) =>
    `${plural(n(p, 'items'), 'élément trouvé', 'éléments trouvés')} (${plural(n(p, 'occurrences'), 'emplacement', 'emplacements')}${S}; ${plural(n(p, 'duplicates'), 'copie en double', 'copies en double')}), ${n(p, 'failed')} illisibles et ${n(p, 'limited')} lus en partie ou pas du tout.`,
  'report.custody.missing': (p) =>
    `${plural(n(p, 'missing'), 'élément que des conteneurs disent contenir n’a', 'éléments que des conteneurs disent contenir n’ont')} jamais été trouvé${n(p, 'missing') > 1 ? 's' : ''}.`,
  'report.custody.problems': () => 'Éléments non lus en entier, et pourquoi',
  'report.custody.all-read': () => 'Chaque élément a été lu en entier.',
  'report.custody.log': () => 'Journal de conservation',

  'report.section.authenticity': () => 'Quels courriels sont authentiques',
  'report.authenticity.verifiable': (p) =>
    `${n(p, 'checked')} sur ${plural(n(p, 'messages'), 'courriel', 'courriels')} (${p.percent}\u00a0%) portent une signature qui a pu être vérifiée. ` +
    `Les autres${S}: ${n(p, 'unsigned')} ne portent aucune signature, ${n(p, 'keyUnavailable')} attendent une clé absente de l’archive, ${n(p, 'unverifiable')} ne peuvent pas être vérifiés (mal formés, ou reconstruits depuis un fichier de messagerie).`,
  'report.authenticity.by-verdict': () => 'Courriels par verdict',
  'report.authenticity.by-month': () => 'Verdicts par mois',
  'report.authenticity.by-source': () => 'Verdicts par source et par boîte aux lettres',
  'report.authenticity.by-domain': () => 'Verdicts par domaine signataire',
  'report.authenticity.key-sources': () => 'D’où viennent les clés',
  'report.authenticity.key-hunt': () => 'Clés encore à trouver',
  'report.authenticity.key-hunt-intro': (p) =>
    `${plural(n(p, 'messages'), 'courriel attend', 'courriels attendent')} ces clés. Cherchez-les dans les archives d’enregistrements DNS (celles du domaine, ou les archives publiques), importez-les avec crible keys import, puis relancez crible verify --case.`,
  'report.authenticity.no-keys-missing': () => 'Aucune clé ne manque.',
  'report.authenticity.guide': () => 'Ce que signifie chaque verdict',

  'report.section.caveats': () => 'Ce qu’une signature ne prouve pas',
  'report.caveat.content': () =>
    'Une signature valide prouve que le serveur du domaine signataire a envoyé exactement ces en-têtes signés et ce corps. Elle ne prouve pas que ce que dit le message est vrai.',
  'report.caveat.readers': () =>
    `Elle ne prouve pas qui a reçu ou lu le message${S}: un message signé peut être renvoyé à n’importe qui, inchangé.`,
  'report.caveat.decoy': () =>
    `Elle ne prouve pas qu’une boîte aux lettres est ce qu’elle paraît${S}: de vrais messages peuvent être rassemblés dans un leurre, et des documents fabriqués peuvent voyager avec de vrais messages.`,
  'report.caveat.unsigned': () =>
    `Les en-têtes non signés (Received, souvent To et Cc) ne sont pas couverts, et un courriel non signé ou invérifiable n’est pas pour autant falsifié${S}: dans certaines organisations, la plupart des messages ne sont jamais signés.`,
  'report.caveat.documents': () =>
    `Les constats sur les documents sont des signaux, pas des verdicts${S}: chacun nomme les valeurs des champs qui l’ont déclenché. Des signaux forts et indépendants qui concordent font un dossier${S}; un signal isolé demande à être corroboré.`,

  'report.section.altered': () => 'Courriels altérés, et ce qui a échoué',
  'report.section.forgeable': () => 'Courriels falsifiables, et pourquoi',
  'report.section.documents': () => 'Documents présentant des signaux de falsification',
  'report.documents.intro': (p) =>
    `${plural(n(p, 'documents'), 'document a été examiné', 'documents ont été examinés')}${S}; ${plural(n(p, 'flagged'), 'présente', 'présentent')} au moins un constat. Chaque constat nomme les champs qui l’ont déclenché.`,
  'report.documents.by-rule': () => 'Constats par règle',
  'report.none': () => 'Aucun.',
  'report.more': (p) =>
    `… et ${n(p, 'count')} de plus (la liste complète est dans les fichiers CSV à côté de ce rapport).`,

  'report.section.method': () => `Méthode${S}: comment cela a été établi, et comment le vérifier`,
  'report.method.ingest': () =>
    `Ingestion${S}: chaque fichier est conservé une seule fois, sous son empreinte SHA-256, et n’est jamais modifié${S}; archives, boîtes mbox et fichiers de messagerie sont ouverts récursivement dans des limites de taille, de profondeur et d’expansion, et chaque élément est compté, y compris ce qui n’a pas pu être lu, avec la raison.`,
  'report.method.dkim': () =>
    `DKIM et DomainKeys${S}: chaque signature est vérifiée à l’heure du message, avec une archive des clés que les domaines publiaient alors (et non le DNS d’aujourd’hui)${S}; les dommages d’export connus (fins de ligne, échappement mbox) sont défaits et nommés. Les sceaux ARC sont vérifiés étape par étape${S}: ils peuvent expliquer une modification faite par un relais, jamais prouver qui a écrit le message.`,
  'report.method.documents': () =>
    `Documents${S}: le texte et les métadonnées sont lus dans les fichiers PDF (chaque révision et chaque paquet XMP), Office, OpenDocument, RTF et images, chacun par un lecteur isolé, limité en temps et en mémoire${S}; des règles d’analyse comparent leurs dates aux courriels qui les portent, leurs auteurs aux personnes de l’organisation, leurs logiciels et leurs polices aux dates qu’ils revendiquent.`,
  'report.method.recheck': () =>
    `Pour revérifier un courriel${S}: crible proof <numéro> --out <dossier> écrit ses octets exacts, les clés utilisées avec leur provenance, la transcription de chaque vérification, et un script qui revérifie les signatures avec une implémentation indépendante (dkimpy).`,
  'report.method.tools': () => 'Outils et versions',
  'report.method.analysers': () => 'Analyses et leurs versions',

  'report.kind.file': () => 'fichier',
  'report.kind.directory': () => 'dossier',
  'report.status.failed': () => 'illisible',
  'report.status.limited': () => 'lu en partie, ou pas du tout',
  'report.status.ok': () => 'lu',
  'report.col.path': () => 'Chemin',
  'report.col.kind': () => 'Type',
  'report.col.size': () => 'Taille',
  'report.col.sha256': () => 'SHA-256',
  'report.col.completed': () => 'Ingestion terminée',
  'report.col.item': () => 'Élément',
  'report.col.status': () => 'État',
  'report.col.reason': () => 'Raison',
  'report.col.verdict': () => 'Verdict',
  'report.col.count': () => 'Nombre',
  'report.col.month': () => 'Mois',
  'report.col.source': () => 'Source',
  'report.col.domain': () => 'Domaine signataire',
  'report.col.date': () => 'Date',
  'report.col.from': () => 'Expéditeur',
  'report.col.subject': () => 'Objet',
  'report.col.what-failed': () => 'Ce qui a échoué',
  'report.col.why': () => 'Pourquoi',
  'report.col.document': () => 'Document',
  'report.col.rule': () => 'Règle',
  'report.col.severity': () => 'Gravité',
  'report.col.finding': () => 'Constat',
  'report.col.evidence': () => 'Éléments de preuve',
  'report.col.key': () => 'Clé',
  'report.col.messages': () => 'Courriels',
  'report.col.dates': () => 'Dates',
  'report.col.keys-from': () => 'Provenance de la clé',
  'report.col.tool': () => 'Outil',
  'report.col.analyser': () => 'Analyse',
  'report.col.version': () => 'Version',
  'report.col.total': () => 'Total',
  'report.chart.no-date': () => 'sans date',
  'report.chart.emails': () => 'courriels',
};
