// A proof folder a journalist can hand to someone else: the exact bytes, the archived keys with
// their provenance, a transcript of each check in words, and a script that re-checks the
// signatures with an independent implementation (dkimpy) using the archived keys. The transcript
// is a document for people: the report's codes are rendered into words here.
import { createHash, createPublicKey } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyRecord, publicKeyOf } from '../keys/types.ts';
import { render } from '../report/catalogue.ts';
import { safeText } from '../report/safe-text.ts';
import { canonicalHeaderData, signatureAt } from './check.ts';
import { describeFlag } from './flags.ts';
import { prepareMessage } from './prepared.ts';
import { applyRepairs, describeRepair } from './repairs.ts';
import type { MessageVerification, SignatureReport } from './types.ts';

export interface ProofFiles {
  dir: string;
  files: string[];
}

export async function writeProof(
  outDir: string,
  raw: Buffer,
  verification: MessageVerification,
  keysUsed: KeyRecord[],
): Promise<ProofFiles> {
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, data: string | Buffer, mode?: number) => {
    await writeFile(join(outDir, name), data);
    if (mode) await chmod(join(outDir, name), mode);
    files.push(name);
  };

  await put('message.eml', raw);
  // Signatures that only passed after export repairs are re-checked on the repaired bytes.
  const repairSets = [...new Set(verification.signatures.map((s) => s.repairs.join(',')).filter(Boolean))];
  const repairedFiles = new Map<string, string>();
  for (const [i, set] of repairSets.entries()) {
    const name = repairSets.length === 1 ? 'message.repaired.eml' : `message.repaired-${i + 1}.eml`;
    await put(name, applyRepairs(raw, set.split(',')));
    repairedFiles.set(set, name);
  }

  await put(
    'keys.json',
    `${JSON.stringify(
      keysUsed.map((k) => ({
        name: k.name,
        value: k.value,
        source: k.source,
        firstSeen: k.firstSeen,
        lastSeen: k.lastSeen,
        fetchedAt: k.fetchedAt,
      })),
      null,
      2,
    )}\n`,
  );
  await put('transcript.txt', transcript(raw, verification, repairedFiles));

  const checks = verification.signatures
    .filter((s) => s.key && (s.result === 'pass' || s.result === 'fail-body' || s.result === 'fail-header'))
    .map((s) => ({
      index: s.index,
      name: s.key!.name,
      value: s.key!.value,
      file: repairedFiles.get(s.repairs.join(',')) ?? 'message.eml',
      expectPass: s.result === 'pass',
    }));
  const at = verification.at ? Math.floor(Date.parse(verification.at) / 1000) : null;
  await put('recheck.py', recheckPython(checks, at));
  await put('recheck.sh', recheckShell(), 0o755);
  return { dir: outDir, files };
}

function keyFingerprint(value: string): string | null {
  const p = publicKeyOf(value);
  if (!p) return null;
  try {
    const der = Buffer.from(p, 'base64');
    const spki =
      der.length === 32
        ? der
        : createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
    return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
  } catch {
    return `sha256:${createHash('sha256').update(Buffer.from(p, 'base64')).digest('hex')}`;
  }
}

function transcript(raw: Buffer, v: MessageVerification, repairedFiles: Map<string, string>): string {
  const out: string[] = [];
  out.push('Crible DKIM verification transcript');
  out.push(
    `Message: message.eml, ${raw.length} bytes, sha256 ${createHash('sha256').update(raw).digest('hex')}`,
  );
  out.push(`Judged at: ${v.at ?? 'unknown (no date in the message)'} (from: ${v.atSource})`);
  out.push(`Verdict: ${v.verdict}`);
  for (const r of v.reasons) out.push(`  - ${render(r)}`);
  out.push('');
  for (const s of v.signatures) out.push(...signatureTranscript(raw, s, repairedFiles));
  out.push(`ARC: ${v.arc.result}${v.arc.reason ? ` (${render(v.arc.reason)})` : ''}`);
  out.push('');
  out.push(`What this does not prove: ${render(v.caveat)}`);
  return `${out.map(safeText).join('\n')}\n`;
}

