/**
 * The text of the first `<name>…</name>` element of an XML document, its
 * entities decoded; `undefined` when there is none. AWS's XML answers that
 * the tool reads (S3 and STS errors, STS credentials) are flat enough for
 * this; nothing here validates XML.
 *
 * @example Usage
 * ```ts
 * xmlText("<Error><Code>NoSuchKey</Code></Error>", "Code"); // "NoSuchKey"
 * ```
 */
export function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`)
    .exec(xml);
  if (match === null) return undefined;
  return decodeEntities(match[1]!.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1"));
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string): string {
  return text.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g,
    (whole, entity: string) => {
      if (entity.startsWith("#x")) {
        return String.fromCodePoint(parseInt(entity.slice(2), 16));
      }
      if (entity.startsWith("#")) {
        return String.fromCodePoint(parseInt(entity.slice(1), 10));
      }
      return NAMED[entity] ?? whole;
    },
  );
}
