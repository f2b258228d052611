// Invented people, places and text for the synthetic mail generator. Everything here is fiction:
// the organisation "En Avant" and its campaign team, a few outsiders and journalists, all on
// reserved `.example` domains (RFC 2606).

export type Lang = 'fr' | 'en';

export interface Person {
  /** Display name as it appears in From/To, may contain accents. */
  name: string;
  address: string;
  lang: Lang;
  /** Mail user agent this person's messages carry in X-Mailer / User-Agent. */
  mailer: string;
  /** Signature block lines. */
  signature: string[];
}

const MAILERS = [
  'Apple Mail (2.3273)',
  'Microsoft Outlook 16.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:45.0) Gecko/20100101 Thunderbird/45.8.0',
  'iPhone Mail (14E304)',
  'Roundcube Webmail/1.2.4',
  'Microsoft Outlook 15.0',
];

function person(
  name: string,
  local: string,
  domain: string,
  lang: Lang,
  role: string,
  mailer: number,
): Person {
  const org =
    domain === 'en-avant.example'
      ? 'En Avant — siège national'
      : domain === 'campagne.example'
        ? 'Équipe de campagne'
        : domain === 'presse.example'
          ? lang === 'fr'
            ? 'La Gazette du Matin'
            : 'The Morning Ledger'
          : '';
  const signature = [name, role];
  if (org) signature.push(org);
  return { name, address: `${local}@${domain}`, lang, mailer: MAILERS[mailer % MAILERS.length]!, signature };
}

export const PEOPLE: Person[] = [
  person('Hélène Marchand', 'h.marchand', 'en-avant.example', 'fr', 'Directrice de campagne', 0),
  person('Frédéric Lemaire', 'f.lemaire', 'en-avant.example', 'fr', 'Trésorier', 1),
  person('Gaëlle Rousseau', 'g.rousseau', 'en-avant.example', 'fr', 'Responsable presse', 2),
  person('Jérôme Dufresne', 'j.dufresne', 'en-avant.example', 'fr', 'Chef de cabinet', 1),
  person('Cécile Bonnard', 'c.bonnard', 'en-avant.example', 'fr', 'Juriste', 5),
  person('Benoît Carrière', 'b.carriere', 'en-avant.example', 'fr', 'Responsable logistique', 3),
  person('Anaïs Perrot', 'a.perrot', 'en-avant.example', 'fr', 'Chargée des déplacements', 0),
  person('Thomas Girard', 't.girard', 'en-avant.example', 'fr', 'Conseiller programme', 4),
  person('Claire Fontaine', 'c.fontaine', 'en-avant.example', 'en', 'International relations', 1),
  person('Agnès Lefèvre', 'agnes.lefevre', 'campagne.example', 'fr', 'Coordinatrice des bénévoles', 4),
  person('Mathieu Roche', 'mathieu.roche', 'campagne.example', 'fr', 'Community manager', 2),
  person('Léa Vasseur', 'lea.vasseur', 'campagne.example', 'fr', 'Chargée de mission finances', 1),
  person('Julien Masson', 'julien.masson', 'campagne.example', 'fr', 'Responsable numérique', 3),
  person('Sophie Renaud', 'sophie.renaud', 'campagne.example', 'fr', 'Assistante de direction', 5),
  person('Daniel Okafor', 'daniel.okafor', 'campagne.example', 'en', 'Data and polling', 0),
  person('François Aubert', 'francois.aubert', 'gmail.example', 'fr', 'Imprimeur', 3),
  person('Isabelle Chevalier', 'isa.chevalier', 'gmail.example', 'fr', 'Consultante', 0),
  person('Marc Delorme', 'marcdelorme75', 'gmail.example', 'fr', 'Traiteur', 3),
  person('Emily Harding', 'emily.harding', 'gmail.example', 'en', 'Event consultant', 0),
  person('Nathalie Brun', 'n.brun', 'presse.example', 'fr', 'Journaliste politique', 2),
  person('Romain Lebrun', 'r.lebrun', 'presse.example', 'fr', 'Rédacteur en chef adjoint', 1),
  person('Sarah Whitfield', 's.whitfield', 'presse.example', 'en', 'Paris correspondent', 0),
  person("James O'Connor", 'j.oconnor', 'presse.example', 'en', 'Political editor', 1),
];

