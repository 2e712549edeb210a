/**
 * Loader for the FreeRADIUS-format dictionaries we ship in radius/dictionaries, and `describe`,
 * which turns a packet into name/value pairs for logs and tests (hidden values never shown).
 *
 * Supported syntax (FreeRADIUS v3): VENDOR name id [format=…], BEGIN-VENDOR name
 * [format=Extended-Vendor-Specific-N | parent=Extended-Vendor-Specific-N], END-VENDOR,
 * ATTRIBUTE name number type [flags], VALUE attribute name number, $INCLUDE file.
 * Numbers may be "153", "153.1" (TLV child) or ".1" (child of the last tlv attribute).
 * Flags: has_tag, encrypt=N; others are accepted and ignored.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Attr, EXT_TYPE_EVS, type RadiusPacket } from './packet.js';

/** radius/dictionaries, from src/codec (tsx) and from dist/codec (built) alike. */
export const DICTIONARY_DIR = fileURLToPath(new URL('../../dictionaries/', import.meta.url));

export interface DictAttribute {
  name: string;
  /** 0 for standard attributes. */
  vendorId: number;
  /** 241–246 for attributes of an Extended-Vendor-Specific space (e.g. 245 for EVS5). */
  evs?: number;
  /** Full number path: [type], [parent, child] for TLV children, [241, 1] for extended. */
  path: number[];
  /** The attribute's own number (last of `path`). */
  type: number;
  /** Lower-case FreeRADIUS type: string, octets, integer, ipaddr, date, byte, tlv, … */
  dataType: string;
  /** 0 none, 1 User-Password (RFC 2865), 2 Tunnel-Password / salted (RFC 2868), 3 Ascend. */
  encrypt: number;
  hasTag: boolean;
  /** VALUE names by number. */
  values: Map<number, string>;
}

const key = (vendorId: number, path: readonly number[], evs = 0): string =>
  `${evs}/${vendorId}/${path.join('.')}`;

export class Dictionary {
  readonly vendorsByName = new Map<string, number>();
  readonly vendorsById = new Map<number, string>();
  private readonly byName = new Map<string, DictAttribute>();
  private readonly byKey = new Map<string, DictAttribute>();

  /** Attribute by name (case-sensitive, as written in the files). */
  get(name: string): DictAttribute | undefined {
    return this.byName.get(name);
  }

  /** Attribute by vendor (0 = standard) and number path; `evs` selects an Extended-Vendor-Specific space. */
  find(vendorId: number, path: readonly number[], evs?: number): DictAttribute | undefined {
    return this.byKey.get(key(vendorId, path, evs));
  }

  /** All attributes, in file order. */
  attributes(): IterableIterator<DictAttribute> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /** @internal used by the loader. */
  addAttribute(a: DictAttribute, where: string): void {
    const existing = this.byName.get(a.name);
    if (existing) throw new Error(`${where}: attribute ${a.name} defined twice`);
    const k = key(a.vendorId, a.path, a.evs);
    const clash = this.byKey.get(k);
    if (clash) throw new Error(`${where}: ${a.name} has the number of ${clash.name}`);
    this.byName.set(a.name, a);
    this.byKey.set(k, a);
  }
}

interface VendorInfo {
  id: number;
  /** Extended type (241–246) when the vendor's block is Extended-Vendor-Specific-N. */
  evs?: number;
}

function evsFormat(option: string | undefined): number | undefined {
  if (!option) return undefined;
  const m = /^(?:format|parent)=Extended-Vendor-Specific-([1-6])$/.exec(option);
  return m ? 240 + Number(m[1]) : undefined;
}

function parseFlags(flags: string | undefined, where: string): { encrypt: number; hasTag: boolean } {
  let encrypt = 0;
  let hasTag = false;
  for (const f of (flags ?? '').split(',').filter(Boolean)) {
    if (f === 'has_tag') hasTag = true;
    else if (f.startsWith('encrypt=')) {
      encrypt = Number(f.slice('encrypt='.length));
      if (!Number.isInteger(encrypt) || encrypt < 0 || encrypt > 3)
        throw new Error(`${where}: bad flag ${f}`);
    }
  }
  return { encrypt, hasTag };
}

function parseNumberPath(spec: string, lastTlv: number[] | undefined, where: string): number[] {
  if (spec.startsWith('.')) {
    if (!lastTlv) throw new Error(`${where}: relative number ${spec} without a tlv parent`);
    return [...lastTlv, ...parseNumberPath(spec.slice(1), undefined, where)];
  }
  const parts = spec.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    // Vendor numbers may exceed 255 only at the top level of 2-byte-type vendors; we ship none.
    throw new Error(`${where}: bad attribute number ${spec}`);
  }
  return parts;
}

