/**
 * server.hsconf as a document that is read with a real XML parser but edited by splicing: a change
 * replaces only the text of one value element (and its `encrypted` attribute when that must
 * change), so every other byte — declaration, BOM, comments, attribute order, whitespace, CRLF —
 * stays exactly as it was.
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import { HsConfError } from './hsconf-errors.js';
import { readInstallFile } from './install-file.js';
import { escapeXmlText } from '../../../shared/xml-escape.js';

export { HsConfError } from './hsconf-errors.js';

export const HSCONF_ROOT = 'EnvironmentConfiguration';

/** The sections the reference documents (others are kept and readable too). */
export const HSCONF_SECTIONS = [
  'PlatformDatabaseConfiguration',
  'LoggingDatabaseConfiguration',
  'SessionDatabaseConfiguration',
  'ServiceConfiguration',
  'ServerConfiguration',
  'NetworkConfiguration',
  'CacheInvalidationConfiguration',
  'OtherConfigurations',
] as const;

interface XmlElement {
  name: string;
  depth: number;
  line: number;
  startTagStart: number;
  /** Just past the start tag's `>` (or past `/>` when self-closing). */
  startTagEnd: number;
  contentStart: number;
  contentEnd: number;
  /** Just past the end tag. */
  end: number;
  selfClosing: boolean;
  children: XmlElement[];
  /** Character data directly inside, unescaped (text and CDATA). */
  text: string;
  attributes: Record<string, string>;
}

/** One value element, e.g. `<AdminPassword encrypted="true">$2$…</AdminPassword>` in a section. */
export interface HsConfEntry {
  section: string;
  key: string;
  /** The unescaped text. */
  value: string;
  /** The raw `encrypted` attribute, if any. The platform decrypts only when it is exactly "true". */
  encryptedAttribute: string | undefined;
  encrypted: boolean;
  /** 1-based line of the element, for messages. */
  line: number;
}

export interface SetValueOptions {
  /**
   * true: `encrypted="true"` (the value is `$2$…` ciphertext). false: plaintext; an existing
   * `encrypted` attribute becomes "false", an absent one stays absent (as the vendor's scripts write it).
   */
  encrypted: boolean;
}

export class HsConf {
  private readonly root: XmlElement;

  private constructor(
    /** The whole file as a string, BOM (U+FEFF) included when there was one. */
    private readonly text: string,
    root: XmlElement,
    readonly sourceName: string,
  ) {
    this.root = root;
  }

  static parse(input: string | Buffer, sourceName = 'server.hsconf'): HsConf {
    const text = typeof input === 'string' ? input : decodeHsconfBytes(input, sourceName);
    return new HsConf(text, parseElements(text, sourceName), sourceName);
  }

  static async load(filePath: string): Promise<HsConf> {
    const { bytes } = await readInstallFile(
      filePath,
      (message) => new HsConfError(message),
      'Check the Platform Server folder (or pass --install-dir).',
    );
    return HsConf.parse(bytes, filePath);
  }

  sections(): string[] {
    return this.root.children.map((section) => section.name);
  }

  hasSection(section: string): boolean {
    return this.findSection(section) !== undefined;
  }

  /** Every value element, in document order. */
  entries(): HsConfEntry[] {
    return this.root.children.flatMap((section) =>
      section.children.filter(isValueElement).map((element) => toEntry(section.name, element)),
    );
  }

  /** The value element `<section><key>`, or undefined when absent. Throws when it appears twice. */
  get(section: string, key: string): HsConfEntry | undefined {
    const element = this.findValue(section, key);
    return element ? toEntry(section, element) : undefined;
  }

  /** Like `get`, but a missing section or key is an error that names them. */
  require(section: string, key: string): HsConfEntry {
    this.requireSection(section);
    const entry = this.get(section, key);
    if (!entry) {
      throw new HsConfError(
        `${this.sourceName} has no <${key}> in <${section}>. Open the Configuration Tool, check that setting, and Apply, then retry.`,
      );
    }
    return entry;
  }

  /**
   * A new document with `<section><key>` set to `value` (escaped). A missing key is created inside
   * the existing section, indented like its siblings; a missing section is an error.
   */
  set(section: string, key: string, value: string, options: SetValueOptions): HsConf {
    assertXmlText(value, `${section}/${key}`);
    const sectionElement = this.requireSection(section);
    const element = this.findValue(section, key);
    const escaped = escapeXmlText(value);
    const edited = element
      ? this.replaceValue(element, escaped, options)
      : this.insertValue(sectionElement, key, escaped, options);
    return HsConf.parse(edited, this.sourceName);
  }

  /** The file as text (BOM included if it had one). */
  toString(): string {
    return this.text;
  }

  /** The file's bytes, UTF-8. */
  toBuffer(): Buffer {
    return Buffer.from(this.text, 'utf8');
  }

