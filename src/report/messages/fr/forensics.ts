// French words for the forensic rules' findings: the codes of messages/en/forensics.ts. Each says
// what the signal shows and what it does not: a finding is evidence for a person to weigh. Sentences
// about a date are built so that nothing agrees with the field's gender (« tombe après »).
import type { Messages, Param, Params } from '../../catalogue.ts';
import { cap } from '../en/verify.ts';
import { verdictWords, when } from './verify.ts';

type Value = Param | Param[] | undefined;

const list = (v: Value): Param[] => (Array.isArray(v) ? v : []);
const quoted = (v: Value): string => `« ${String(v ?? '')} »`;
/** French counts 0 and 1 in the singular. */
const plural = (n: Value, one: string, many: string): string =>
  `${n} ${Math.abs(Number(n)) < 2 ? one : many}`;

const FIELDS: Record<string, string> = {
  modified: 'date de dernier enregistrement',
  created: 'date de création',
  printed: 'date de dernière impression',
  'EXIF DateTimeOriginal': 'date de prise de vue de la photo (EXIF)',
  'EXIF CreateDate': 'date de numérisation de la photo (EXIF)',
  'EXIF ModifyDate': 'date de modification de la photo (EXIF)',
};

/** A date field with its possessive (`XMP 2 ModifyDate` → « son champ ModifyDate du paquet… »). */
function its(v: Value): string {
  const name = String(v ?? '');
  const xmp = /^XMP (\d+) (\w+)$/.exec(name);
  if (xmp) return `son champ ${xmp[2]} du paquet de métadonnées XMP ${xmp[1]}`;
  return FIELDS[name] ? `sa ${FIELDS[name]}` : `son champ ${name}`;
}

/** A date as written, with a word when it gave no time zone. */
const written = (p: Params): string =>
  `${quoted(p.written)}${p.zoned === false ? ' (valeur écrite sans fuseau horaire ; même lue au plus tôt, elle reste postérieure)' : ''}`;

const LANGUAGES: Record<string, string> = {
  en: 'anglais',
  fr: 'français',
  de: 'allemand',
  es: 'espagnol',
  it: 'italien',
  pt: 'portugais',
  nl: 'néerlandais ou suédois',
  ru: 'russe (ou une autre langue en écriture cyrillique)',
  uk: 'ukrainien',
  pl: 'polonais',
  hu: 'hongrois',
  cs: 'tchèque ou slovaque',
  da: 'danois ou norvégien',
  fi: 'finnois',
  tr: 'turc',
  el: 'grec',
  western: 'Europe de l’Ouest',
  cyrillic: 'cyrillique',
  'central-european': 'Europe centrale',
  greek: 'grec',
  turkish: 'turc',
  hebrew: 'hébreu',
  arabic: 'arabe',
  baltic: 'balte',
  vietnamese: 'vietnamien',
  thai: 'thaï',
  japanese: 'japonais',
  'chinese-simplified': 'chinois simplifié',
  'chinese-traditional': 'chinois traditionnel',
  korean: 'coréen',
};
const language = (v: Param): string => LANGUAGES[String(v)] ?? String(v);

/** The Unicode script names analysers/rules/names.ts gives (`Cyrillic`), as French names them. */
const SCRIPTS: Record<string, string> = {
  Latin: 'latine',
  Cyrillic: 'cyrillique',
  Greek: 'grecque',
  Arabic: 'arabe',
  Hebrew: 'hébraïque',
  Han: 'chinoise (han)',
  Hiragana: 'hiragana',
  Katakana: 'katakana',
  Hangul: 'coréenne (hangeul)',
  Armenian: 'arménienne',
  Georgian: 'géorgienne',
  Thai: 'thaïe',
  Devanagari: 'devanagari',
};
const script = (v: Param | Param[] | undefined): string => SCRIPTS[String(v)] ?? String(v);

const LOCALE_SIGNALS: Record<string, string> = {
  compobj: 'le nom que le programme Office donne au type de fichier est écrit en',
  'code-page': 'le jeu de caractères (page de code) est de type',
  'sheet-names': 'les noms de feuille par défaut sont en',
  language: 'le texte est déclaré en',
};

function localeSignals(p: Params): string {
  const kinds = list(p.kinds);
  const locales = list(p.locales);
  const values = list(p.values);
  return kinds
    .map((kind, i) => {
      const what = LOCALE_SIGNALS[String(kind)] ?? String(kind);
      const detail = kind === 'code-page' ? `page de code ${values[i]}` : quoted(values[i]);
      return `${what} ${language(locales[i] ?? '')} (${detail})`;
    })
    .join(' ; ');
}

const PERSON_FIELDS: Record<string, string> = {
  author: 'auteur',
  lastModifiedBy: 'auteur de la dernière modification',
};
/** A person named in the file, after « son ». */
const person = (p: Params): string =>
  `${PERSON_FIELDS[String(p.field)] ?? `champ ${String(p.field)}`} ${quoted(p.name)}`;

