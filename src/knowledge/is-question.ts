const QUESTION_OPENERS = new Set([
  'what', 'whats', "what's", 'why', 'how', 'when', 'where', 'who', 'which',
  'do', 'does', 'did', 'is', 'are', 'am', 'was', 'were', 'can', 'could',
  'will', 'would', 'should', 'shall', 'has', 'have', 'had', 'may', 'might',
]);

/**
 * Cheap guess whether a user's message is a question worth looking up in the knowledge base:
 * it ends with `?`, or its first word is a question word or an auxiliary verb ("why…", "did…").
 * "it worked", "still failing" or "yes" are not questions.
 */
export function isQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  if (trimmed.endsWith('?')) return true;
  const firstWord = trimmed.toLowerCase().split(/[^\p{L}\p{N}']+/u)[0] ?? '';
  return QUESTION_OPENERS.has(firstWord.replace(/’/g, "'"));
}
