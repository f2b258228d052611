// The image extractor on the corpus images (the values PROVENANCE.md lists), on images built here
// (TIFF, WebP, GIF, PNG text chunks), under two process time zones, and on hostile images: each gives
// a clear problem, the rest is kept, nothing hangs.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyExtraction } from '../src/extract/facts.ts';
import { imageExtractor, readXmp } from '../src/extract/formats/image.ts';
import { extractorFor } from '../src/extract/index.ts';
import { ocrAvailability, withOcr } from '../src/extract/ocr.ts';
import type { Extraction } from '../src/extract/types.ts';
import { isKnownCode } from '../src/report/catalogue.ts';
import { createRng } from '../src/sample/prng.ts';
import { requireCorpus } from './helpers/corpus.ts';

const OPTIONS = { maxTextChars: 100_000, ocr: false };
const extract = (bytes: Buffer) => imageExtractor.extract(bytes, OPTIONS);
const codes = (r: Extraction) => r.problems.map((p) => p.code);
const field = (r: Extraction, group: string, name: string) =>
  r.fields.find((f) => f.group === group && f.name === name)?.value;

// --- builders --------------------------------------------------------------------------------------

interface Entry {
  tag: number;
  type: 2 | 3 | 4 | 5 | 7;
  value: string | number[] | Buffer;
}

function encode(entry: Entry): { count: number; data: Buffer } {
  const { type, value } = entry;
  if (type === 2)
    return { count: Buffer.byteLength(`${value}\0`), data: Buffer.from(`${value}\0`, 'latin1') };
  if (type === 7) return { count: (value as Buffer).length, data: value as Buffer };
  const numbers = value as number[];
  const size = type === 3 ? 2 : 4;
  const data = Buffer.alloc(numbers.length * size);
  for (const [i, n] of numbers.entries()) {
    if (size === 2) data.writeUInt16LE(n, i * 2);
    else data.writeUInt32LE(n, i * 4);
  }
  return { count: type === 5 ? numbers.length / 2 : numbers.length, data };
}

/** A little-endian TIFF with IFD0 and optional EXIF and GPS IFDs. */
function tiff(ifd0: Entry[], exif: Entry[] = [], gps: Entry[] = []): Buffer {
  const ifds = [ifd0, exif, gps].filter((ifd, i) => i === 0 || ifd.length > 0);
  const sizes = ifds.map((ifd, i) => 2 + 12 * (ifd.length + (i === 0 ? ifds.length - 1 : 0)) + 4);
  const starts = sizes.map((_, i) => 8 + sizes.slice(0, i).reduce((a, b) => a + b, 0));
  let dataAt = 8 + sizes.reduce((a, b) => a + b, 0);
  const out: Buffer[] = [Buffer.from('II*\0\x08\0\0\0', 'latin1')];
  const data: Buffer[] = [];
  ifds.forEach((ifd, i) => {
    const entries = [...ifd];
    if (i === 0) {
      if (exif.length) entries.push({ tag: 0x8769, type: 4, value: [starts[1]!] });
      if (gps.length) entries.push({ tag: 0x8825, type: 4, value: [starts[exif.length ? 2 : 1]!] });
    }
    entries.sort((a, b) => a.tag - b.tag);
    const block = Buffer.alloc(sizes[i]!);
    block.writeUInt16LE(entries.length, 0);
    entries.forEach((entry, j) => {
      const { count, data: bytes } = encode(entry);
      const at = 2 + 12 * j;
      block.writeUInt16LE(entry.tag, at);
      block.writeUInt16LE(entry.type, at + 2);
      block.writeUInt32LE(count, at + 4);
      if (bytes.length <= 4) bytes.copy(block, at + 8);
      else {
        block.writeUInt32LE(dataAt, at + 8);
        const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
        data.push(padded);
        dataAt += padded.length;
      }
    });
    out.push(block);
  });
  return Buffer.concat([...out, ...data]);
}

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A JPEG with the given segments, a 16×8 frame header and an empty scan. */
function jpeg(...segments: Buffer[]): Buffer {
  const frame = segment(0xc0, Buffer.from([8, 0, 8, 0, 16, 1, 1, 0x11, 0]));
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...segments,
    frame,
    Buffer.from([0xff, 0xda, 0, 2, 0xff, 0xd9]),
  ]);
}

const exifSegment = (block: Buffer) =>
  segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), block]));