/** Parses dictionary text into `dict`; $INCLUDEs resolve against `dir`. */
export function parseDictionaryText(
  text: string,
  file: string,
  dict: Dictionary,
  seen: Set<string> = new Set(),
): Dictionary {
  let current: VendorInfo | undefined;
  let lastTlv: number[] | undefined;
  const pendingValues: Array<{ attr: string; name: string; value: number; where: string }> = [];

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = lines[i]!.replace(/#.*/, '').trim();
    if (!line) continue;
    const [kw, ...f] = line.split(/\s+/);
    switch (kw) {
      case '$INCLUDE':
      case '$INCLUDE-': {
        if (!f[0]) throw new Error(`${where}: $INCLUDE without a file`);
        loadFile(join(dirname(file), f[0]), dict, seen, kw === '$INCLUDE-');
        break;
      }
      case 'VENDOR': {
        const [name, id] = f;
        if (!name || !id || !/^\d+$/.test(id)) throw new Error(`${where}: VENDOR name id`);
        const known = dict.vendorsByName.get(name);
        if (known !== undefined && known !== Number(id))
          throw new Error(`${where}: vendor ${name} redefined`);
        dict.vendorsByName.set(name, Number(id));
        dict.vendorsById.set(Number(id), name);
        break;
      }
      case 'BEGIN-VENDOR': {
        const name = f[0];
        const id = name === undefined ? undefined : dict.vendorsByName.get(name);
        if (id === undefined) throw new Error(`${where}: BEGIN-VENDOR for unknown vendor ${name}`);
        current = { id, evs: evsFormat(f[1]) };
        lastTlv = undefined;
        break;
      }
      case 'END-VENDOR':
        current = undefined;
        lastTlv = undefined;
        break;
      case 'ATTRIBUTE': {
        const [name, num, type, flags] = f;
        if (!name || !num || !type) throw new Error(`${where}: ATTRIBUTE name number type [flags]`);
        const path = parseNumberPath(num, lastTlv, where);
        const dataType = type.toLowerCase().replace(/\[\d+\]$/, '');
        const { encrypt, hasTag } = parseFlags(flags, where);
        const attr: DictAttribute = {
          name,
          vendorId: current?.id ?? 0,
          path,
          type: path[path.length - 1]!,
          dataType,
          encrypt,
          hasTag,
          values: new Map(),
        };
        if (current?.evs !== undefined) attr.evs = current.evs;
        dict.addAttribute(attr, where);
        if (dataType === 'tlv') lastTlv = path;
        break;
      }
      case 'VALUE': {
        const [attr, name, value] = f;
        if (!attr || !name || !value || !/^(\d+|0x[0-9a-f]+)$/i.test(value)) {
          throw new Error(`${where}: VALUE attribute name number`);
        }
        pendingValues.push({ attr, name, value: Number(value), where });
        break;
      }
      case 'BEGIN-TLV':
      case 'END-TLV':
      case 'FLAGS':
      case 'PROTOCOL':
        break;
      default:
        throw new Error(`${where}: unknown keyword ${kw}`);
    }
  }
  for (const v of pendingValues) {
    const a = dict.get(v.attr);
    if (!a) throw new Error(`${v.where}: VALUE for unknown attribute ${v.attr}`);
    a.values.set(v.value, v.name);
  }
  return dict;
}

function loadFile(file: string, dict: Dictionary, seen: Set<string>, optional = false): void {
  if (seen.has(file)) return;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (optional) return;
    throw err;
  }
  parseDictionaryText(text, file, dict, seen);
}

const cache = new Map<string, Dictionary>();

/** Loads (once per path) the dictionary index we ship, or another FreeRADIUS-format file. */
export function loadDictionary(file: string = join(DICTIONARY_DIR, 'dictionary')): Dictionary {
  let dict = cache.get(file);
  if (!dict) {
    dict = new Dictionary();
    loadFile(file, dict, new Set());
    cache.set(file, dict);
  }
  return dict;
}

// ---------------------------------------------------------------------------------------------
// describe

export interface DescribedAttribute {
  name: string;
  value: string;
}

const hex = (b: Buffer): string => `0x${b.toString('hex')}`;

function printable(b: Buffer): string | null {
  const s = b.toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(s)) return null;
  return s;
}

function ipv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

function formatValue(def: DictAttribute, v: Buffer): string {
  const named = (n: number): string => def.values.get(n) ?? String(n);
  switch (def.dataType) {
    case 'string':
    case 'text':
      return printable(v) ?? hex(v);
    case 'integer':
    case 'uint32':
    case 'time_delta':
      return v.length === 4 ? named(v.readUInt32BE(0)) : hex(v);
    case 'byte':
    case 'uint8':
      return v.length === 1 ? named(v[0]!) : hex(v);
    case 'short':
    case 'uint16':
      return v.length === 2 ? named(v.readUInt16BE(0)) : hex(v);
    case 'integer64':
    case 'uint64':
      return v.length === 8 ? v.readBigUInt64BE(0).toString() : hex(v);
    case 'ipaddr':
    case 'ipv4addr':
      return v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : hex(v);
    case 'ipv6addr':
      return v.length === 16 ? ipv6(v) : hex(v);
    case 'date':
      return v.length === 4 ? new Date(v.readUInt32BE(0) * 1000).toISOString() : hex(v);
    default:
      return hex(v);
  }
}

