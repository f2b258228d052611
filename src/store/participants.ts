import type { MailAddress, Participant, ParticipantRole } from './store.ts';

type AddressLists = Record<'from' | 'sender' | 'to' | 'cc' | 'bcc' | 'replyTo', MailAddress[]>;

const ROLES: [keyof AddressLists, ParticipantRole][] = [
  ['from', 'from'],
  ['sender', 'sender'],
  ['to', 'to'],
  ['cc', 'cc'],
  ['bcc', 'bcc'],
  ['replyTo', 'reply-to'],
];

/** A message's addresses as participant rows: the address lower-cased, its domain split off (after the last @). */
export function participantsOf(lists: AddressLists): Participant[] {
  return ROLES.flatMap(([field, role]) =>
    lists[field].map(({ name, address }) => {
      const normalised = (address ?? '').trim().toLowerCase();
      const at = normalised.lastIndexOf('@');
      return {
        role,
        name: name ?? '',
        address: normalised,
        domain: at === -1 ? '' : normalised.slice(at + 1),
      };
    }),
  );
}

/** The address lists back from participant rows, in the order they were written. */
export function addressListsOf(participants: Participant[]): AddressLists {
  const lists: AddressLists = { from: [], sender: [], to: [], cc: [], bcc: [], replyTo: [] };
  for (const p of participants) {
    const field = ROLES.find(([, role]) => role === p.role)?.[0];
    if (field) lists[field].push({ name: p.name, address: p.address });
  }
  return lists;
}