const xmpSegment = (xml: string) =>
  segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xml)]));

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(...chunks: Buffer[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(3, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    ...chunks,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An IPTC record: ObjectName. */
const IPTC_RECORD = Buffer.concat([Buffer.from([0x1c, 2, 5, 0, 10]), Buffer.from('Titre TIFF')]);

/** Photoshop image resources: the IPTC record (0x0404) and a stored digest of it (0x0425). */
function resources(iptc: Buffer, digest: Buffer): Buffer {
  const resource = (id: number, data: Buffer) => {
    const head = Buffer.alloc(12);
    head.write('8BIM', 0, 'latin1');
    head.writeUInt16BE(id, 4);
    head.writeUInt32BE(data.length, 8);
    return Buffer.concat([head, data, Buffer.alloc(data.length & 1)]);
  };
  return Buffer.concat([resource(0x0404, iptc), resource(0x0425, digest)]);
}

const XMP = `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c140">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xap="http://ns.adobe.com/xap/1.0/" xmlns:mm="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:evt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xap:CreatorTool="Adobe Photoshop CC 2019 (Windows)" xap:CreateDate="2019-03-04T10:11:12+01:00">
   <xap:ModifyDate>2019-03-05T08:00:00+01:00</xap:ModifyDate>
   <dc:creator><rdf:Seq><rdf:li>Jean Dupont</rdf:li><rdf:li>A &amp; B</rdf:li></rdf:Seq></dc:creator>
   <mm:History>
    <rdf:Seq>
     <rdf:li evt:action="created" evt:when="2019-03-04T10:11:12+01:00" evt:softwareAgent="Adobe Photoshop CC 2019 (Windows)"/>
     <rdf:li rdf:parseType="Resource">
      <evt:action>saved</evt:action><evt:when>2019-03-05T08:00:00+01:00</evt:when><evt:changed>/</evt:changed>
     </rdf:li>
    </rdf:Seq>
   </mm:History>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;

// --- corpus ----------------------------------------------------------------------------------------

const corpus = requireCorpus('docs', 'extract-image');
const inCi = !!process.env.CI && !['0', 'false'].includes(process.env.CI.trim().toLowerCase());
const has = (program: string, args: string[]) => !spawnSync(program, args, { stdio: 'ignore' }).error;
const exiftool = has('exiftool', ['-ver']);
if (!exiftool) {
  if (inCi)
    throw new Error(
      '[extract-image] exiftool not installed: CI is set, so the cross-check fails instead of skipping',
    );
  console.warn(
    '[extract-image] exiftool not installed: the cross-check is skipped (Debian: libimage-exiftool-perl)',
  );
}

describe.skipIf(!corpus)('corpus images (PROVENANCE.md)', () => {
  const read = (name: string) => extract(readFileSync(join(corpus!, name)));

  it('tika testJPEG_EXIF: Canon EOS 40D, serial 730552258, Photoshop CS3, capture 2009-08-11 09:09:45 with no zone, modified later, XMP from Lightroom', async () => {
    const r = await read('tika__testJPEG_EXIF.jpg');
    const image = r.facts.image!;
    expect([image.make, image.model, image.serial]).toEqual(['Canon', 'Canon EOS 40D', '730552258']);
    expect(image.software).toBe('Adobe Photoshop CS3 Macintosh');
    expect(image.original).toEqual({
      written: '2009:08:11 09:09:45',
      local: '2009-08-11T09:09:45',
      offset: null,
    });
    expect(image.modified?.local).toBe('2009-10-02T23:02:49');
    expect(image.gps).toBeNull();
    expect(field(r, 'XMP', 'xmp:CreatorTool')).toBe('Adobe Photoshop Lightroom');
    expect(field(r, 'XMP', 'dc:rights[1]')).toBe('(c) Максим Валянский');
    expect(r.ocrCandidate).toBe(true);
    expect(r.text).toBeNull();
    expect(r.problems).toEqual([]);
  });

  it('tika testJPEG_GEO: the same camera, at 12.5432 N 54.1234 W', async () => {
    const image = (await read('tika__testJPEG_GEO.jpg')).facts.image!;
    expect(image.model).toBe('Canon EOS 40D');
    expect(image.gps!.latitude).toBeCloseTo(12.5432, 4);
    expect(image.gps!.longitude).toBeCloseTo(-54.1234, 4);
  });

  it('tika testPNG: tIME 2008-05-06 06:18:47 (UTC by the PNG standard) and the tEXt comment', async () => {
    const r = await read('tika__testPNG.png');
    expect(r.facts.modified).toMatchObject({ local: '2008-05-06T06:18:47', offset: '+00:00' });
    expect(field(r, 'PNG text', 'Comment')).toMatch(/^Licensed to the Apache Software Foundation/);
    expect([r.facts.image!.width, r.facts.image!.height]).toEqual([100, 75]);
  });

  it('exiftool ExifTool.jpg: Canon PowerShot A5 (its CIFF record, before the EXIF FUJIFILM, as ExifTool), Photoshop 7.0, DTO 1998-05-01, CreateDate 2001-05-19, ModifyDate 2004-02-26, Phil Harvey, and the stale IPTC digest as a trace', async () => {
    const r = await read('exiftool__ExifTool.jpg');
    const image = r.facts.image!;
    expect(image.software).toBe('Adobe Photoshop 7.0');
    expect([image.make, image.model]).toEqual(['Canon', 'Canon PowerShot A5']);
    expect(field(r, 'EXIF', 'Make')).toBe('FUJIFILM'); // both are kept as fields
    expect(image.original).toEqual({
      written: '1998:05:01 21:33:18',
      local: '1998-05-01T21:33:18',
      offset: null,
    });
    expect(image.digitized?.local).toBe('2001-05-19T18:36:41');
    expect(image.modified?.local).toBe('2004-02-26T09:36:46');
    expect(r.facts.authors).toEqual(['Phil Harvey']);
    expect(image.traces).toEqual([
      {
        code: 'extract.image.iptc-digest-stale',
        params: { stored: '05ad1770b1a95f1f9788ac995fa647da', actual: '6895be53ef9a287520f400aa17242c09' },
      },
    ]);
    // its XMP packet is UTF-16 big-endian
    expect(field(r, 'XMP', 'dc:description[1]')).toBe('UTF-16 (big-endian) encoded XMP');
    expect(field(r, 'IPTC', 'ObjectName')).toBe('Test IPTC picture');
  });

  it('exiftool GPS.jpg: FUJIFILM FinePixS1Pro, Photoshop 7.0, 54.99 N 1.91 W, local 15:58:28 against GPS 14:58:24 UTC gives a derived +01:00', async () => {
    const image = (await read('exiftool__GPS.jpg')).facts.image!;
    expect([image.make, image.model, image.software]).toEqual([
      'FUJIFILM',
      'FinePixS1Pro',
      'Adobe Photoshop 7.0',
    ]);
    expect(image.original).toEqual({
      written: '2002:07:13 15:58:28',
      local: '2002-07-13T15:58:28',
      offset: null,
      derivedOffset: '+01:00',
    });
    expect(image.gps!.latitude).toBeCloseTo(54.99, 2);
    expect(image.gps!.longitude).toBeCloseTo(-1.91, 2);
    expect(image.gps!.when).toBeNull(); // a time without a GPS date
  });

  it('exifr Pixel photo: HDR+ software, DTO 16:34:23 without OffsetTime, GPS 2018-07-25 14:34:23 UTC, derived +02:00, in Czechia', async () => {
    const image = (await read('exifr__IMG_20180725_163423-tiny.jpg')).facts.image!;
    expect([image.make, image.model, image.software]).toEqual(['Google', 'Pixel', 'HDR+ 1.0.199571065z']);
    expect(image.original).toMatchObject({
      local: '2018-07-25T16:34:23',
      offset: null,
      derivedOffset: '+02:00',
    });
    expect(image.gps!.when).toEqual({
      written: '2018:07:25 14:34:23',
      local: '2018-07-25T14:34:23',
      offset: '+00:00',
    });
    expect(image.gps!.latitude).toBeCloseTo(50.2996, 4);
    expect(image.gps!.longitude).toBeCloseTo(14.8203, 4);
  });

  it('exifr spliced PNG: Canon PowerShot S40 with HDR+ software, DTO 2003-12-14 from the eXIf chunk after IDAT, GPS dated 2018, no offset derived across 15 years', async () => {
    const r = await read('exifr__png_with_exif_and_gps.png');
    const image = r.facts.image!;
    expect([image.make, image.model, image.software]).toEqual([
      'Canon',
      'Canon PowerShot S40',
      'HDR+ 1.0.199571065z',
    ]);
    expect(image.original).toEqual({
      written: '2003:12:14 12:01:44',
      local: '2003-12-14T12:01:44',
      offset: null,
    });
    expect(image.gps!.when?.local).toBe('2018-07-25T14:34:23');
    expect(image.traces).toEqual([
      { code: 'extract.image.png-metadata-after-data', params: { chunks: ['eXIf'] } },
    ]);
    expect(field(r, 'XMP', 'exif:GPSTimeStamp')).toBe('2018-07-25T14:34:23Z');
  });

  it('exifr img_1771: straight from a Canon PowerShot S40, three equal dates, no Software', async () => {
    const r = await read('exifr__img_1771.jpg');
    const image = r.facts.image!;
    expect(image.model).toBe('Canon PowerShot S40');
    expect(image.software).toBeNull();
    expect(r.facts.application).toBeNull();
    for (const d of [image.original, image.digitized, image.modified])
      expect(d?.local).toBe('2003-12-14T12:01:44');
    expect(image.traces).toEqual([]);
  });

  it('exifr heic-single: ingest names no heic format, so no extractor reads it (and the image extractor refuses it)', async () => {
    expect(extractorFor('heic')).toBeUndefined();
    await expect(read('exifr__heic-single.heic')).rejects.toThrow(/not a JPEG/);
  });

  it.skipIf(!exiftool)(
    'agrees with ExifTool on camera, software, capture date, GPS and size of every corpus image',
    async () => {
      const names = readdirSync(corpus!)
        .filter((n) => /\.(jpe?g|png)$/.test(n))
        .sort();
      const tags = [
        'Make',
        'Model',
        'Software',
        'DateTimeOriginal',
        'GPSLatitude',
        'GPSLongitude',
        'ImageWidth',
        'ImageHeight',
      ];
      const theirs = JSON.parse(
        execFileSync(
          'exiftool',
          ['-j', '-n', ...tags.map((t) => `-${t}`), ...names.map((n) => join(corpus!, n))],
          {
            encoding: 'utf8',
          },
        ),
      ) as Record<string, string | number | undefined>[];
      expect(theirs).toHaveLength(names.length);
      for (const [i, name] of names.entries()) {
        const image = (await read(name)).facts.image!;
        const t = theirs[i]!;
        const ours = {
          make: image.make,
          model: image.model,
          software: image.software,
          original: image.original?.written ?? null,
          latitude: image.gps ? Number(image.gps.latitude.toFixed(6)) : null,
          longitude: image.gps ? Number(image.gps.longitude.toFixed(6)) : null,
          size: [image.width, image.height],
        };
        expect(ours, name).toEqual({
          make: t.Make ?? null,
          model: t.Model ?? null,
          software: t.Software ?? null,
          original: t.DateTimeOriginal ?? null,
          latitude: t.GPSLatitude === undefined ? null : Number(Number(t.GPSLatitude).toFixed(6)),
          longitude: t.GPSLongitude === undefined ? null : Number(Number(t.GPSLongitude).toFixed(6)),
          size: [t.ImageWidth, t.ImageHeight],
        });
      }
    },
  );

  it('dates come out the same under two process time zones', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { imageExtractor } from ${JSON.stringify(new URL('../src/extract/formats/image.ts', import.meta.url).pathname)};
      const out = [];
      for (const name of ['tika__testJPEG_EXIF.jpg', 'exifr__IMG_20180725_163423-tiny.jpg', 'tika__testPNG.png']) {
        const r = await imageExtractor.extract(readFileSync(${JSON.stringify(corpus)} + '/' + name), { maxTextChars: 1000, ocr: false });
        out.push([r.facts.created, r.facts.modified, r.facts.image.gps]);
      }
      console.log(JSON.stringify(out));`;
    const run = (tz: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
    const kiritimati = run('Pacific/Kiritimati');
    expect(run('America/Los_Angeles')).toBe(kiritimati);
    expect(JSON.parse(kiritimati)[0][0].local).toBe('2009-08-11T09:09:45');
  });
});

