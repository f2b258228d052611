// Apple Mail .emlx, generated at test time: the message inside is the original bytes, so a message
// signed here with a throwaway key comes out `authentic` when its key is given; the property list
// is kept beside it; a byte count past the end of the file is a problem that keeps the bytes.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { emlxFormat } from '../src/ingest/formats/emlx.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { render } from '../src/report/catalogue.ts';
import { collect } from './helpers/containers.ts';
import { message, tempDir } from './helpers/mail.ts';

const PLIST =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>flags</key><integer>8590195713</integer></dict></plist>\n';

const emlx = (msg: Buffer, count = msg.length) =>
  Buffer.concat([Buffer.from(`${count}\n`), msg, Buffer.from(PLIST)]);

async function signed(): Promise<{ msg: Buffer; keys: Record<string, string> }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const msg = message({ id: 'emlx-1', from: 'Alice <alice@example.com>' });
  const options = {
    canonicalization: 'relaxed/relaxed',
    signTime: new Date('2017-05-02T08:15:00Z'),
    signatureData: [
      {
        signingDomain: 'example.com',
        selector: 'sel',
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }),
        algorithm: 'rsa-sha256',
      },
    ],
  } as unknown as Parameters<typeof dkimSign>[1];
  const signature = (await dkimSign(msg, options)).signatures;
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    msg: Buffer.concat([Buffer.from(signature), msg]),
    keys: { 'sel._domainkey.example.com': `v=DKIM1; k=rsa; p=${p}` },
  };
}

describe('Apple EMLX', () => {
  it('yields the exact message bytes with their range, and the property list', async () => {
    const msg = message({ id: 'plain' });
    const data = emlx(msg);
    const { events, error } = await collect(
      emlxFormat.entries({ kind: 'buffer', data, name: 'Inbox/12.emlx' }, defaultLimits),
    );
    expect(error).toBeNull();
    expect(events).toMatchObject([
      { kind: 'entry', path: '12.eml', isMessage: true, byteStart: 4, byteEnd: 4 + msg.length },
      { kind: 'entry', path: '12.plist', isMessage: false },
    ]);
    const [first, second] = events;
    expect(first?.kind === 'entry' && first.bytes.equals(msg)).toBe(true);
    expect(second?.kind === 'entry' && second.bytes.toString()).toBe(PLIST);
    expect(first?.kind === 'entry' && first.flags).toBeFalsy();
  });

  it('a byte count past the end of the file is a failed member that keeps the bytes there are', async () => {
    const msg = message({ id: 'short' });
    const data = Buffer.concat([Buffer.from(`${msg.length + 5000}\n`), msg]);
    const { events, error } = await collect(
      emlxFormat.entries({ kind: 'buffer', data, name: 'x.emlx' }, defaultLimits),
    );
    expect(error).toBeNull();
    expect(events).toHaveLength(1);
    const [problem] = events;
    expect(problem).toMatchObject({ kind: 'problem', status: 'failed', isMessage: true });
    if (problem?.kind !== 'problem') throw new Error('expected a problem');
    expect(problem.bytes?.equals(msg)).toBe(true);
    expect(render(problem.reason)).toContain(`byte count (${msg.length + 5000})`);
  });

  it('ingested: the signed message inside is authentic with its key, the plist a member beside it', async () => {
    const { msg, keys } = await signed();
    const root = tempDir();
    const dump = join(root, 'Messages');
    const keyFile = join(root, 'keys.json');
    writeFileSync(keyFile, JSON.stringify(keys));
    mkdirSync(dump);
    writeFileSync(join(dump, '42.emlx'), emlx(msg));
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [dump], { keyFiles: [keyFile] });
      const s = kase.store;
      const [container] = await s.listItems({ type: 'container' });
      expect(container).toMatchObject({ format: 'emlx', status: 'ok' });
      const [item] = await s.listItems({ type: 'message' });
      expect(item?.first.flags ?? []).not.toContain('rebuilt-from:emlx');
      expect((await s.getAnalysis(item!.id, 'dkim'))?.summary).toBe('authentic');
      const children = await s.childrenOf(container!.id);
      expect(children.map((c) => c.first.path.split('/').pop()).sort()).toEqual(['42.eml', '42.plist']);
    } finally {
      await kase.store.close();
    }
  });
});