function signatureTranscript(raw: Buffer, s: SignatureReport, repairedFiles: Map<string, string>): string[] {
  const out: string[] = [];
  out.push(
    `Signature #${s.index + 1}: d=${s.domain} s=${s.selector} a=${s.algorithm} c=${s.canonicalization}`,
  );
  out.push(`  Signed headers (h=): ${s.signedHeaders.join(', ')}`);
  if (s.identity) out.push(`  Identity (i=): ${s.identity}`);
  if (s.timestamp !== null) out.push(`  Signed at (t=): ${new Date(s.timestamp * 1000).toISOString()}`);
  if (s.expiration !== null) out.push(`  Expires (x=): ${new Date(s.expiration * 1000).toISOString()}`);
  if (s.bodyLength !== null) out.push(`  Body length signed (l=): ${s.bodyLength} bytes`);
  if (s.unsignedText !== undefined)
    out.push('  Body after l=, NOT signed:', ...s.unsignedText.split(/\r?\n/).map((line) => `  | ${line}`));
  if (s.repairs.length) {
    out.push(`  Export damage undone before checking (bytes in ${repairedFiles.get(s.repairs.join(','))}):`);
    for (const r of s.repairs) out.push(`    - ${r}: ${describeRepair(r)}`);
  }
  out.push(
    `  Body hash: computed ${s.bodyHashComputed ?? '(not computed)'} vs signed bh=${s.bodyHashExpected ?? '(none)'} → ${
      s.bodyHashComputed && s.bodyHashComputed === s.bodyHashExpected ? 'match' : 'MISMATCH'
    }`,
  );
  const bytes = s.repairs.length ? applyRepairs(raw, s.repairs) : raw;
  const sig = signatureAt(prepareMessage(applyRepairs(bytes, ['lf-to-crlf'])), s.index);
  if (sig && !sig.invalid) {
    const data = canonicalHeaderData(prepareMessage(applyRepairs(bytes, ['lf-to-crlf'])), sig);
    out.push(
      `  Header hash: sha256 of the ${data.length} bytes of canonicalised signed headers = ${createHash('sha256').update(data).digest('hex')}`,
    );
  }
  if (s.key) {
    out.push(
      `  Key: ${s.key.name}, ${s.key.bits ?? '?'}-bit ${s.key.type ?? '?'}, ${keyFingerprint(s.key.value) ?? 'no key data'}`,
    );
    out.push(
      `       source ${s.key.source}; first seen ${s.key.firstSeen ?? '?'}, last seen ${s.key.lastSeen ?? '?'}${s.key.fetchedAt ? `, fetched ${s.key.fetchedAt}` : ''}`,
    );
    if (s.key.disclosure)
      out.push(`       private key published on ${s.key.disclosure.disclosed} (${s.key.disclosure.source})`);
  } else out.push('  Key: none available');
  if (s.headersAuthentic !== null)
    out.push(`  Header signature valid despite the body: ${s.headersAuthentic ? 'yes' : 'no'}`);
  out.push(`  Result: ${s.result} — ${render(s.reason)}`);
  for (const f of s.flags) out.push(`  Flag ${f}: ${describeFlag(f)}`);
  out.push('');
  return out;
}

interface RecheckEntry {
  index: number;
  name: string;
  value: string;
  file: string;
  expectPass: boolean;
}

function recheckPython(checks: RecheckEntry[], at: number | null): string {
  return `#!/usr/bin/env python3
# Independent re-check of the DKIM signatures with dkimpy (Debian/Ubuntu: apt install python3-dkim;
# pip install dkimpy), using the archived keys in keys.json instead of today's DNS.
import json, sys, time
import dkim

AT = ${at === null ? 'None' : String(at)}  # the message's time (unix); x= expiry is judged then
CHECKS = json.loads(${JSON.stringify(JSON.stringify(checks))})

if AT is not None:
    time.time = lambda: float(AT)

def main():
    ok = True
    for c in CHECKS:
        msg = open(c['file'], 'rb').read()
        value = c['value'].encode()
        def dnsfunc(name, timeout=5, _v=value):
            return _v
        try:
            result = dkim.DKIM(msg, minkey=256).verify(idx=c['index'], dnsfunc=dnsfunc)
        except Exception as e:
            print('signature #%d: dkimpy error: %s' % (c['index'] + 1, e))
            result = False
        agrees = bool(result) == c['expectPass']
        ok = ok and agrees
        print('signature #%d (%s, %s): dkimpy says %s, crible said %s -> %s' % (
            c['index'] + 1, c['name'], c['file'], 'pass' if result else 'fail',
            'pass' if c['expectPass'] else 'fail', 'AGREE' if agrees else 'DISAGREE'))
    if not CHECKS:
        print('no signature with an archived key to re-check')
    return 0 if ok else 1

sys.exit(main())
`;
}

function recheckShell(): string {
  return `#!/bin/sh
# Re-check this message's DKIM signatures with an independent verifier (dkimpy).
# Needs python3 with dkimpy (apt install python3-dkim). Uses the archived keys in keys.json.
cd "$(dirname "$0")" || exit 1
# The first Python that has dkimpy: $PYTHON if set, else python3 on the PATH, else the system one.
for py in \${PYTHON:-} python3 /usr/bin/python3; do
  if "$py" -c 'import dkim' 2>/dev/null; then
    "$py" recheck.py
    exit $?
  fi
done
echo "dkimpy not found: install it (apt install python3-dkim, or pip install dkimpy), or set PYTHON" >&2
status=2
# If the signing key is still published in DNS today, dkimpy's own command also works:
#   dkimverify < message.eml
exit $status
`;
}
