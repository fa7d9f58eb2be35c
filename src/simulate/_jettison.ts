/**
 * The JSON that Opencast's JAXB endpoints produce through Jettison's "mapped"
 * convention, built generically from an XML-like tree so every endpoint gets
 * the same quirks (opencast-api.md §2):
 *
 * - R1 the root element name is the single top-level key;
 * - R2/R3 a repeated child is an array only with 2 or more, a bare value with
 *   1, and absent with 0, at every level;
 * - R4 an element with no text, attributes or children becomes `""`;
 * - R5 element text that looks canonically numeric or boolean is coerced;
 * - R6 attributes stay strings with `typing: "legacy"` (Jettison 1.3.1,
 *   Opencast ≤ 7.x and the DCE fork) and are coerced like text with
 *   `typing: "coerced"` (Jettison ≥ 1.3.8, Opencast ≥ 8);
 * - R7 attributes plus text give `{attr…, "$": text}`, the text uncoerced;
 * - R8 absent values are simply not in the tree;
 * - R9 every `/` is written as `\/`.
 *
 * @module
 */

/** An attribute value; `null`/`undefined` leave the attribute out. */
export type XmlAttributeValue = string | number | boolean | null | undefined;

/** A child slot; `null`, `undefined` and `false` leave it out (R8). */
export type XmlChild = XmlElement | null | undefined | false;

/** One XML element as JAXB would marshal it. */
export interface XmlElement {
  /** The element name. */
  readonly name: string;
  /** Attributes in document order. */
  readonly attributes?: Readonly<Record<string, XmlAttributeValue>>;
  /** Child elements in document order. */
  readonly children?: readonly XmlChild[];
  /** Text content; numbers and booleans are written as XML text first. */
  readonly text?: string | number | boolean | null;
}

/**
 * How attribute values are typed (R6): `legacy` keeps them strings (Jettison
 * 1.3.1: Opencast ≤ 7.x and the DCE fork), `coerced` types them like element
 * text (Jettison ≥ 1.3.8: Opencast ≥ 8).
 */
export type JettisonTyping = "legacy" | "coerced";

/** How to emit the tree. */
export interface JettisonOptions {
  /**
   * Attribute typing (R6).
   *
   * @default {"legacy"}
   */
  readonly typing?: JettisonTyping;
  /**
   * Write `/` as `\/`, as Jettison 1.3.1 does.
   *
   * @default {true}
   */
  readonly escapeSlashes?: boolean;
}

/** Builds an element with attributes and either children or text. */
export function element(
  name: string,
  attributes?: Readonly<Record<string, XmlAttributeValue>>,
  content?: readonly XmlChild[] | string | number | boolean | null,
): XmlElement {
  if (Array.isArray(content)) return { name, attributes, children: content };
  return {
    name,
    attributes,
    text: content as string | number | boolean | null | undefined,
  };
}

/** A text-only element, or nothing when the value is absent (R8). */
export function leaf(
  name: string,
  text: string | number | boolean | null | undefined,
): XmlElement | null {
  return text === null || text === undefined ? null : { name, text };
}

const INTEGER_REGEXP = /^-?(?:0|[1-9][0-9]*)$/;
const DECIMAL_REGEXP = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/;

/**
 * Jettison's text coercion: a value becomes a number or boolean only when
 * that value prints back to exactly the same text, so `0123`, `1.50` and
 * `True` stay strings. Integers beyond 2^53 stay strings here because
 * JavaScript cannot write them exactly.
 */
export function coerceText(text: string): string | number | boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  if (INTEGER_REGEXP.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : text;
  }
  if (DECIMAL_REGEXP.test(text)) {
    const value = Number(text);
    const magnitude = Math.abs(value);
    // Java's Double.toString uses plain notation only in [1e-3, 1e7); it
    // always keeps one fractional digit, which JavaScript drops for `.0`.
    if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return text;
    const printed = Number.isInteger(value) ? `${value}.0` : String(value);
    return printed === text ? value : text;
  }
  return text;
}

/** The JSON value one element becomes (everything but the root key). */
export function jettisonValue(
  node: XmlElement,
  options: JettisonOptions = {},
): unknown {
  const coerceAttributes = options.typing === "coerced";
  const text = node.text === null || node.text === undefined
    ? ""
    : String(node.text);
  const object: Record<string, unknown> = {};
  let hasKeys = false;
  for (const [key, value] of Object.entries(node.attributes ?? {})) {
    if (value === null || value === undefined) continue;
    object[key] = coerceAttributes ? coerceText(String(value)) : String(value);
    hasKeys = true;
  }
  const groups = new Map<string, XmlElement[]>();
  for (const child of node.children ?? []) {
    if (!child) continue;
    const group = groups.get(child.name);
    if (group) group.push(child);
    else groups.set(child.name, [child]);
  }
  if (!hasKeys && groups.size === 0) {
    return text === "" ? "" : coerceText(text);
  }
  // Text beside attributes is written as is (see the `configuration`
  // example in opencast-api.md §5.1, `"$": "true"`).
  if (text !== "") object["$"] = text;
  for (const [name, group] of groups) {
    object[name] = group.length === 1
      ? jettisonValue(group[0]!, options)
      : group.map((child) => jettisonValue(child, options));
  }
  return object;
}

/** Serializes a root element the way Opencast's REST publisher does. */
export function toJettisonJson(
  root: XmlElement,
  options: JettisonOptions = {},
): string {
  const json = JSON.stringify({ [root.name]: jettisonValue(root, options) });
  // A `/` can only occur inside JSON strings, so a plain replace is safe.
  return (options.escapeSlashes ?? true) ? json.replaceAll("/", "\\/") : json;
}