export const CITIES = [
  'Lyon',
  'Marseille',
  'Lille',
  'Bordeaux',
  'Nantes',
  'Strasbourg',
  'Rennes',
  'Toulouse',
];
export const DAYS_FR = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
export const DAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const ROOMS = ['salle Jaurès', 'salle du 3e', 'le bureau de Hélène', 'la salle de réunion B', 'le QG'];

// Sentences with placeholders: {name} first name of someone, {city}, {day}, {time}, {amount},
// {count}, {room}. Themes: meetings, budgets, press, travel, logistics.
export const SENTENCES: Record<Lang, string[]> = {
  fr: [
    'Je te confirme la réunion de {day} à {time} dans {room}.',
    'Peux-tu me renvoyer la dernière version du budget avant ce soir ?',
    "Le devis de l'imprimeur est arrivé : {amount} € TTC pour les tracts et les affiches.",
    'On a encore un écart de {amount} € sur la ligne déplacements, il faut le justifier.',
    "Merci pour ton retour, j'ai intégré tes remarques dans le document.",
    "{name} sera absent jusqu'à {day}, je reprends ses dossiers en attendant.",
    'Le meeting de {city} est confirmé, la salle peut accueillir {count} personnes.',
    'Il faudrait prévoir deux bénévoles de plus pour l’accueil.',
    'La journaliste de la Gazette souhaite une interview avant la fin de la semaine.',
    "Attention, rien ne doit sortir dans la presse avant l'annonce officielle.",
    'Les billets de train pour {city} sont réservés, départ {day} à {time}.',
    "L'hôtel est réservé pour trois nuits, la facture sera au nom de l'association.",
    'Je joins le compte rendu de la réunion de ce matin.',
    'Pour le programme, Thomas propose de revoir entièrement la partie sur le logement.',
    'Le commissaire aux comptes demande les justificatifs de mars et avril.',
    'Merci de ne pas transférer ce message en dehors de l’équipe.',
    'Le communiqué est prêt, il manque seulement la citation de la candidate.',
    "On se retrouve au QG à {time} pour caler l'agenda de la semaine prochaine.",
    "Le prestataire audiovisuel a envoyé sa facture : {amount} €, c'est plus que prévu.",
    "Je propose qu'on en parle de vive voix, c'est plus simple.",
    'La préfecture a validé le parcours du rassemblement de {day}.',
    'Les chiffres de la collecte sont bons : {count} dons depuis lundi.',
    'Il reste à trouver un traiteur pour la soirée de {city}.',
    'Pouvez-vous relire le dossier de presse et me faire vos retours avant {time} ?',
    "Le sondage interne nous donne deux points de plus qu'en janvier.",
    'La note juridique sur les comptes de campagne est en pièce jointe.',
    "Je n'ai pas reçu la convocation pour le bureau politique, tu peux me la renvoyer ?",
    'Le car pour les militants partira de la place de la République à {time}.',
    'Bonne nouvelle : la mairie de {city} nous prête le gymnase gratuitement.',
    "Il faudra arbitrer entre l'affichage et les réseaux sociaux, on ne peut pas tout payer.",
    "L'équipe numérique a préparé trois visuels, dites-moi lequel vous préférez.",
    'Je serai en déplacement à {city} toute la journée de {day}, joignable sur mon portable.',
    'Les notes de frais doivent être remises au trésorier avant le 5 du mois.',
    "Le plafond des dépenses n'est pas encore atteint, mais on s'en approche vite.",
    'La conférence de presse est avancée à {time}, prévenez les rédactions.',
    'Merci à tous pour la mobilisation de ce week-end, plus de {count} portes frappées.',
    "Je relance l'agence pour la location des salles, toujours pas de réponse.",
    'Je vous transmets le planning des déplacements de la candidate pour le mois prochain.',
  ],
  en: [
    'Can we move the call to {day} at {time}? I have a clash in the morning.',
    'Attached is the revised budget, the travel line is now {amount} euros.',
    'From the budget side, we are still waiting for the printer to confirm the final quote.',
    'Thanks for the notes from yesterday, they were very helpful.',
    '{name} will join the meeting in {room} if the train is on time.',
    'The rally in {city} is confirmed, the venue holds about {count} people.',
    'Our correspondent would like twenty minutes with the candidate before Friday.',
    'Please keep this within the team until the official announcement.',
    'From what I heard at the press briefing, the other campaigns are worried about the polls.',
    'I have booked the hotel for three nights, invoices go to the association.',
    'Could you send me the latest version of the press kit?',
    'The fundraising numbers look good: {count} donations since Monday.',
    'We need to decide between posters and online ads, we cannot afford both.',
    'The flight to {city} leaves on {day} at {time}, I will send the boarding passes.',
    'The auditors are asking for receipts for March and April.',
    'Let me know if the figures do not match what you have on your side.',
    'The caterer quoted {amount} euros for the evening, which seems high.',
    'I spoke to the editor this morning and the piece will run on {day}.',
    'From now on, all press requests should go through Gaëlle.',
    'Happy to discuss this on the phone if that is easier.',
    'The polling memo is attached, the trend is stable since January.',
    'We still need two more volunteers for the reception desk.',
    'I will be travelling on {day} but reachable on my mobile.',
    'The agency sent three draft visuals, which one do you prefer?',
    'Expense reports are due to the treasurer before the fifth of the month.',
    'The spending cap has not been reached yet, but we are getting close.',
    'The press conference has been moved to {time}, please tell the newsrooms.',
    'Could you check the quotes in the draft before it goes out?',
    'Thanks again for organising the trip, everything went smoothly.',
    'I have attached the minutes of this morning meeting.',
  ],
};

