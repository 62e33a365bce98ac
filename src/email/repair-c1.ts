/* Windows-1252 characters at 0x80–0x9F, by byte. Undefined bytes (81, 8D, 8F, 90, 9D) stay as they are. */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Maps C1 control characters (U+0080–U+009F) to the Windows-1252 characters they stand for.
 * Mail labelled ISO-8859-1 is nearly always Windows-1252 (the WHATWG Encoding standard decodes
 * both alike), but some runtimes' TextDecoder (Node before 22) decodes both as strict Latin-1,
 * turning smart quotes, dashes and € into invisible controls. Real text never carries C1 controls.
 */
export function repairC1(text: string): string;
export function repairC1(text: string | undefined): string | undefined;
export function repairC1(text: string | undefined): string | undefined {
  if (text === undefined || !/[\u0080-\u009f]/.test(text)) return text;
  return text.replace(/[\u0080-\u009f]/g, (ch) => CP1252[ch.charCodeAt(0) - 0x80] ?? ch);
}
