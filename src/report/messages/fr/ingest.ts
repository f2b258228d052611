// French words for item problems and ingest notes: the codes of messages/en/ingest.ts.
import type { Messages, Params } from '../../catalogue.ts';

/** report/size.ts's formatBytes in French: octets under 1 Ko, then Ko, Mo, Go, a decimal comma. */
export function formatBytesFr(n: number): string {
  const unit = (value: number, name: string) => `${value.toFixed(1).replace('.', ',')} ${name}`;
  if (n >= 1024 ** 3) return unit(n / 1024 ** 3, 'Go');
  if (n >= 1024 ** 2) return unit(n / 1024 ** 2, 'Mo');
  if (n >= 1024) return unit(n / 1024, 'Ko');
  return `${n} ${n >= 2 ? 'octets' : 'octet'}`;
}

const size = (p: Params, key: string) => formatBytesFr(Number(p[key]));

export const frIngest: Messages = {
  // A reason stored as text by a case of schema 3, which kept sentences (in English).
  'legacy.text': (p) => String(p.text),
  'item.unreadable': (p) => `illisible : ${p.error}`,
  'item.link-not-followed': () => 'lien symbolique non suivi',
  'item.special-file': () => 'pas un fichier ordinaire (périphérique, socket ou tube)',
  'item.too-large': (p) =>
    `${p.what === 'message' ? 'message' : 'fichier'} de ${size(p, 'size')}, au-delà de la limite de lecture de ${size(p, 'limit')} ; conservé sans être lu`,
  'item.too-deep': (p) => `imbriqué sur plus de ${p.limit} niveaux ; conservé sans être lu`,
  'container.too-deep': (p) => `archive imbriquée sur plus de ${p.limit} niveaux ; conservée sans être lue`,
  'message.too-large': (p) =>
    `message de ${size(p, 'size')}, au-delà de la limite d’analyse de ${size(p, 'limit')} ; conservé sans être lu`,
  'message.no-header-block': () => 'pas un courriel : aucun bloc d’en-têtes au début',
  'message.not-an-email': () => 'pas un courriel',
  'message.header-too-large': (p) => `bloc d’en-têtes de plus de ${size(p, 'limit')} ; conservé sans être lu`,
  'message.mime-unreadable': (p) => `structure MIME illisible : ${p.error}`,
  'message.too-many-parts': (p) =>
    `${p.parts} parties MIME, au-delà de la limite de ${p.limit} ; en-têtes lus, parties non extraites`,
  'message.unreadable': (p) => `illisible : ${p.error}`,
  'custody.torn-line': (p) =>
    `la ligne ${p.line} du journal de traçabilité (${p.bytes} octets) est incomplète, comme en laisse une coupure de courant ou un disque plein : conservée telle quelle et non lue ; les lignes suivantes sont entières`,
  'worker.timeout': (p) =>
    `la lecture a pris plus de ${p.seconds} s et a été arrêtée (un fichier fait pour bloquer les lecteurs, ou un très gros fichier)`,
  'worker.out-of-memory': (p) =>
    `la lecture a demandé plus ${p.limitMb === null ? 'que la mémoire permise' : `de ${p.limitMb} Mo de mémoire`} et a été arrêtée (un fichier fait pour épuiser la mémoire, ou un très gros fichier)`,
  'worker.crashed': (p) => `le lecteur s’est arrêté pendant la lecture (${p.error})`,
  'container.unreadable-after': (p) => `${p.format} illisible après ${p.entries} entrées : ${p.error}`,
};