export const SUBJECTS: Record<Lang, string[]> = {
  fr: [
    'Réunion de {day}',
    'Budget prévisionnel — version {n}',
    'Déplacement à {city}',
    'Communiqué de presse',
    'Devis imprimeur',
    'Compte rendu réunion d’équipe',
    'Notes de frais du mois',
    'Meeting de {city} : logistique',
    'Demande d’interview',
    'Planning de la semaine',
    'Dossier de presse à relire',
    'Point trésorerie',
    'Réservation hôtel {city}',
    'Bénévoles pour {day}',
    'Sondage interne',
    'Urgent : facture à régler',
    'Agenda de la candidate',
    'Question sur les comptes de campagne',
  ],
  en: [
    'Meeting on {day}',
    'Revised budget v{n}',
    'Trip to {city}',
    'Press release draft',
    'Interview request',
    'Polling memo',
    'Minutes from this morning',
    'Hotel booking in {city}',
    'Caterer quote',
    'Schedule for next week',
    'Quick question about the rally',
  ],
};

export const GREETINGS: Record<Lang, string[]> = {
  fr: ['Bonjour {name},', 'Salut {name},', 'Bonjour à tous,', 'Chère {name},', '{name},', 'Bonsoir,'],
  en: ['Hi {name},', 'Dear {name},', 'Hello all,', '{name},', 'Good morning,'],
};

export const CLOSINGS: Record<Lang, string[]> = {
  fr: ['Bien à toi,', 'Merci,', 'Cordialement,', 'À demain,', 'Bonne soirée,', 'Bises,'],
  en: ['Best,', 'Thanks,', 'Kind regards,', 'Cheers,', 'All the best,'],
};

export const ATTACHMENT_NAMES = {
  pdf: [
    'Budget_previsionnel_2017_v3.pdf',
    'Note juridique comptes de campagne.pdf',
    'Dossier de presse.pdf',
    'facture-imprimerie-0412.pdf',
    'Programme_logement_brouillon.pdf',
    'polling-memo.pdf',
  ],
  csv: ['export_dons.csv', 'depenses-mars.csv', 'liste_benevoles.csv', 'budget-lignes.csv'],
  docx: ['Compte-rendu réunion.docx', 'communique_v2.docx', 'discours_lyon.docx', 'press-release-draft.docx'],
  png: ['visuel-affiche-A.png', 'capture.png', 'logo_en_avant.png', 'image001.png'],
};