// --- built here ------------------------------------------------------------------------------------

describe('images built here', () => {
  it('a TIFF: EXIF, GPS with date and OffsetTimeOriginal, XMP in ApplicationNotes', async () => {
    const bytes = tiff(
      [
        { tag: 0x0100, type: 3, value: [640] },
        { tag: 0x0101, type: 3, value: [480] },
        { tag: 0x010f, type: 2, value: 'NIKON CORPORATION' },
        { tag: 0x0110, type: 2, value: 'NIKON D750' },
        { tag: 0x0131, type: 2, value: 'GIMP 2.10' },
        { tag: 0x0132, type: 2, value: '2020:01:02 03:04:05' },
        { tag: 0x02bc, type: 7, value: Buffer.from(XMP) },
        { tag: 0x83bb, type: 7, value: IPTC_RECORD },
        { tag: 0x8649, type: 7, value: resources(IPTC_RECORD, Buffer.alloc(16)) },
      ],
      [
        { tag: 0x9003, type: 2, value: '2020:01:01 23:30:00' },
        { tag: 0x9011, type: 2, value: '+05:30' },
        { tag: 0xa431, type: 2, value: '6012345' },
      ],
      [
        { tag: 0x0001, type: 2, value: 'S' },
        { tag: 0x0002, type: 5, value: [33, 1, 52, 1, 0, 1] },
        { tag: 0x0003, type: 2, value: 'E' },
        { tag: 0x0004, type: 5, value: [151, 1, 12, 1, 36, 1] },
        { tag: 0x0007, type: 5, value: [18, 1, 0, 1, 0, 1] },
        { tag: 0x001d, type: 2, value: '2020:01:01' },
      ],
    );
    const r = await extract(bytes);
    const image = r.facts.image!;
    expect([image.make, image.model, image.serial, image.software]).toEqual([
      'NIKON CORPORATION',
      'NIKON D750',
      '6012345',
      'GIMP 2.10',
    ]);
    expect([image.width, image.height]).toEqual([640, 480]);
    // The camera gave its zone, so none is derived (GPS 18:00 UTC agrees with +05:30 anyway).
    expect(image.original).toEqual({
      written: '2020:01:01 23:30:00 +05:30',
      local: '2020-01-01T23:30:00',
      offset: '+05:30',
    });
    expect(image.gps!.latitude).toBeCloseTo(-33.8667, 3);
    expect(image.gps!.longitude).toBeCloseTo(151.21, 2);
    expect(image.gps!.when).toMatchObject({ local: '2020-01-01T18:00:00', offset: '+00:00' });
    expect(field(r, 'XMP', 'xmp:CreatorTool')).toBe('Adobe Photoshop CC 2019 (Windows)');
    expect(r.facts.authors).toEqual(['Jean Dupont', 'A & B']);
    // IPTC and Photoshop's resources in IFD0: a digest of zeros is not the record's
    expect(r.facts.title).toBe('Titre TIFF');
    expect(image.traces.map((t) => t.code)).toEqual(['extract.image.iptc-digest-stale']);
    expect(r.problems).toEqual([]);
  });

  it('XMP: toolkit, dates, creators and history, whatever prefixes the packet declares', () => {
    const { packet } = readXmp(XMP, 42);
    expect(packet).toEqual({
      offset: 42,
      toolkit: 'Adobe XMP Core 5.6-c140',
      creatorTool: 'Adobe Photoshop CC 2019 (Windows)',
      producer: null,
      created: { written: '2019-03-04T10:11:12+01:00', local: '2019-03-04T10:11:12', offset: '+01:00' },
      modified: { written: '2019-03-05T08:00:00+01:00', local: '2019-03-05T08:00:00', offset: '+01:00' },
      metadataDate: null,
      creators: ['Jean Dupont', 'A & B'],
      history: [
        {
          action: 'created',
          when: { written: '2019-03-04T10:11:12+01:00', local: '2019-03-04T10:11:12', offset: '+01:00' },
          softwareAgent: 'Adobe Photoshop CC 2019 (Windows)',
          changed: null,
        },
        {
          action: 'saved',
          when: { written: '2019-03-05T08:00:00+01:00', local: '2019-03-05T08:00:00', offset: '+01:00' },
          softwareAgent: null,
          changed: '/',
        },
      ],
    });
  });

  it('a JPEG with EXIF and XMP: the frame size, the fields grouped, no zone invented without GPS', async () => {
    const block = tiff(
      [{ tag: 0x010f, type: 2, value: 'Apple' }],
      [{ tag: 0x9003, type: 2, value: '2021:06:01 12:00:00' }],
    );
    const r = await extract(jpeg(exifSegment(block), xmpSegment(XMP), segment(0xfe, Buffer.from('scanné'))));
    expect([r.facts.image!.width, r.facts.image!.height]).toEqual([16, 8]);
    expect(r.facts.image!.original).toEqual({
      written: '2021:06:01 12:00:00',
      local: '2021-06-01T12:00:00',
      offset: null,
    });
    expect(field(r, 'EXIF', 'Make')).toBe('Apple');
    expect(field(r, 'JPEG', 'Comment')).toBe('scanné');
    expect(r.facts.modified?.local).toBe('2019-03-05T08:00:00'); // from XMP: no EXIF ModifyDate
  });

  it('PNG text chunks: tEXt, zTXt and iTXt (with XMP), and metadata after IDAT as a trace', async () => {
    const itxt = (keyword: string, text: string) =>
      chunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\0\0fr\0\0`, 'latin1'), Buffer.from(text)]));
    const r = await extract(
      png(
        chunk('tEXt', Buffer.from('Author\0Jean Dupont', 'latin1')),
        chunk('zTXt', Buffer.concat([Buffer.from('Description\0\0', 'latin1'), deflateSync('un résumé')])),
        chunk('IDAT', deflateSync(Buffer.alloc(12))),
        itxt('Title', 'Été'),
        itxt('XML:com.adobe.xmp', XMP),
      ),
    );
    expect(field(r, 'PNG text', 'Author')).toBe('Jean Dupont');
    expect(field(r, 'PNG text', 'Description')).toBe(Buffer.from('un résumé').toString('latin1')); // zTXt is Latin-1
    expect(field(r, 'PNG text', 'Title')).toBe('Été');
    expect(r.facts.title).toBe('Été');
    expect(r.facts.authors).toEqual(['Jean Dupont', 'A & B']);
    expect(r.facts.application).toBe('Adobe Photoshop CC 2019 (Windows)');
    expect(r.facts.image!.traces).toEqual([
      { code: 'extract.image.png-metadata-after-data', params: { chunks: ['iTXt'] } },
    ]);
  });

  it('WebP and GIF: sizes, EXIF/XMP chunks, the GIF comment and XMP extension', async () => {
    const riff = (...chunks: [string, Buffer][]) => {
      const body = Buffer.concat(
        chunks.map(([type, data]) => {
          const head = Buffer.alloc(8);
          head.write(type, 0, 'latin1');
          head.writeUInt32LE(data.length, 4);
          return Buffer.concat([head, data, Buffer.alloc(data.length & 1)]);
        }),
      );
      const head = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
      head.writeUInt32LE(body.length + 4, 4);
      return Buffer.concat([head, body]);
    };
    const vp8x = Buffer.alloc(10);
    vp8x.writeUIntLE(199, 4, 3);
    vp8x.writeUIntLE(99, 7, 3);
    const webp = await extract(
      riff(
        ['VP8X', vp8x],
        ['EXIF', tiff([{ tag: 0x0131, type: 2, value: 'Snapseed' }])],
        ['XMP ', Buffer.from(XMP)],
      ),
    );
    expect([webp.facts.image!.width, webp.facts.image!.height]).toEqual([200, 100]);
    expect(webp.facts.image!.software).toBe('Snapseed');
    expect(field(webp, 'XMP', 'xmp:CreatorTool')).toBe('Adobe Photoshop CC 2019 (Windows)');

    const gif = Buffer.concat([
      Buffer.from('GIF89a', 'latin1'),
      Buffer.from([5, 0, 3, 0, 0, 0, 0]),
      Buffer.from([0x21, 0xfe, 5]),
      Buffer.from('hello'),
      Buffer.from([0]),
      Buffer.from([0x21, 0xff, 11]),
      Buffer.from('XMP DataXMP', 'latin1'),
      Buffer.from(XMP),
      Buffer.from([1, 0xff, 0]), // the start of the magic trailer, cut short
      Buffer.from([0x2c, 0, 0, 0, 0, 5, 0, 3, 0, 0, 2, 2, 0x4c, 0x01, 0]),
      Buffer.from([0x3b]),
    ]);
    const g = await extract(gif);
    expect([g.facts.image!.width, g.facts.image!.height]).toEqual([5, 3]);
    expect(field(g, 'GIF', 'Comment')).toBe('hello');
    expect(g.facts.authors).toEqual(['Jean Dupont', 'A & B']);
    expect(g.problems).toEqual([]);
  });
});

// --- hostile ---------------------------------------------------------------------------------------

describe('hostile images', () => {
  const expectKnown = (r: Extraction) => {
    for (const p of [...r.problems, ...(r.facts.image?.traces ?? [])]) expect(isKnownCode(p.code)).toBe(true);
  };

  it('an EXIF block cut short: a problem, the frame size still read', async () => {
    const block = tiff([{ tag: 0x010f, type: 2, value: 'A long camera maker name' }]);
    const r = await extract(jpeg(exifSegment(block.subarray(0, 20))));
    expect(codes(r)).toContain('extract.image.exif-damaged');
    expect(r.facts.image!.width).toBe(16);
    expectKnown(r);
  });

  it('IFDs pointing at themselves and a count of 2^31 values end, with problems', async () => {
    const loop = Buffer.alloc(8 + 2 + 12 * 2 + 4);
    loop.write('II*\0', 0, 'latin1');
    loop.writeUInt32LE(8, 4);
    loop.writeUInt16LE(2, 8);
    // Make: 2^31 ASCII characters at offset 8
    loop.writeUInt16LE(0x010f, 10);
    loop.writeUInt16LE(2, 12);
    loop.writeUInt32LE(0x80000000, 14);
    loop.writeUInt32LE(8, 18);
    // ExifIFD pointer back to IFD0, and IFD0's next IFD itself
    loop.writeUInt16LE(0x8769, 22);
    loop.writeUInt16LE(4, 24);
    loop.writeUInt32LE(1, 26);
    loop.writeUInt32LE(8, 30);
    loop.writeUInt32LE(8, 34);
    const r = await extract(jpeg(exifSegment(loop)));
    expect(r.facts.image!.make).toBeNull();
    expect(r.facts.image!.width).toBe(16);
    expectKnown(r);
  });

  it('a JPEG segment longer than the file, and a PNG chunk longer than the file: truncated, the rest kept', async () => {
    const cut = jpeg(xmpSegment(XMP)).subarray(0, 200);
    const r = await extract(cut);
    expect(codes(r)).toEqual(['extract.image.truncated']);
    const p = png(chunk('tEXt', Buffer.from('Author\0X', 'latin1')));
    const head = p.subarray(0, p.length - 12);
    const broken = Buffer.concat([
      head,
      Buffer.from([0x7f, 0xff, 0xff, 0xff]),
      Buffer.from('tEXt', 'latin1'),
    ]);
    const q = await extract(broken);
    expect(codes(q)).toEqual(['extract.image.truncated']);
    expect(field(q, 'PNG text', 'Author')).toBe('X');
    expectKnown(q);
  });

  it('a zTXt bomb (64 MB of zeros in 64 KB) is not unpacked past the limit', async () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const r = await extract(png(chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), bomb]))));
    expect(codes(r)).toEqual(['extract.image.text-too-large']);
    expectKnown(r);
  });

  it('a thousand small zTXt bombs share one budget; a million tEXt chunks keep 5,000 fields', async () => {
    const small = deflateSync(Buffer.alloc(4 * 1024 * 1024));
    const zTXt = chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), small]));
    const r = await extract(png(Buffer.concat(Array.from({ length: 1000 }, () => zTXt))));
    expect(new Set(codes(r))).toEqual(new Set(['extract.image.text-budget']));
    const tEXt = chunk('tEXt', Buffer.from('k\0v', 'latin1'));
    const many = await extract(png(Buffer.concat(Array.from({ length: 1_000_000 }, () => tEXt))));
    expect(many.fields).toHaveLength(5000);
    expect(codes(many)).toEqual(['extract.image.fields-limit']);
    expectKnown(r);
    expectKnown(many);
  });

  it('XMP nested 100,000 deep, or with 100,000 properties, stops at a limit', async () => {
    const deep = `<x:xmpmeta xmlns:x="adobe:ns:meta/">${'<a:b>'.repeat(100_000)}`;
    expect(readXmp(deep, 0).limited).toBe('depth');
    const wide = `<rdf:Description ${Array.from({ length: 100_000 }, (_, i) => `p:k${i}="v"`).join(' ')}/>`;
    const read = readXmp(wide, 0);
    expect(read.limited).toBe('properties');
    expect(read.properties).toHaveLength(5000);
    const itxt = Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(deep)]);
    const r = await extract(png(chunk('iTXt', itxt)));
    expect(codes(r)).toEqual(['extract.image.xmp-limit']);
    const packets = await extract(jpeg(...Array.from({ length: 20 }, () => xmpSegment(XMP))));
    expect(packets.problems).toEqual([
      { code: 'extract.image.xmp-limit', params: { limit: 'packets', count: 20 } },
    ]);
    expectKnown(r);
  });

  it('4,000 EXIF entries all claiming the same 64 KB of values are refused before exifr reads them', async () => {
    const entries = 4000;
    const values = 65_536;
    const ifdLength = 2 + 12 * entries + 4;
    const block = Buffer.alloc(8 + ifdLength + values);
    block.write('II*\0', 0, 'latin1');
    block.writeUInt32LE(8, 4);
    block.writeUInt16LE(entries, 8);
    for (let n = 0; n < entries; n++) {
      const at = 10 + n * 12;
      block.writeUInt16LE(0x9000 + n, at);
      block.writeUInt16LE(3, at + 2); // SHORT
      block.writeUInt32LE(values / 2, at + 4);
      block.writeUInt32LE(8 + ifdLength, at + 8);
    }
    const r = await extract(block);
    expect(r.problems).toEqual([
      {
        code: 'extract.image.exif-overlapping',
        params: { referenced: entries * values, size: block.length },
      },
    ]);
    expectKnown(r);
  });

  it('a Canon CIFF record whose directory contains itself, or claims 65,535 entries, ends', async () => {
    const ciff = (heap: Buffer) =>
      segment(0xe0, Buffer.concat([Buffer.from('II\x0e\0\0\0HEAPJPGM', 'latin1'), heap]));
    const selfish = Buffer.alloc(16);
    selfish.writeUInt16LE(1, 0);
    selfish.writeUInt16LE(0x300a, 2); // a sub-directory…
    selfish.writeUInt32LE(16, 4); // …that is this whole heap
    selfish.writeUInt32LE(0, 8);
    selfish.writeUInt32LE(0, 12);
    const huge = Buffer.alloc(6);
    huge.writeUInt16LE(0xffff, 0);
    const r = await extract(jpeg(ciff(selfish), ciff(huge)));
    expect(r.facts.image!.make).toBeNull();
    expect(codes(r)).toEqual(['extract.image.truncated']);
    expectKnown(r);
  });

  it('GPS outside the Earth is a problem, not a position', async () => {
    const block = tiff(
      [{ tag: 0x010f, type: 2, value: 'X' }],
      [],
      [
        { tag: 0x0001, type: 2, value: 'N' },
        { tag: 0x0002, type: 5, value: [500, 1, 0, 1, 0, 1] },
        { tag: 0x0003, type: 2, value: 'E' },
        { tag: 0x0004, type: 5, value: [10, 1, 0, 1, 0, 1] },
      ],
    );
    const r = await extract(jpeg(exifSegment(block)));
    expect(r.facts.image!.gps).toBeNull();
    expect(codes(r)).toEqual(['extract.image.gps-invalid']);
    expectKnown(r);
  });

  it('random bytes behind each magic, and every corpus image cut at random points: problems, never a throw', async () => {
    const rng = createRng(7);
    const magics = ['\xff\xd8\xff\xe1', '\x89PNG\r\n\x1a\n', 'GIF89a', 'II*\0', 'MM\0*', 'RIFF\0\0\0\0WEBP'];
    const samples: Buffer[] = [];
    for (const magic of magics)
      for (let i = 0; i < 300; i++)
        samples.push(Buffer.concat([Buffer.from(magic, 'latin1'), rng.bytes(rng.range(0, 2000))]));
    if (corpus)
      for (const name of readdirSync(corpus).filter((n) => /\.(jpg|png)$/.test(n))) {
        const bytes = readFileSync(join(corpus, name));
        for (let i = 0; i < 40; i++) {
          const cut = Buffer.from(bytes.subarray(0, rng.range(8, bytes.length)));
          cut[rng.int(cut.length)] = rng.int(256); // and one byte changed
          samples.push(cut);
        }
      }
    for (const sample of samples) {
      const r = await extract(sample);
      expectKnown(r);
    }
  });

  it('a file that is no image at all is refused', async () => {
    await expect(extract(Buffer.from('hello'))).rejects.toThrow(/not a JPEG/);
  });
});

// --- OCR -------------------------------------------------------------------------------------------

/** 5×7 glyphs, enough for the phrase drawn below. */
const GLYPHS: Record<string, string[]> = {
  H: ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  O: ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  W: ['10001', '10001', '10001', '10101', '10101', '10101', '01010'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

/** Black text on white, 8-bit grey, `scale` pixels per font dot, as raw rows. */
function drawText(phrase: string, scale = 10): { width: number; height: number; pixels: Buffer } {
  const margin = 4 * scale;
  const width = margin * 2 + phrase.length * 6 * scale;
  const height = margin * 2 + 7 * scale;
  const pixels = Buffer.alloc(width * height, 255);
  [...phrase].forEach((letter, n) => {
    GLYPHS[letter]!.forEach((row, y) => {
      for (let x = 0; x < 5; x++) {
        if (row[x] !== '1') continue;
        for (let dy = 0; dy < scale; dy++) {
          const at = (margin + y * scale + dy) * width + margin + (n * 6 + x) * scale;
          pixels.fill(0, at, at + scale);
        }
      }
    });
  });
  return { width, height, pixels };
}

function greyPng({ width, height, pixels }: ReturnType<typeof drawText>): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey)
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(rows, y * (width + 1) + 1, y * width, (y + 1) * width);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF whose page is nothing but the image: a scan. */
function scanPdf({ width, height, pixels }: ReturnType<typeof drawText>): Buffer {
  const image = deflateSync(pixels);
  const content = `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${image.length} >>\nstream\n`,
      ),
      image,
      Buffer.from('\nendstream'),
    ]),
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    const bytes = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`),
      Buffer.from(body),
      Buffer.from('\nendobj\n'),
    ]);
    offsets.push(at);
    parts.push(bytes);
    at += bytes.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(
    Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

const tesseract = has('tesseract', ['--version']);
const pdftoppm = has('pdftoppm', ['-v']);
if (!tesseract || !pdftoppm) {
  const missing = [!tesseract && 'tesseract', !pdftoppm && 'pdftoppm'].filter(Boolean).join(' and ');
  if (inCi)
    throw new Error(
      `[extract-image] ${missing} not installed: CI is set, so the OCR tests fail instead of skipping`,
    );
  console.warn(
    `[extract-image] ${missing} not installed: OCR tests skipped (Debian: tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils)`,
  );
}

describe('OCR', () => {
  const OCR = { maxTextChars: 100_000, ocr: true };
  const phrase = drawText('HELLO WORLD');

  it.skipIf(!tesseract)('tesseract is found with French and English', () => {
    expect(ocrAvailability()).toEqual({ available: true, langs: ['fra', 'eng'], missing: [] });
  });

  it.skipIf(!tesseract)('an image with text drawn here is read, marked as OCR', async () => {
    const bytes = greyPng(phrase);
    const extraction = await imageExtractor.extract(bytes, OCR);
    const r = await withOcr(extraction, bytes, 'png', OCR);
    expect(r.text).toMatch(/HELLO\s+WORLD/);
    expect(r.textSource).toBe('ocr');
    expect(r.problems).toEqual([]);
    // not asked: nothing changes
    expect(await withOcr(extraction, bytes, 'png', OPTIONS)).toBe(extraction);
  });

  it.skipIf(!tesseract || !pdftoppm)('a scanned PDF is drawn page by page and read', async () => {
    const bytes = scanPdf(phrase);
    const scan = { ...emptyExtraction(), ocrCandidate: true };
    const r = await withOcr(scan, bytes, 'pdf', OCR);
    expect(r.text).toMatch(/HELLO\s+WORLD/);
    expect(r.textSource).toBe('ocr');
    expect(r.problems).toEqual([]);
  });

  it.skipIf(!tesseract)('an image claiming 100,000 × 100,000 pixels is not handed to tesseract', async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr[8] = 8;
    const bytes = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      chunk('IHDR', ihdr),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const r = await withOcr(await imageExtractor.extract(bytes, OCR), bytes, 'png', OCR);
    expect(r.problems).toEqual([
      { code: 'extract.ocr.image-too-large', params: { width: 100_000, height: 100_000, limit: 40_000_000 } },
    ]);
    expect(r.text).toBeNull();
    for (const p of r.problems) expect(isKnownCode(p.code)).toBe(true);
  });

  it('without tesseract, asking for OCR gives a problem naming the Debian packages', () => {
    const script = `
      import { withOcr, ocrAvailability } from ${JSON.stringify(new URL('../src/extract/ocr.ts', import.meta.url).pathname)};
      import { emptyExtraction } from ${JSON.stringify(new URL('../src/extract/facts.ts', import.meta.url).pathname)};
      const r = await withOcr({ ...emptyExtraction(), ocrCandidate: true }, Buffer.alloc(10), 'png', { maxTextChars: 10, ocr: true });
      console.log(JSON.stringify([ocrAvailability(), r.problems, r.text]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    const packages = ['tesseract-ocr', 'tesseract-ocr-fra', 'tesseract-ocr-eng'];
    expect(JSON.parse(out)).toEqual([
      { available: false, langs: [], missing: packages },
      [{ code: 'extract.ocr.unavailable', params: { packages } }],
      null,
    ]);
    expect(isKnownCode('extract.ocr.unavailable')).toBe(true);
  });
});
