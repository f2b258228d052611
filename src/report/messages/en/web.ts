// English words of the workbench (src/web): navigation, headings, labels, empty states.
import type { Messages, Params } from '../../catalogue.ts';

/** How many of an import's entries were new: "all new", "none new", "2 new". */
const newOnes = (p: Params) =>
  Number(p.added) === Number(p.count)
    ? Number(p.count) === 1
      ? 'new'
      : 'all new'
    : Number(p.added) === 0
      ? 'none new'
      : `${p.added} new`;

export const enWeb: Messages = {
  'web.nav.dashboard': () => 'Case',
  'web.nav.search': () => 'Search',
  'web.nav.keys': () => 'Missing keys',
  'web.language': () => 'Français',
  'web.loading': () => 'Loading…',
  'web.error': (p) => `Could not load this: ${p.error}`,
  'web.not-found': (p) => `Nothing at ${p.path}.`,
  'web.dashboard.title': () => 'The case at a glance',
  'web.dashboard.emails': (p) => `${p.count} emails`,
  'web.dashboard.documents': (p) => `${p.count} documents examined`,
  'web.dashboard.flagged': (p) => `${p.count} with forgery signals`,
  'web.dashboard.by-verdict': () => 'Emails by verdict',
  'web.dashboard.by-week': () => 'Emails per week, by verdict',
  'web.dashboard.findings': () => 'Document findings by rule',
  'web.dashboard.correspondents': () => 'Who writes to whom most',
  'web.dashboard.domains': () => 'Signing domains',
  'web.dashboard.completeness': () => 'What could not be read',
  'web.dashboard.all-read': () => 'Every item was read in full.',
  'web.dashboard.not-read': (p) =>
    `${p.failed} could not be read, ${p.limited} were read in part or not at all, ${p.missing} that containers list were never found.`,
  'web.search.placeholder': () =>
    'Search: words, "a phrase", from:, to:, domain:, date:2017-05, verdict:altered, type:pdf…',
  'web.search.button': () => 'Search',
  'web.search.results': (p) => `${p.total} result${p.total === 1 ? '' : 's'}`,
  'web.search.none': () => 'Nothing matches.',
  'web.search.previous': () => '← Previous',
  'web.search.next': () => 'Next →',
  'web.search.keys': () => 'Keys: / search, j and k move, Enter opens.',
  'web.facet.verdict': () => 'Verdict',
  'web.facet.domain': () => 'Domain',
  'web.facet.participant': () => 'People',
  'web.facet.year': () => 'Year',
  'web.facet.month': () => 'Month',
  'web.facet.type': () => 'Type',
  'web.facet.flag': () => 'Signature flags',
  'web.facet.finding': () => 'Findings',
  'web.message.from': () => 'From',
  'web.message.to': () => 'To',
  'web.message.cc': () => 'Cc',
  'web.message.date': () => 'Date',
  'web.message.subject': () => 'Subject',
  'web.message.no-subject': () => '(no subject)',
  'web.message.body': () => 'Message',
  'web.message.html-note': () =>
    'Shown as sanitised HTML in a sealed frame: nothing in it runs or loads; links are shown, not followed.',
  'web.message.text': () => 'Text',
  'web.message.attachments': () => 'Attachments',
  'web.message.no-attachments': () => 'No attachments.',
  'web.message.verification': () => 'Verification',
  'web.message.signature': (p) => `Signature ${p.n}: ${p.domain}, selector ${p.selector}`,
  'web.message.key': (p) => `Key ${p.name}, from ${p.source}${p.window ? `, seen ${p.window}` : ''}`,
  'web.message.no-key': () => 'No key for it in the archive.',
  'web.message.guide': () => 'What the verdicts mean',
  'web.message.thread': () => 'Conversation',
  'web.item.raw': () => 'Download the original bytes',
  'web.item.findings': () => 'Findings',
  'web.item.no-findings': () => 'No finding.',
  'web.item.provenance': () => 'Where it comes from',
  'web.item.metadata': () => 'Metadata as written',
  'web.item.facts': () => 'What the rules compare',
  'web.item.text': () => 'Text',
  'web.item.problems': () => 'Not read',
  'web.document.title': (p) => `Document ${p.id}`,
  'web.thread.title': () => 'Conversation',
  'web.keys.title': () => 'Keys still to find',
  'web.keys.intro': (p) =>
    `${Number(p.count) === 1 ? 'One email waits' : `${p.count} emails wait`} for these keys: until they are found, ${Number(p.count) === 1 ? 'it cannot be checked' : 'they cannot be checked'} (verdict key unavailable). A missing key is not evidence of forgery: keys rotate out of DNS within months.`,
  'web.keys.none': () => 'No key is missing.',
  'web.keys.cli': () =>
    'Reviewers and admins can import the keys you find on this page. On the command line: crible keys import <file>, then crible verify --case.',
  'web.keys.import.title': () => 'Import keys you found',
  'web.keys.import.intro': () =>
    'A key archive file (CSV, JSON or zone-file lines, as crible keys import reads them) or a list of keys whose private half was published. The emails these keys concern are checked again at once.',
  'web.keys.import.kind': () => 'What the file holds',
  'web.keys.import.kind-keys': () => 'Public keys (DKIM records)',
  'web.keys.import.kind-disclosed': () =>
    'Disclosed keys (their private half was published: what they signed proves nothing)',
  'web.keys.import.file': () => 'From a file',
  'web.keys.import.choose': () => 'Choose a file…',
  'web.keys.import.paste': () => 'or paste its text',
  'web.keys.import.file-chosen': (p) => `${p.file} will be imported.`,
  'web.keys.import.paste-instead': () => 'Paste text instead',
  'web.keys.import.button': () => 'Import and check the emails again',
  'web.keys.import.busy': () => 'Importing and checking the emails…',
  'web.keys.import.nothing': () => 'Choose a file or paste its text first.',
  'web.keys.import.too-large': () =>
    'This file is larger than 1 MB: import it on the command line with crible keys import.',
  'web.keys.import.empty': (p) => `${p.file} is empty: there is nothing in it to import.`,
  'web.keys.import.pasted-name': () => 'pasted text',
  'web.keys.import.keys': (p) =>
    Number(p.count) === 0
      ? `${p.file}: no key record read.`
      : `${p.file}: ${Number(p.count) === 1 ? 'one key record' : `${p.count} key records`} read, ${newOnes(p)} to the archive.`,
  'web.keys.import.disclosed': (p) =>
    Number(p.count) === 0
      ? `${p.file}: no disclosed key read.`
      : `${p.file}: ${Number(p.count) === 1 ? 'one disclosed key' : `${p.count} disclosed keys`} read, ${newOnes(p)} to the list.`,
  'web.keys.import.checked': (p) =>
    Number(p.checked) === 0
      ? 'No email needed checking again.'
      : `${Number(p.checked) === 1 ? 'One email' : `${p.checked} emails`} checked again: ${Number(p.changed) === 0 ? 'no verdict changed' : Number(p.changed) === 1 ? 'one verdict changed' : `${p.changed} verdicts changed`}.`,
  'web.keys.import.failed': (p) => `${Number(p.count) === 1 ? 'One' : p.count} could not be checked.`,
  'web.keys.import.change': (p) => `${Number(p.count) === 1 ? 'One email' : `${p.count} emails`}:`,
  'web.keys.import.no-verdict': () => 'no verdict',
  'web.keys.import.problems': (p) =>
    `${Number(p.count) === 1 ? 'One line' : `${p.count} lines`} of the file could not be read:`,
  'web.col.domain': () => 'Domain',
  'web.col.selector': () => 'Selector',
  'web.col.emails': () => 'Emails',
  'web.col.first': () => 'First',
  'web.col.last': () => 'Last',
  'web.col.field': () => 'Field',
  'web.col.value': () => 'Value',
  'web.col.group': () => 'Where',
  'web.col.count': () => 'Count',
  // Access (src/server/auth.ts, routes/session.ts) and triage (core/triage.ts, core/users.ts).
  'web.access.bad-host': () =>
    'This workbench answers only to localhost or 127.0.0.1 (a page under another name may be trying to reach it).',
  'web.access.cross-origin': () => 'Refused: this change did not come from a page of this workbench.',
  'web.access.login-needed': () => 'Log in to see this case.',
  'web.access.csrf': () =>
    'Refused: the page’s security token is missing or out of date. Reload the page and try again.',
  'web.access.viewer': () =>
    'Your role is viewer: you can read this case but not change it. Ask an admin for the reviewer role.',
  'web.access.too-large': (p) => `Refused: a request to this workbench can send at most ${p.limit}.`,
  'web.access.wrong-password': () => 'Wrong name or password.',
  'web.access.rate-limited': (p) => `Too many attempts. Try again in ${p.seconds} seconds.`,
  'triage.bad-tag': (p) =>
    `“${p.tag}” cannot be a tag: use letters, digits and . _ : / # + - (no spaces), at most ${p.limit} characters.`,
  'triage.no-item': (p) => `There is no item ${p.item} in this case.`,
  'triage.too-many-tags': (p) => `Item ${p.item} already has the most tags an item can have (${p.limit}).`,
  'triage.empty-note': () => 'The note is empty.',
  'triage.long-note': (p) => `A note can be at most ${p.limit} characters long.`,
  'triage.too-many-notes': (p) => `Item ${p.item} already has the most notes an item can have (${p.limit}).`,
  'triage.no-note': (p) => `Item ${p.item} has no note number ${p.record}.`,
  'users.bad-name': (p) =>
    `“${p.name}” cannot be a user name: up to 64 letters, digits and . _ @ -, starting with a letter or digit.`,
  'users.bad-role': (p) => `“${p.value}” is not a role: admin, reviewer or viewer.`,
  'users.password-short': (p) => `The password must be at least ${p.min} characters long.`,
  'users.password-long': (p) => `The password can be at most ${p.limit} characters long.`,
  'users.unknown': (p) => `There is no user ${p.name} in this case.`,
  'web.nav.queue': () => 'Queue',
  'web.login.title': () => 'Log in to this case',
  'web.login.intro': () =>
    'This workbench is shared: an admin gave you a name and password with crible users add.',
  'web.login.name': () => 'Name',
  'web.login.password': () => 'Password',
  'web.login.button': () => 'Log in',
  'web.session.as': (p) => `${p.name} (${p.value})`,
  'web.session.logout': () => 'Log out',
  'web.role.admin': () => 'admin',
  'web.role.reviewer': () => 'reviewer',
  'web.role.viewer': () => 'viewer',
  'web.triage.title': () => 'Triage',
  'web.triage.tags': () => 'Tags',
  'web.triage.no-tags': () => 'No tags yet.',
  'web.triage.tag-placeholder': () => 'new tag, e.g. to-check',
  'web.triage.add-tag': () => 'Add tag',
  'web.triage.remove-tag': (p) => `Remove the tag ${p.tag}`,
  'web.triage.notes': () => 'Notes',
  'web.triage.no-notes': () => 'No notes yet.',
  'web.triage.note-placeholder': () => 'What you found, what to check next…',
  'web.triage.add-note': () => 'Add note',
  'web.triage.note-by': (p) => `${p.name}, ${p.when} UTC`,
  'web.queue.title': () => 'Queue of flagged items',
  'web.queue.intro': () =>
    'Items someone tagged, documents with a strong forgery signal, and emails whose signature shows they were altered or could be forged. Newest first.',
  'web.queue.empty': () => 'Nothing is flagged yet.',
  'web.queue.count': (p) => (Number(p.count) === 1 ? '1 flagged item' : `${p.count} flagged items`),
  'web.search.export-csv': () => 'Export these results (CSV)',
  // The correspondents graph, the timeline, a message's source and proof (routes/graph.ts).
  'web.nav.correspondents': () => 'Correspondents',
  'web.nav.timeline': () => 'Timeline',
  'web.query.apply': () => 'Show',
  'web.query.in-search': () => 'See these messages in search',
  'web.graph.title': () => 'Who writes to whom',
  'web.graph.intro': (p) =>
    `The ${p.shown} busiest of the ${p.total} addresses in these messages. A circle’s size is how many messages it sent and received; a line joins two addresses that wrote to each other. Click a circle to search its messages.`,
  'web.graph.intro-all': (p) =>
    `The ${p.total} addresses in these messages. A circle’s size is how many messages it sent and received; a line joins two addresses that wrote to each other. Click a circle to search its messages.`,
  'web.graph.none': () => 'None of these messages has both a sender and a recipient.',
  'web.graph.volume': (p) => `${p.count} messages sent and received`,
  'web.timeline.title': () => 'Messages over time',
  'web.timeline.by-month': () => 'Messages per month',
  'web.timeline.by-day': () => 'Messages per day',
  'web.timeline.intro': () => 'Click a bar to search the messages of that period.',
  'web.timeline.none': () => 'None of these messages carries a date.',
  'web.timeline.bar': (p) => `${p.period}: ${p.count} messages`,
  'web.message.source': () => 'Source (headers and raw text)',
  'web.message.proof': () => 'Download the proof (zip)',
  'web.source.title': (p) => `Source of message ${p.id}`,
  'web.source.back': () => '← Back to the message',
  'web.source.cut': (p) =>
    `Only the first ${p.shown} of ${p.size} are shown here: download the original bytes for the whole message.`,
  'web.facet.remove': (p) => `Take ${p.term} out of the query`,
  'web.dashboard.see-graph': () => 'the graph →',
  'web.search.over-time': () => 'over time',
  'web.search.who-writes': () => 'who writes to whom',
  'web.item.status.failed': () => 'could not be read',
  'web.item.status.limited': () => 'read only in part (a limit)',
  'web.search.email': () => 'email',
};