const SCRIPT_BASELINE: Record<string, string> = {
  roster:
    'aux noms des personnes de l’organisation (expéditeurs de courriels authentiques et auteurs de ce qu’ils ont envoyé)',
  documents:
    'aux noms que donnent les documents du dossier d’enquête (aucun courriel authentique ne donne la liste des personnes de l’organisation)',
};
const LOCALE_BASELINE: Record<string, string> = {
  'authentic-documents': 'de ceux des documents que portent les courriels authentiques',
  'case-documents':
    'de ceux de la plupart des documents du dossier d’enquête (aucun document porté par un courriel authentique ne montre ce réglage)',
};

const CHANGES: Record<string, string> = {
  'Info/Author': 'l’auteur',
  'Info/Title': 'le titre',
  'Info/Subject': 'le sujet',
  'Info/CreationDate': 'la date de création',
  'Info/Creator': 'le programme désigné comme créateur',
  pages: 'les pages',
  'page-content': 'le contenu des pages',
};

const anachronism = (p: Params): string =>
  `${quoted(p.value)} (${p.where === 'font' ? '' : `${p.where} : `}${p.release}, première sortie le ${p.released}), mais ${its(p.field)} est ${quoted(p.written)}. ${
    p.field === 'created'
      ? 'Seule la date de création est antérieure, et « Enregistrer sous » comme les conversions la reprennent d’un fichier plus ancien : un contexte, pas une preuve.'
      : 'Un fichier ne peut pas avoir été enregistré pour la dernière fois avec quelque chose qui n’existait pas encore : soit ses dates ont été modifiées, soit il a été fait plus tard qu’il ne le dit. Des préversions circulent dans les mois qui précèdent une sortie, donc une date proche de celle-ci pèse moins.'
  }`;

