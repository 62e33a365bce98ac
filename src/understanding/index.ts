/**
 * Understanding people: one module for the chat and the email intake. Runtime-neutral (Node and
 * Workers), no network, nothing trained at start.
 *
 *   understand(text, { locale?, now, timezone }) → Understanding            a chat message
 *   understandEmail({ subject, own, forwarded, sentAt, headerOffset, locale? }) → EmailUnderstanding
 *   guessLocale(text) → 'en' | 'fr' | 'es' | 'de' | 'pt' | null                 the language, when sure
 *
 * `Understanding` = { locale, intent, confidence, candidates, withheld, fields }:
 * - `intent`: one of `intents` (intents.ts), or null when the reading is not to be acted on:
 *   below CONFIDENCE_THRESHOLD, `contradicted` (its own cue words point the other way of an
 *   opposite pair: worked ↔ still_failing, send ↔ dont_send, yes ↔ no), or no reading at all.
 *   Then `candidates` (best first, with scores) are what to confirm with buttons; a flow acts on a
 *   costly reading (resolve, send, withhold) only with `intent` set or a button.
 * - `fields`: studio, prompt, settings, errorMessage, occurredAt, accountEmail, generationIds,
 *   stepsTried — what the message says of the failed run. Chat: any address is the account, an
 *   unlabelled quote the prompt (a second the error). Email (`EmailUnderstanding`, plus `timezone`
 *   and `zoneNamed`): only an address named as the account (the intake falls back to the sender),
 *   the sender's own words first, a forwarded message (a platform notification) fills the gaps.
 * - `inState(intent, state)`: the reading in the flow state it was said in (a failure described
 *   again after advice is `still_failing`; "still failing" as a first message is a report).
 * - Bad input (a NaN `now`, a text that is not a string) throws a `DeskError('bad_request')`
 *   naming the field.
 *
 * How: the intent is NLP.js's neural classifier (@nlpjs/neural), trained by `npm run nlu:train`
 * from `knowledge/nlu/<locale>/<intent>.txt` into `knowledge/nlu/<locale>/model.generated.ts`,
 * over features that carry negation ("not failing anymore" is `not_fail`, not `fail`) and Rasa-style
 * lookup tables; typos are corrected with NLP.js's spell check. Times are chrono-node's. Rules only
 * where no library helps: quotes, `Label:` lines, the platform's error texts. Languages: English,
 * French, Spanish, German, Portuguese, a `LocalePack` (locales/) and a corpus each; a message read
 * without a locale is read in the one `guessLocale` is sure of (NLP.js's trigram guesser and each
 * corpus's words; null for "ok", "merci" or a close call, then English).
 * Measured by `npm run eval` on held-out sets (test/eval/), floors in test/eval/floors.test.ts.
 */
export { CONFIDENCE_THRESHOLD, type Candidate } from './classify.ts';
export { type Intent, inState, intents, oppositeOf, oppositePairs } from './intents.ts';
export { guessLocale } from './language.ts';
export { defaultLocale, localePacks } from './locales/index.ts';
export {
  type EmailText,
  type EmailUnderstanding,
  type UnderstandOptions,
  type Understanding,
  type UnderstoodFields,
  understand,
  understandEmail,
} from './understand.ts';
