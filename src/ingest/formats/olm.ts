// Outlook for Mac archives (.olm): a zip laid out by account. What identifies one here, from the
// archive's names alone: a member under a top-level `Accounts/` or `Local/` folder inside one of
// Outlook's `com.microsoft.__<Kind>` folders (`com.microsoft.__Messages`, `__Contacts`,
// `__Calendar`…), or a message file `message_<digits>.xml` under those top-level folders, as in
// `Accounts/alice@example.org/com.microsoft.__Messages/Inbox/message_00000.xml`. The name does not
// count. Not read yet: the messages are XML, not RFC 5322.
//
// Scores: 100 from the central directory, 95 from local headers only; both beat the zip (90).

import { unreadFormat } from './signature.ts';
import { zipListing } from './zip-directory.ts';

const OLM_MEMBER = /^(?:Accounts|Local)\/(?:.*\/)?(?:com\.microsoft\.__[A-Za-z]+\/|message_\d+\.xml$)/;

export const olmFormat = unreadFormat('olm', 'container', (probe) => {
  const listing = zipListing(probe);
  if (listing === null || !listing.members.some((m) => OLM_MEMBER.test(m.name))) return 0;
  return listing.fromDirectory ? 100 : 95;
});
