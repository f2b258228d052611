// French words for verification: the codes of messages/en/verify.ts (verdict.*, signature.*, key.*,
// arc.*, flag.*, repair.*, caveat.standing). "verifies" is « passe la vérification », a body hash is
// an « empreinte du corps », an ARC hop an « étape ». A quoted code the French side lacks is shown
// in English rather than dropped.
import { nested, nestedList } from '../../../verify/codes.ts';
import type { Coded, Messages, Param, Params } from '../../catalogue.ts';
import { cap, enVerify } from '../en/verify.ts';
import { frReport } from './report.ts';

const list = (v: Param | Param[] | undefined): Param[] => (Array.isArray(v) ? v : []);

/** The words for a code quoted inside another; an unknown code is shown as render shows it. */
function words(c: Coded | null): string {
  if (!c) return '';
  const template = frVerify[c.code] ?? enVerify[c.code];
  if (template) return template(c.params ?? {});
  return `${c.code}${c.params ? ` ${JSON.stringify(c.params)}` : ''}`;
}

const joined = (p: Params, key: string): string => nestedList(p, key).map(words).join(' ; ');

// ------------------------------------------------------------------------------------------------
// A signature named in a message's reasons: index (0-based), domain, selector; with result and
// reason (nested) when the reason quotes the signature's own result.

const KINDS: Record<string, string> = {
  domainkeys: 'signature DomainKeys',
  'dkim-draft': 'signature DKIM (brouillon)',
};
export const label = (p: Params): string =>
  `${KINDS[String(p.kind)] ?? 'signature'} n° ${Number(p.index) + 1} (${p.domain || '?'}, sélecteur ${p.selector || '?'})`;

/** A verdict name (verify/types.ts VERDICTS) in words, from report.ts's verdict-name.*; the code stays as it is. */
export const verdictWords = (v: Param | Param[] | undefined): string =>
  frReport[`verdict-name.${v}`]?.({}) ?? String(v);

/** A signature's result (SignatureResult, a code in English) in words; an unknown one as itself. */
const RESULTS: Record<string, string> = {
  pass: 'valide',
  'fail-body': 'corps modifié',
  'fail-header': 'en-têtes modifiés',
  'no-key': 'pas de clé',
  'key-revoked': 'clé révoquée',
  invalid: 'invalide',
};
const signatureSummary = (p: Params): string =>
  `${label(p)} : ${RESULTS[String(p.result)] ?? p.result} — ${words(nested(p, 'reason'))}`;

const repairText = (name: Param | Param[] | undefined): string =>
  frVerify[`repair.${name}`]?.({}) ?? String(name);