export const frForensics: Messages = {
  'forensics.modified-after-carrier': (p) =>
    `${cap(its(p.field))} ${written(p)} tombe après le courriel qui le porte (élément ${p.carrier}, date : ${when(p.carrierDate)}${p.verdict ? `, DKIM : ${verdictWords(p.verdict)}` : ''})${Number(p.others) > 0 ? `, de même que ${plural(p.others, 'autre date', 'autres dates')} du fichier` : ''}. Le fichier était dans ce courriel lors de son envoi, il ne peut donc pas avoir été enregistré plus tard : soit une horloge était très fausse, soit ce fichier a été modifié ou fabriqué après coup. Cela ne montre pas qui l’a fait.`,
  'forensics.after-cutoff': (p) =>
    `${cap(its(p.field))} ${written(p)} tombe après la date limite du dossier d’enquête (${when(p.cutoff)}, ${p.source === 'given' ? 'la date indiquée pour l’extraction des données' : 'le plus récent courriel authentique du dossier'}). ${
      p.loose
        ? p.source === 'given'
          ? 'Rien de ce qui a été extrait ne devrait être daté plus tard : ce fichier a été modifié ou ajouté après coup, ou la date limite est fausse.'
          : 'Des fichiers peuvent avoir été pris après la boîte aux lettres : pour que ce signal pèse, il faut la date de l’extraction des données (--cutoff).'
        : 'Un courriel le porte : comparer d’abord avec la date de ce courriel.'
    }`,
  'forensics.edit-burst': (p) =>
    `Dernier enregistrement de ${plural(p.documents, 'document différent', 'documents différents')} en moins de ${plural(p.minutes, 'minute', 'minutes')} (de ${quoted(p.first)} à ${quoted(p.last)}${p.zoned === false ? ', heures écrites sans fuseau horaire, comparées telles quelles' : ''}) ${
      p.by === 'editor'
        ? `par le même auteur de la dernière modification, ${quoted(p.editor)}. Des fichiers sans rapport enregistrés ensemble par une seule personne, c’est la marque d’un lot préparé pour une fuite ; cela ne montre pas qui est cette personne (un nom peut être placé là exprès).`
        : `par le même programme avec les mêmes réglages de langue (${quoted(p.application)}). Une conversion en masse ou un « tout enregistrer » en fait autant : il faut un autre signal pour que celui-ci pèse.`
    }`,
  'forensics.unknown-author': (p) =>
    `Son ${person(p)} ne figure pas parmi ${Number(p.roster) === 1 ? 'le seul nom ou adresse connu' : `les ${p.roster} noms et adresses connus`} de l’organisation (expéditeurs de courriels authentiques et auteurs des documents qu’ils portent). ${
      p.authenticated
        ? 'Un courriel authentique le porte, il est donc entré ou sorti tel quel : des documents de personnes extérieures sont joints en permanence.'
        : 'Les documents de personnes extérieures, et les identifiants de connexion en guise de nom d’auteur, sont courants : il faut un autre signal pour que celui-ci pèse.'
    }`,
  'forensics.foreign-script': (p) =>
    `Son ${person(p)} est écrit en écriture ${script(p.script)}, contrairement ${SCRIPT_BASELINE[String(p.baseline)] ?? 'aux noms de l’organisation'} (${list(p.expected).map(script).join(', ')}). Cela montre que le fichier a été touché par quelqu’un dont le nom s’écrit dans cette écriture, sans doute hors de l’organisation ; cela ne montre pas qui : un nom peut être placé là exprès.${p.authenticated ? ' Un courriel authentique le porte : il était ainsi lors de l’envoi.' : ''}`,
  'forensics.foreign-locale': (p) =>
    `Ses réglages de langue diffèrent ${LOCALE_BASELINE[String(p.baseline)] ?? 'de ceux des documents du dossier d’enquête'} (${list(p.expected).map(language).join(', ')}) : ${localeSignals(p)}. Personne ne règle cela à la main : cela montre quel logiciel, réglé en quelle langue, a enregistré le fichier en dernier — pas qui s’en est servi.`,
  'forensics.app-anachronism': (p) => `Il cite la version de programme ${anachronism(p)}`,
  'forensics.font-anachronism': (p) => `Il utilise la police ${anachronism(p)}`,
  'forensics.pdf-revised': (p) => {
    const codes = list(p.telling).map(String);
    const telling = codes.map((c) => CHANGES[c] ?? c);
    const authors =
      p.firstAuthor !== p.lastAuthor && codes.includes('Info/Author')
        ? ` L’auteur, ${p.firstAuthor ? quoted(p.firstAuthor) : 'non renseigné'} dans l’original, est maintenant ${p.lastAuthor ? quoted(p.lastAuthor) : 'non renseigné'}.`
        : '';
    return `Le PDF a été modifié après sa création : ${plural(p.updates, 'mise à jour y a été ajoutée', 'mises à jour y ont été ajoutées')}.${
      telling.length
        ? ` Une mise à jour ultérieure a modifié ${telling.join(', ')}.${authors} Les remplissages de formulaires et les signatures s’enregistrent ainsi, mais ils ne modifient pas ces éléments. La version d’origine se trouve encore dans le fichier et peut être comparée.`
        : ' Les remplissages de formulaires, les signatures et les notes s’enregistrent ainsi ; la version d’origine se trouve encore dans le fichier et peut être comparée.'
    }`;
  },
  'forensics.producer-mismatch': (p) =>
    p.kind === 'image-editor'
      ? `Un éditeur d’images, ${quoted(p.value)}, apparaît dans le paquet de métadonnées XMP ${p.packet}${p.when ? ` (${quoted(p.when)})` : ''} d’un PDF produit par ${p.producer ? quoted(p.producer) : 'un autre programme'}. ${
          p.inserted
            ? `C’était peu avant le dernier enregistrement du fichier (${quoted(p.modified)}), longtemps après sa création : un objet fait dans un éditeur d’images a été inséré lors du dernier enregistrement. Cela montre que cet objet a été retouché, pas ce qu’il a changé.`
            : 'Des images faites dans des éditeurs d’images sont souvent placées dans des documents : cela montre que l’objet a été retouché, pas que le document est faux.'
        }`
      : `Ses programmes se contredisent : le PDF dit avoir été produit par ${quoted(p.producer)}, mais le paquet de métadonnées XMP ${p.packet} a été écrit par ${quoted(p.value)} (son champ ${p.where}). Un autre programme a ouvert et enregistré le fichier après sa création ; cela ne montre pas ce qui a été modifié.`,
  'forensics.layered-scan': (p) =>
    `Il ${Number(p.imageOnlyPages) > 0 ? `ressemble à un document numérisé (${plural(p.imageOnlyPages, 'page n’est', 'pages ne sont')} qu’une image)` : 'se présente comme un document numérisé ou une télécopie'} mais ${[
      Number(p.layers) > 0 ? `a ${plural(p.layers, 'calque', 'calques')}` : '',
      list(p.pieceInfo).length
        ? `garde les données privées d’un programme de mise en page (${list(p.pieceInfo).join(', ')})`
        : '',
    ]
      .filter(Boolean)
      .join(
        ' et ',
      )}. Un scanner ou un télécopieur produit une image plate : ce fichier a été assemblé dans un programme de mise en page. Cela montre comment il a été fait, pas que ce qu’il dit est faux.`,
  'forensics.loose-only': (p) =>
    `${p.name ? `Le fichier ${quoted(p.name)}` : 'Ce fichier'} n’a été trouvé que comme fichier isolé : aucun courriel du dossier d’enquête ne le porte, donc rien dans le courrier ne le garantit. Les partages de fichiers en contiennent beaucoup ; cela compte en plus d’une autre constatation.`,
  'forensics.name-collision': (p) =>
    `${plural(p.others, 'autre document porte', 'autres documents portent')} le même nom, ${quoted(p.name)}, avec un contenu différent${
      Number(p.authenticated) > 0
        ? `, et un courriel authentique porte ${Number(p.authenticated) === 1 ? 'celui-là' : `${p.authenticated} d’entre eux`} alors qu’aucun ne porte celui-ci. Les comparer : donner le nom d’une vraie pièce jointe à un autre fichier, c’est ainsi que passe un document placé là exprès.`
        : '. Les versions d’un fichier portent souvent son nom ; les comparer.'
    } Cela ne montre pas lequel est authentique.`,
  'forensics.rule-failed': (p) =>
    `La vérification ${quoted(p.rule)} n’a pas pu être faite sur ce document (ses métadonnées sont inhabituelles) ; les autres l’ont été.`,
};