function unknownName(vendorId: number, path: readonly number[], evs?: number): string {
  if (evs !== undefined) return `Attr-${evs}.26.${vendorId}.${path.join('.')}`;
  return vendorId === 0 ? `Attr-${path.join('.')}` : `Attr-26.${vendorId}.${path.join('.')}`;
}

/** Appends the description of one value (recursing into TLVs) to `out`. */
function describeValue(
  dict: Dictionary,
  vendorId: number,
  path: number[],
  v: Buffer,
  out: DescribedAttribute[],
  evs?: number,
): void {
  const def = dict.find(vendorId, path, evs);
  if (!def) {
    out.push({ name: unknownName(vendorId, path, evs), value: hex(v) });
    return;
  }
  let name = def.name;
  let value = v;
  if (def.hasTag) {
    // RFC 2868: integers always carry the tag; strings only when the first byte is 0x00–0x1F.
    if (def.dataType === 'integer' && v.length === 4) {
      name = `${name}:${v[0]}`;
      value = Buffer.from([0, v[1]!, v[2]!, v[3]!]);
    } else if (v.length > 0 && v[0]! <= 0x1f) {
      name = `${name}:${v[0]}`;
      value = v.subarray(1);
    }
  }
  if (def.encrypt !== 0) {
    out.push({ name, value: '[encrypted]' });
    return;
  }
  if (def.dataType === 'tlv') {
    let pos = 0;
    const children: Array<[number, Buffer]> = [];
    while (pos < value.length) {
      const len = value[pos + 1];
      if (len === undefined || len < 2 || pos + len > value.length) {
        out.push({ name, value: hex(value) });
        return;
      }
      children.push([value[pos]!, value.subarray(pos + 2, pos + len)]);
      pos += len;
    }
    for (const [t, cv] of children) describeValue(dict, vendorId, [...path, t], cv, out, evs);
    return;
  }
  out.push({ name, value: formatValue(def, value) });
}

/**
 * Human-readable attributes of a packet, in wire order, for logs and tests. Vendor-Specific
 * attributes are expanded into their sub-attributes, TLVs into their children, long-extended
 * fragments joined, Extended-Vendor-Specific decoded. Hidden values (encrypt=N) appear as
 * "[encrypted]". Never throws for a packet from parsePacket.
 */
export function describe(packet: RadiusPacket, dict: Dictionary = loadDictionary()): DescribedAttribute[] {
  const out: DescribedAttribute[] = [];
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const { type, value } = attrs[i]!;
    if (type === Attr.VendorSpecific) {
      if (value.length < 5) {
        out.push({ name: 'Vendor-Specific', value: hex(value) });
        continue;
      }
      const vendorId = value.readUInt32BE(0);
      const subs: Array<[number, Buffer]> = [];
      let pos = 4;
      let ok = true;
      while (pos < value.length) {
        const len = value[pos + 1];
        if (len === undefined || len < 2 || pos + len > value.length) {
          ok = false;
          break;
        }
        subs.push([value[pos]!, value.subarray(pos + 2, pos + len)]);
        pos += len;
      }
      if (!ok) {
        out.push({ name: `Vendor-Specific(${vendorId})`, value: hex(value.subarray(4)) });
        continue;
      }
      for (const [t, v] of subs) describeValue(dict, vendorId, [t], v, out);
      continue;
    }
    if (type >= 241 && type <= 246) {
      if (value.length < (type >= 245 ? 2 : 1)) {
        out.push({ name: `Attr-${type}`, value: hex(value) });
        continue;
      }
      const extType = value[0]!;
      let data = value.subarray(type >= 245 ? 2 : 1);
      if (type >= 245 && (value[1]! & 0x80) !== 0) {
        const parts = [data];
        let more = true;
        while (more && i + 1 < attrs.length) {
          const f = attrs[i + 1]!;
          if (f.type !== type || f.value.length < 2 || f.value[0] !== extType) break;
          parts.push(f.value.subarray(2));
          more = (f.value[1]! & 0x80) !== 0;
          i++;
        }
        data = Buffer.concat(parts);
      }
      if (extType === EXT_TYPE_EVS && data.length >= 5) {
        describeValue(dict, data.readUInt32BE(0), [data[4]!], data.subarray(5), out, type);
      } else {
        describeValue(dict, 0, [type, extType], data, out);
      }
      continue;
    }
    describeValue(dict, 0, [type], value, out);
  }
  return out;
}