  /**
   * The text with each value for which `replace` returns a string put in its place (raw, not
   * escaped): used to mask secrets in previews. Values are matched by section and key.
   */
  textWithValues(replace: (entry: HsConfEntry) => string | undefined): string {
    const splices: Array<{ start: number; end: number; text: string }> = [];
    for (const section of this.root.children) {
      for (const element of section.children.filter(isValueElement)) {
        const replacement = replace(toEntry(section.name, element));
        if (replacement === undefined) continue;
        if (element.selfClosing) {
          splices.push({
            start: element.startTagStart,
            end: element.end,
            text: `${openTagOf(this.text, element)}${replacement}</${element.name}>`,
          });
        } else {
          splices.push({ start: element.contentStart, end: element.contentEnd, text: replacement });
        }
      }
    }
    return applySplices(this.text, splices);
  }

  private findSection(section: string): XmlElement | undefined {
    return this.root.children.find((child) => child.name === section);
  }

  private requireSection(section: string): XmlElement {
    const element = this.findSection(section);
    if (!element) {
      throw new HsConfError(
        `${this.sourceName} has no <${section}> section. Open the Configuration Tool and Apply once so it writes a complete server.hsconf, then retry.`,
      );
    }
    return element;
  }

  private findValue(section: string, key: string): XmlElement | undefined {
    const sectionElement = this.findSection(section);
    if (!sectionElement) return undefined;
    const matches = sectionElement.children.filter((child) => child.name === key);
    if (matches.length > 1) {
      throw new HsConfError(
        `${this.sourceName} has ${matches.length} <${key}> elements in <${section}> (lines ${matches.map((m) => m.line).join(', ')}). ` +
          'Keep one, then retry.',
      );
    }
    const [match] = matches;
    if (match && !isValueElement(match)) {
      throw new HsConfError(
        `${this.sourceName}: <${section}><${key}> (line ${match.line}) holds elements, not a value.`,
      );
    }
    return match;
  }

  private replaceValue(element: XmlElement, escaped: string, options: SetValueOptions): string {
    const openTag = openTagOf(this.text, element);
    const newOpenTag = withEncryptedAttribute(openTag, options.encrypted);
    if (element.selfClosing) {
      return applySplices(this.text, [
        { start: element.startTagStart, end: element.end, text: `${newOpenTag}${escaped}</${element.name}>` },
      ]);
    }
    const splices = [{ start: element.contentStart, end: element.contentEnd, text: escaped }];
    if (newOpenTag !== openTag)
      splices.push({ start: element.startTagStart, end: element.startTagEnd, text: newOpenTag });
    return applySplices(this.text, splices);
  }

  private insertValue(section: XmlElement, key: string, escaped: string, options: SetValueOptions): string {
    const newline = this.text.includes('\r\n') ? '\r\n' : '\n';
    const element = `<${key}${options.encrypted ? ' encrypted="true"' : ''}>${escaped}</${key}>`;
    const lastChild = section.children.at(-1);
    if (lastChild) {
      const indent = indentationOf(this.text, lastChild.startTagStart);
      return applySplices(this.text, [
        { start: lastChild.end, end: lastChild.end, text: `${newline}${indent}${element}` },
      ]);
    }
    const sectionIndent = indentationOf(this.text, section.startTagStart);
    // The section's own indentation is one level (the root sits at column 0); one more for its child.
    const childIndent = `${sectionIndent}${sectionIndent || '  '}`;
    const body = `${newline}${childIndent}${element}${newline}${sectionIndent}`;
    if (section.selfClosing) {
      return applySplices(this.text, [
        {
          start: section.startTagStart,
          end: section.end,
          text: `${openTagOf(this.text, section)}${body}</${section.name}>`,
        },
      ]);
    }
    const content = this.text.slice(section.contentStart, section.contentEnd);
    return content.trim() === ''
      ? applySplices(this.text, [{ start: section.contentStart, end: section.contentEnd, text: body }])
      : applySplices(this.text, [
          {
            start: section.contentEnd,
            end: section.contentEnd,
            text: `${newline}${childIndent}${element}${newline}${sectionIndent}`,
          },
        ]);
  }
}

/** UTF-8 (BOM kept as U+FEFF so it is written back); UTF-16 or invalid bytes are refused. */
function decodeHsconfBytes(bytes: Buffer, sourceName: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new HsConfError(
      `${sourceName} is saved as UTF-16. Save it as UTF-8 (the Configuration Tool's own format), then retry.`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new HsConfError(
      `${sourceName} is not valid UTF-8. Restore it from a backup or re-export it from the Configuration Tool.`,
    );
  }
}

