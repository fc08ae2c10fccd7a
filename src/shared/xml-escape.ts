/**
 * XML escaping: the forms Breakglass's XML writers produce, and so the forms the Redactor masks.
 * Writers and Redactor import these, so a secret can never be written in a form that is not masked.
 */

/** Element text: `&`, `<`, `>` (so `]]>` cannot appear) and CR (which XML parsing would turn into LF). Quotes stay as they are. */
export function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** A double-quoted attribute value: the text form plus `"` and LF (which attribute normalisation would turn into a space). */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#xA;');
}

/** Every form an XML writer (ours or a vendor's) may give the value: text, attribute, and with `'` escaped too. */
export function xmlForms(value: string): string[] {
  const attribute = escapeXmlAttribute(value);
  return [escapeXmlText(value), attribute, attribute.replace(/'/g, '&apos;')];
}