/** An ISO instant as a reader writes it: `2017-05-05 14:03 UTC` (seconds when they matter). */
export function when(v: Param | Param[] | undefined): string {
  const s = typeof v === 'string' ? v : '';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?/.exec(s);
  if (!m) return s || 'une heure inconnue';
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ':00' ? m[3] : ''} UTC`;
}

/** Which time a message was judged at, in words (after « à »). */
const judgedAt = (p: Params): string =>
  p.atSource === 'given'
    ? `l’heure indiquée (${when(p.at)})`
    : `l’heure du message lui-même (${when(p.at)}, tirée de ${AT_SOURCES[String(p.atSource)] ?? 'ses en-têtes'})`;

const AT_SOURCES: Record<string, string> = {
  signature: 'sa plus ancienne heure de signature t=',
  date: 'son en-tête Date',
  received: 'son plus ancien en-tête Received',
};

/** Where the key archive saw a key: « du … au … », « à partir du … », « jusqu’au … ». */
function seen(first: Param | Param[] | undefined, last: Param | Param[] | undefined): string {
  if (first && last) return `du ${when(first)} au ${when(last)}`;
  if (first) return `à partir du ${when(first)}`;
  return last ? `jusqu’au ${when(last)}` : '';
}

const verdicts: Messages = {
  'verdict.unsigned': () =>
    'Le message ne porte aucune signature DKIM (ni DomainKeys) : rien ne permet de confirmer qui l’a envoyé ni qu’il est intact.',
  'verdict.valid': (p) =>
    `La ${label(p)} est valide : ${p.domain} a signé ces en-têtes et ${p.partial ? 'le début de ce corps' : 'ce corps'} (${p.bits ? `clé ${p.keyType} de ${p.bits} bits` : 'clé archivée'}, source : ${p.keySource ?? 'l’archive de clés'}).`,
  'verdict.repair-caveat': (p) =>
    `Des dégâts d’export ont été réparés avant que la signature soit validée : ${repairText(p.repair)}.`,
  'verdict.repair-storage': (p) =>
    `Enregistré à la manière des dossiers de courrier, ce qui a été annulé avant la vérification (ce n’est pas une modification du contenu) : ${repairText(p.repair)}.`,
  'verdict.flag-caveat': (p) => `${cap(words(nested(p, 'flag')))}.`,
  'verdict.shown-header-not-signed': (p) =>
    `La ${label(p)} est valide, mais pas sur l’en-tête ${headerLabel(p.header)} que voit un lecteur : les logiciels de messagerie affichent celui du haut, « ${p.shown} », qui n’est pas signé ; la signature couvre un autre en-tête ${headerLabel(p.header)} plus bas, « ${p.signed} ». Le message tel qu’il s’affiche n’est pas celui que ${p.domain} a signé.`,
  'verdict.expired': (p) =>
    `L’échéance de la signature (x=, ${when(p.expiration)}) était dépassée à ${judgedAt(p)}.`,
  'verdict.signed-after-judged': (p) =>
    `La signature dit avoir été faite le ${when(p.timestamp)} (t=), après ${judgedAt(p)} : une signature ne peut pas exister avant d’avoir été faite, donc soit son t=, soit cette heure est fausse.`,
  'verdict.key-newer-than-message': (p) =>
    `Le message est daté du ${when(p.dated)}, mais le nom de sa clé de signature (sélecteur ${p.selector}) indique une clé créée en ${p.keyDate} : l’en-tête Date est faux, ou le message a été signé plus tard qu’il ne le prétend (un rejeu, ou un message antidaté envoyé depuis un vrai compte).`,
  'verdict.body-length-nothing-appended': (p) =>
    `La signature ne couvre que les ${p.length} premiers octets du corps (l=) : n’importe qui pourrait ajouter du texte en dessous sans la casser. Ici, rien ne suit la partie signée.`,
  'verdict.key-archive-window': (p) =>
    `Pour information : l’archive de clés a vu ${p.name} ${seen(p.firstSeen, p.lastSeen)} (les archives commencent à observer les clés longtemps après leur création : ce n’est pas une réserve).`,
  'verdict.other-signature-fails': (p) =>
    `Une autre signature ne passe pas la vérification — ${signatureSummary(p)}.`,
  'verdict.arc-explains-other': () =>
    'Une chaîne ARC est valide : un intermédiaire (liste de diffusion, service de transfert) se porte garant de ce qu’il a reçu, ce qui peut expliquer pourquoi l’autre signature a été cassée.',
  'verdict.rebuilt-still-valid': (p) =>
    `Les octets ont été reconstitués (${p.rebuiltFrom}), et pourtant la signature passe toujours la vérification.`,
  'verdict.also': (p) => `Également : ${signatureSummary(p)}.`,
  'verdict.signature': (p) => `${cap(signatureSummary(p))}.`,
  'verdict.no-date': () =>
    'Aucune date trouvée dans le message : l’échéance de la signature n’a pas été évaluée.',
  'verdict.judged-at-given': (p) => `Évalué à la date du ${p.at} (heure indiquée par l’utilisateur).`,
  'verdict.forgeable-disclosed': (p) =>
    `La ${label(p)} passe la vérification, mais ne prouve rien : sa clé privée a été publiée le ${p.disclosed} (${p.disclosureSource}), donc n’importe qui a pu la produire depuis. Elle garde sa valeur s’il est établi que le message existait avant cette date (par exemple si la fuite était publique plus tôt).`,
  'verdict.forgeable-weak': (p) =>
    `La ${label(p)} passe la vérification, mais ne prouve rien : sa clé ne fait que ${p.bits ?? '?'} bits, une taille qui se factorise à peu de frais, donc n’importe qui a pu la produire après coup.`,
  'verdict.rebuilt': (p) =>
    `Le message a été reconstitué à partir de ${p.rebuiltFrom} au lieu d’être conservé octet pour octet ; DKIM signe des octets exacts, donc ses signatures ne peuvent pas être vérifiées et leur échec ne prouve pas une falsification.`,
  'verdict.body-altered': (p) =>
    `${cap(label(p))} : en-têtes authentiques, corps altéré — les en-têtes signés sont intacts mais le corps diffère de ce que ${p.domain} a signé.`,
  'verdict.body-altered-forgeable-key': (p) =>
    `${cap(label(p))} : le corps diffère de ce que ${p.domain} a signé ; la signature des en-têtes passe la vérification, mais avec une clé que n’importe qui a pu utiliser, donc elle ne prouve rien non plus sur les en-têtes.`,
  'verdict.body-and-headers-fail': (p) =>
    `${cap(label(p))} : le corps diffère de ce que ${p.domain} a signé, et la signature des en-têtes ne passe pas non plus la vérification.`,
  'verdict.header-changed': (p) =>
    `${cap(label(p))} : le corps est tel que signé, mais un en-tête signé (${list(p.signedHeaders).join(', ')}) a été modifié, ou la clé archivée n’est pas celle utilisée à l’époque.`,
  'verdict.arc-explains-change': () =>
    'Une chaîne ARC est valide : un intermédiaire (liste de diffusion, service de transfert) se porte garant de ce qu’il a reçu, ce qui peut expliquer la modification.',
  'verdict.no-known-damage': () =>
    'Aucun dégât d’export connu (fins de ligne, échappement mbox, en-têtes ajoutés, espaces) ne l’explique.',
  'verdict.revoked-not-forgery': () =>
    'Une clé révoquée signifie que le domaine l’a retirée plus tard (en général par rotation) ; ce n’est pas une preuve de falsification.',
  'verdict.none-checkable': () => 'Aucune signature de ce message ne peut être vérifiée.',
  'verdict.too-many-signatures': (p) =>
    `Le message porte ${p.count} signatures DKIM ; seules les ${p.checked} premières ont été vérifiées. Autant de signatures n’est pas normal pour un courriel : cela semble fait pour ralentir les vérificateurs.`,
  'verdict.header-block-too-long': (p) => headerBlockTooLong(p),
  'verdict.signed-header-block-too-long': (p) =>
    `Signé, mais les signatures n’ont pas été vérifiées. ${headerBlockTooLong(p)}`,
};

function headerBlockTooLong(p: Params): string {
  return `Le bloc d’en-têtes compte ${p.lines} lignes (un vrai courriel en a des dizaines, rarement des centaines) ; il n’a pas été lu plus loin, car un bloc de cette taille est fait pour bloquer les vérificateurs.`;
}

// ------------------------------------------------------------------------------------------------

const DNS_FAILURES: Record<string, string> = {
  ENOTFOUND: 'le domaine a répondu qu’aucune clé de ce nom n’existe (NXDOMAIN)',
  ETIMEOUT: 'la recherche de la clé n’a pas abouti à temps',
  ESERVFAIL: 'les serveurs DNS du domaine ont échoué (SERVFAIL)',
};

/** signature.pass and signature.pass-repaired: record/records (1-based, of), disclosed and its source. */
function passed(p: Params): string {
  const which =
    Number(p.records) > 1 ? ` (l’enregistrement archivé ${p.record} sur ${p.records} correspond)` : '';
  const repairs = list(p.repairs);
  const repaired = repairs.length ? ` après réparation de dégâts d’export : ${repairs.join(', ')}` : '';
  const disclosed = p.disclosed
    ? ` ; mais sa clé privée a été publiée le ${p.disclosed} (${p.disclosureSource})`
    : '';
  return `signature valide de ${p.domain}${which}${repaired}${disclosed}`;
}

/** « aucune des N clés archivées pour <nom> ne correspond » when several keys were tried, else null. */
const triedKeys = (p: Params): string | null =>
  Number(p.keys) > 1 ? `aucune des ${p.keys} clés archivées pour ${p.name} ne correspond` : null;

const signatures: Messages = {
  'signature.unchecked': () => 'la signature n’a pas été vérifiée',
  'signature.incomplete': (p) =>
    `la signature est incomplète (il manque ${list(p.missing)
      .map((t) => `${t}=`)
      .join(', ')})`,
  'signature.malformed': () => 'le champ de signature est mal formé',
  'signature.unknown-version': (p) => `la signature déclare une version de DKIM inconnue (v=${p.version})`,
  'signature.unknown-query': (p) => `la signature demande sa clé par une méthode inconnue (q=${p.query})`,
  'signature.unsupported-algorithm': (p) =>
    `la signature utilise un algorithme non pris en charge (${p.algorithm || 'aucun'})`,
  'signature.unknown-canonicalization': (p) =>
    `la signature utilise une canonicalisation inconnue (${p.canonicalization})`,
  'signature.from-not-signed': () =>
    'la signature ne couvre pas l’en-tête From, donc elle ne dit rien de l’expéditeur',
  'signature.invalid-length': () => 'la signature a une longueur de corps invalide (l=)',
  'signature.expires-before-made': () => 'la signature expire (x=) avant d’avoir été faite (t=)',
  'signature.identity-outside-domain': (p) =>
    `l’identité de la signature (i=${p.identity}) est hors de son domaine de signature (${p.domain}), ce qui la rend invalide`,
  'signature.invalid-name': () => 'la signature désigne un domaine ou un sélecteur invalide',
  'signature.lookup-error': (p) => `la clé de ${p.name} n’a pas pu être recherchée (${p.error})`,
  'signature.no-key-dns': (p) =>
    `pas de clé : ${DNS_FAILURES[String(p.failure)] ?? p.failure} lors de la recherche de ${p.name}`,
  'signature.no-key': (p) => `pas de clé pour ${p.name} dans l’archive de clés`,
  'signature.key-revoked': (p) =>
    `la clé ${p.name} a été révoquée (publiée vide) — révoquée plus tard, ce n’est pas une preuve de falsification`,
  'signature.no-usable-key': (p) => `aucune clé utilisable : ${joined(p, 'problems')}`,
  'signature.pass': passed,
  'signature.pass-repaired': passed,
  'signature.fail-body-headers-authentic': (p) =>
    `en-têtes authentiques, corps altéré : l’empreinte du corps calculée (${p.computed}) ne correspond pas à celle qui est signée (bh=${p.expected})`,
  'signature.fail-body-forgeable-key': (p) =>
    `corps altéré : l’empreinte du corps calculée (${p.computed}) ne correspond pas à celle qui est signée (bh=${p.expected}) ; la signature des en-têtes passe la vérification, mais sa clé est falsifiable, donc cela ne prouve rien`,
  'signature.malformed-tag': (p) =>
    `la valeur ${p.tag}= de la signature n’est pas ${p.tag === 'bh' ? 'une empreinte de corps de la bonne taille' : 'du base64 valide'} : la signature est cassée (tronquée ou abîmée), ce qui ne dit rien du message`,
  'signature.fail-body': (p) => {
    const tried = triedKeys(p);
    return `le corps ne correspond pas à l’empreinte signée, et la signature des en-têtes ne passe pas non plus la vérification${tried ? ` (${tried})` : ''}`;
  },
  'signature.fail-header': (p) => {
    const tried = triedKeys(p);
    return `le corps est tel que signé, mais la signature des en-têtes ne passe pas la vérification : un en-tête signé a été modifié${tried ? `, ou ${tried}` : ', ou la clé archivée n’est pas celle en usage à l’époque'}`;
  },
};

const keys: Messages = {
  'key.revoked': () => 'la clé a été révoquée (p= vide)',
  'key.malformed': () => 'l’enregistrement de clé est mal formé',
  'key.signature-size': (p) =>
    `la signature fait ${Number(p.bytes) * 8} bits, pas la taille de cette clé de ${p.keyBits} bits : elle a été tronquée ou abîmée, ou faite avec une autre clé — ce n’est pas la preuve d’un en-tête modifié`,
  'key.ed25519-length': () => 'la clé ed25519 n’est pas la clé de 32 octets qu’exige la RFC 8463',
  'key.unknown-version': () => 'l’enregistrement de clé a une version inconnue (v=)',
  'key.unknown-type': () => 'l’enregistrement de clé contient une clé de type inconnu ou discordant (k=)',
  'key.no-public-key': () => 'l’enregistrement de clé ne contient aucune clé publique valide',
  'key.hash-not-allowed': () =>
    'le h= de l’enregistrement de clé n’autorise pas l’algorithme de hachage de cette signature',
  'key.not-for-email': () => 'l’enregistrement de clé n’est pas destiné au courriel (s=)',
  'key.unusable': (p) => `l’enregistrement de clé n’a pas pu être utilisé (${p.error})`,
  'key.type-mismatch': (p) => `la clé archivée est de type ${p.keyType}, la signature en ${p.signAlgo}`,
  'key.no-subdomains': () => 'la clé interdit de signer pour des sous-domaines (t=s), mais i= en désigne un',
  'key.granularity': (p) =>
    `la clé est réservée (g=${p.granularity}) à d’autres expéditeurs que i=${p.identity ?? '(aucun)'}`,
};

// ------------------------------------------------------------------------------------------------

/** ` (<domain>)` after a hop number when the hop's seal names one. */
const who = (p: Params): string => (p.domain ? ` (${p.domain})` : '');
/** ` : <notes>` when there are notes. */
const notes = (p: Params): string => (joined(p, 'notes') ? ` : ${joined(p, 'notes')}` : '');

const arc: Messages = {
  'arc.none': () => 'aucun jeu ARC',
  'arc.chain-valid': (p) => `la chaîne de ${p.hops} étape${Number(p.hops) === 1 ? '' : 's'} est valide`,
  'arc.hop-cv-fail': (p) =>
    `l’étape ${p.instance}${who(p)} a scellé avec cv=fail : elle a trouvé la chaîne déjà cassée quand elle a reçu le message`,
  'arc.hop-cv-unexpected': (p) =>
    `l’étape ${p.instance}${who(p)} a cv=${p.cv || '(vide)'}, alors que cv=${p.instance === 1 ? 'none' : 'pass'} était attendu`,
  'arc.seal-fails': (p) =>
    `l’ARC-Seal de l’étape ${p.instance}${who(p)} ne passe pas la vérification${notes(p)}`,
  'arc.ams-fails': (p) =>
    `la plus récente ARC-Message-Signature (étape ${p.instance}${p.domain ? `, ${p.domain}` : ''}) ne passe pas la vérification${notes(p)}`,
  'arc.key-unavailable': (p) =>
    `impossible de vérifier ${p.part === 'ams' ? 'l’ARC-Message-Signature' : 'l’ARC-Seal'} de l’étape ${p.instance}${who(p)} : ${joined(p, 'notes')}. Ce n’est une preuve ni dans un sens ni dans l’autre : importer la clé et vérifier à nouveau`,
  'arc.unreadable-field': (p) => {
    const s = Number(p.count) === 1 ? '' : 's';
    return `${p.count} champ${s} d’en-tête ARC illisible${s} (syntaxe des balises ou numéro d’instance cassés), ce qui casse la chaîne`;
  },
  'arc.instance-gap': (p) => `les jeux ARC ne sont pas numérotés 1, 2, 3… : l’instance ${p.missing} manque`,
  'arc.set-malformed': (p) =>
    `le jeu ARC de l’étape ${p.instance} est mal formé : ${words(nested(p, 'problem'))}`,
  'arc.tags-invalid': (p) => {
    const tag = p.tag ? `${p.tag}=` : '';
    const problems: Record<string, string> = {
      syntax: 'sa liste de balises est mal formée',
      duplicate: `il contient ${tag} deux fois`,
      missing: `${tag} est absent ou vide`,
      number: `${tag} n’est pas un nombre de taille autorisée`,
      name: `${tag} n’est pas un nom de domaine ou de sélecteur valide`,
      'seal-h': 'un ARC-Seal ne doit pas porter h=',
    };
    return problems[String(p.problem)] ?? String(p.problem);
  },
  'arc.undated': (p) => {
    const note = 'évalué à l’heure actuelle : le message ne porte aucune date';
    const reason = nested(p, 'reason');
    return reason ? `${words(reason)} ; ${note}` : note;
  },
  'arc.error': (p) => `ARC non vérifié : ${p.error}`,
  // notes on the chain verdict
  'arc.ams-no-c': () =>
    'l’AMS la plus récente n’a pas de c= : vérifiée en relaxed/relaxed (brouillons ARC), pas en simple/simple (RFC 6376)',
  'arc.ams-no-from': () =>
    'l’AMS la plus récente ne signe pas From : elle ne garantit que l’intégrité du message',
  // keys of seals and AMSs
  'arc.key-type-mismatch': (p) => `la clé ${p.name} est de type ${p.keyType}, la signature en ${p.signAlgo}`,
  'arc.weak-key-verifies': (p) =>
    `la signature passe la vérification, mais avec une clé de ${p.bits} bits (moins de ${p.min} bits : non valide, RFC 8301)`,
  'arc.signature-fails': () => 'la signature ne passe pas la vérification',
  'arc.key-forgeable': (p) => `clé RSA de ${p.bits} bits : falsifiable`,
  'arc.key-weak': (p) => `clé RSA de ${p.bits} bits : faible`,
  'arc.alternate-record': (p) => `vérifiée avec l’enregistrement archivé provenant de ${p.source}`,
  'arc.unusable-key': () => 'clé inutilisable',
  // a hop's ARC-Seal
  'arc.seal-missing': (p) => `pas d’ARC-Seal pour l’instance ${p.instance}`,
  'arc.seal-unsupported-algorithm': (p) => `algorithme de sceau non pris en charge a=${p.algorithm}`,
  'arc.set-incomplete': (p) => `un jeu ARC jusqu’à l’instance ${p.instance} est incomplet`,
  'arc.seal-signs-whole-chain': () =>
    'le sceau cv=fail signe toute la chaîne, pas seulement son propre jeu (RFC 8617 5.1.2)',
  'arc.seal-signature-fails': () => 'la signature du sceau ne passe pas la vérification',
  'arc.seal-reports-broken': () => 'cette étape signale que la chaîne qu’elle a reçue était cassée (cv=fail)',
  'arc.seal-time-after': (p) =>
    p.against === 'given'
      ? `le sceau dit avoir été fait (t=) après l’heure indiquée (${when(p.at)})`
      : `le sceau dit avoir été fait (t=) plus de 15 minutes après la dernière réception du message (${when(p.at)})`,
  // a hop's ARC-Message-Signature
  'arc.ams-missing': (p) => `pas d’ARC-Message-Signature pour l’instance ${p.instance}`,
  'arc.ams-unsupported-algorithm': (p) => `algorithme non pris en charge a=${p.algorithm}`,
  'arc.ams-unknown-canonicalization': (p) => `canonicalisation inconnue c=${p.canonicalization}`,
  'arc.ams-signs-seal': () => 'h= cite ARC-Seal, qu’une AMS ne doit pas signer (RFC 8617 4.1.2)',
  'arc.ams-from-unsigned': () => 'From n’est pas signé (permis pour une AMS, pas pour DKIM)',
  'arc.ams-canonicalization-default': (p) => `pas de balise c= : vérifiée en ${p.canonicalization}`,
  'arc.ams-body-changed': () =>
    'corps modifié après la signature de cette étape (empreinte du corps discordante)',
  'arc.ams-expired': () => 'signature expirée (x=) avant l’heure de vérification',
  'arc.ams-headers-changed': () =>
    'des champs d’en-tête signés ont été modifiés après la signature de cette étape',
  'arc.ams-body-mismatch-other': () => 'empreinte du corps discordante sous une autre canonicalisation',
  'arc.duplicate-field': (p) => `plus d’un ${p.field} avec i=${p.instance}`,
};

// ------------------------------------------------------------------------------------------------

/** The headers verify/flags.ts watches are named as written in mail: From, Subject, Date, To, Cc. */
const WATCHED = new Set(['from', 'subject', 'date', 'to', 'cc']);
const headerLabel = (name: Param | Param[] | undefined): string => {
  const s = String(name ?? '');
  return WATCHED.has(s) ? cap(s) : s;
};

/** Flags are kept as written (`weak-key:1024`); verify/flags.ts's flagCoded gives their code and value. */
const flags: Messages = {
  'flag.weak-key': (p) =>
    p.value === 'forgeable'
      ? 'la clé fait moins de 1024 bits : de telles clés ont été factorisées à peu de frais, n’importe qui aurait pu falsifier cette signature'
      : 'la clé fait 1024 bits (moins de 2048) : faible selon les normes actuelles, mais pas réputée cassée pour DKIM',
  'flag.key-disclosed': () =>
    'la clé privée a été publiée par la suite, donc n’importe qui aurait pu faire cette signature',
  'flag.rsa-sha1': () => 'signée en rsa-sha1, algorithme obsolète (RFC 8301) et plus faible que sha256',
  'flag.body-length-limit': (p) =>
    p.value === '0'
      ? 'la signature ne couvre qu’une longueur de corps déclarée (l=) ; ici elle couvre tout le corps'
      : `la signature ne couvre que le début du corps (l=) : les ${p.value} derniers octets ne sont PAS signés et n’importe qui a pu les ajouter`,
  'flag.unsigned-header': (p) =>
    `l’en-tête ${headerLabel(p.value)} n’est pas couvert par la signature et a pu être modifié`,
  'flag.duplicate-header': (p) =>
    `le message a plus d’en-têtes ${headerLabel(p.value)} que la signature n’en couvre : un en-tête supplémentaire, non signé, a pu être inséré`,
  'flag.not-aligned': () =>
    'le domaine signataire n’est pas celui du From : il prouve quel serveur a envoyé le message, pas qui en est l’auteur',
  'flag.bad-identity': () => 'l’identité i= de la signature est hors de son domaine de signature',
  'flag.expired': () =>
    'la date d’expiration de la signature (x=) était déjà passée à l’heure où elle a été évaluée',
  'flag.signed-after-judged': () =>
    'l’heure de la signature (t=) est postérieure à l’heure où le message a été évalué : une signature ne peut pas exister avant d’avoir été faite',
  'flag.key-newer-than-message': (p) =>
    `le nom de la clé de signature porte une date (${p.value}) postérieure à la date du message lui-même : l’en-tête Date est faux, ou le message a été signé plus tard`,
  'flag.shown-header-unsigned': (p) =>
    `l’en-tête ${headerLabel(p.value)} que voit un lecteur (celui du haut) n’est pas signé ; la signature couvre un autre en-tête ${headerLabel(p.value)} plus bas`,
  'flag.signed-after-receipt': (p) =>
    `l’heure de la signature (t=) est postérieure à l’horodatage d’un serveur de réception (de plus de ${p.minutes} minutes)`,
  'flag.key-testing': () => 'la clé était marquée « en test » (t=y) par le domaine',
};

const repairs: Messages = {
  'repair.lf-to-crlf': () =>
    'les fins de ligne avaient été converties de CRLF en LF (export Unix) ; reconverties',
  'repair.final-crlf': () => 'le saut de ligne final avait été supprimé ; rétabli',
  'repair.mboxrd-unescape': () =>
    'le mbox (mboxrd) avait échappé les lignes du corps commençant par « From » en « >From » (et « >From » en « >>From ») ; échappement annulé',
  'repair.mboxo-unescape': () =>
    'le mbox (mboxo) avait échappé les lignes du corps commençant par « From » en « >From » ; échappement annulé',
  'repair.trailing-whitespace': () =>
    'des espaces ou des tabulations avaient été ajoutés en fin de ligne dans le corps ; supprimés',
  'repair.takeout-headers': () =>
    'Gmail Takeout avait ajouté des en-têtes X-GM-THRID / X-Gmail-Labels ; supprimés',
};

export const frVerify: Messages = {
  ...verdicts,
  ...signatures,
  ...keys,
  ...arc,
  ...flags,
  ...repairs,
  'caveat.standing': () =>
    'Une signature valide prouve seulement que le domaine signataire a envoyé ces en-têtes signés et ce corps ; ' +
    'elle ne prouve pas que le contenu est vrai, ni qui a reçu ou lu le message (un message signé peut être ' +
    'renvoyé), ni que la boîte aux lettres n’était pas un leurre, ni que les en-têtes non signés (Received, souvent To/Cc) sont authentiques.',
};