function parseElements(text: string, sourceName: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: HsConfError | undefined;

  parser.on('error', (error) => {
    failure ??= new HsConfError(
      `${sourceName} is not well-formed XML at line ${parser.line}, column ${parser.column}: ${error.message.replace(/^.*?:\d+:\d+: /, '')}. ` +
        'Restore it from the backup beside it (*.breakglass-*.bak) or re-export it from the Configuration Tool.',
    );
  });
  parser.on('opentag', (tag: SaxesTag) => {
    const startTagEnd = parser.position;
    const element: XmlElement = {
      name: tag.name,
      depth: stack.length,
      line: parser.line,
      startTagStart: text.lastIndexOf('<', startTagEnd - 1),
      startTagEnd,
      contentStart: startTagEnd,
      contentEnd: startTagEnd,
      end: startTagEnd,
      selfClosing: tag.isSelfClosing,
      children: [],
      text: '',
      // Without the xmlns option saxes gives plain string attributes.
      attributes: tag.attributes as Record<string, string>,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('text', (chunk) => {
    const current = stack.at(-1);
    if (current) current.text += chunk;
  });
  parser.on('cdata', (chunk) => {
    const current = stack.at(-1);
    if (current) current.text += chunk;
  });
  parser.on('closetag', () => {
    const element = stack.pop();
    if (!element) return;
    element.end = parser.position;
    if (!element.selfClosing) element.contentEnd = text.lastIndexOf('</', element.end - 1);
  });

  try {
    parser.write(text).close();
  } catch (error) {
    failure ??= new HsConfError(`${sourceName} could not be read as XML: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  if (!root)
    throw new HsConfError(`${sourceName} holds no XML element. Re-export it from the Configuration Tool.`);
  if (root.name !== HSCONF_ROOT) {
    throw new HsConfError(
      `${sourceName} starts with <${root.name}>, not <${HSCONF_ROOT}>: it is not a Platform Server server.hsconf. Point Breakglass at the file in the Platform Server folder.`,
    );
  }
  return root;
}

function isValueElement(element: XmlElement): boolean {
  return element.children.length === 0;
}

function toEntry(section: string, element: XmlElement): HsConfEntry {
  const encryptedAttribute = element.attributes.encrypted;
  return {
    section,
    key: element.name,
    value: element.text,
    encryptedAttribute,
    encrypted: encryptedAttribute === 'true',
    line: element.line,
  };
}

function openTagOf(text: string, element: XmlElement): string {
  const raw = text.slice(element.startTagStart, element.startTagEnd);
  return element.selfClosing ? `${raw.replace(/\s*\/>$/, '')}>` : raw;
}

/** The start tag with `encrypted` set as SetValueOptions says, touching nothing else in it. */
function withEncryptedAttribute(openTag: string, encrypted: boolean): string {
  const attribute = findAttribute(openTag, 'encrypted');
  if (encrypted) {
    if (!attribute) return `${openTag.slice(0, -1)} encrypted="true">`;
    return attribute.value === 'true' ? openTag : spliceAttributeValue(openTag, attribute, 'true');
  }
  if (!attribute || attribute.value === 'false') return openTag;
  return spliceAttributeValue(openTag, attribute, 'false');
}

interface AttributeSpan {
  value: string;
  valueStart: number;
  valueEnd: number;
}

/** Walks the attributes of a start tag in order (so a value that merely contains `encrypted=` is not mistaken for one). */
function findAttribute(openTag: string, name: string): AttributeSpan | undefined {
  const attributePattern = /\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  attributePattern.lastIndex = /^<[^\s/>]+/.exec(openTag)?.[0].length ?? 0;
  for (let match = attributePattern.exec(openTag); match; match = attributePattern.exec(openTag)) {
    if (match[1] !== name) continue;
    const value = match[2] ?? match[3] ?? '';
    const valueEnd = attributePattern.lastIndex - 1;
    return { value, valueStart: valueEnd - value.length, valueEnd };
  }
  return undefined;
}

function spliceAttributeValue(openTag: string, attribute: AttributeSpan, value: string): string {
  return `${openTag.slice(0, attribute.valueStart)}${value}${openTag.slice(attribute.valueEnd)}`;
}

function indentationOf(text: string, position: number): string {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  const prefix = text.slice(lineStart, position).replace(/^\uFEFF/, '');
  return /^[ \t]*$/.test(prefix) ? prefix : '';
}

function applySplices(text: string, splices: Array<{ start: number; end: number; text: string }>): string {
  let result = text;
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    result = `${result.slice(0, splice.start)}${splice.text}${result.slice(splice.end)}`;
  }
  return result;
}

/** Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF). */
function assertXmlText(value: string, field: string): void {
  // eslint-disable-next-line no-control-regex
  const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  if (controlCharacter.test(value) || loneSurrogate.test(value)) {
    throw new HsConfError(
      `${field}: the value contains a control character or a broken Unicode character, which server.hsconf (XML) cannot hold. Choose a value without it.`,
    );
  }
}
