import { describe, expect, it } from 'vitest';
import { articles, translations } from '../../knowledge/articles.generated.ts';
import { locales } from '../i18n/locales.ts';
import { createKnowledgeBase } from './knowledge-base.ts';

/*
 * The help articles in five languages (knowledge/<locale>/*.md): the same ids everywhere, each
 * language searched with its own words, and answered from its own article.
 */

const kb = createKnowledgeBase(articles, translations);
const ids = articles.map((a) => a.id).sort();
const others = locales.filter((l) => l !== 'en');

/** Questions as users ask them, not the articles' own phrasings. */
const ASKED: Record<string, [string, string][]> = {
  fr: [
    ['est-ce que je perds mes crédits quand une génération plante ?', 'how-credits-work'],
    ['où est passée ma vidéo ?', 'stuck-processing'],
    ['comment joindre le support par mail ?', 'contact-support'],
    ['pourquoi mon solde a baissé ?', 'credits-page'],
    ['ça a encore échoué, je dois baisser la résolution ?', 'simplify-one-thing'],
  ],
  es: [
    ['¿pierdo créditos si la generación falla?', 'how-credits-work'],
    ['¿dónde está mi vídeo?', 'stuck-processing'],
    ['¿cuál es el correo de soporte?', 'contact-support'],
    ['¿por qué bajó mi saldo?', 'credits-page'],
    ['¿por qué el mismo prompt a veces falla?', 'retrying'],
  ],
  de: [
    ['Verliere ich Credits, wenn es fehlschlägt?', 'how-credits-work'],
    ['Wo ist mein Video?', 'stuck-processing'],
    ['Wie kann ich den Support erreichen?', 'contact-support'],
    ['Warum ist mein Guthaben weniger geworden?', 'credits-page'],
    ['Soll ich die Auflösung senken?', 'simplify-one-thing'],
  ],
  pt: [
    ['eu perco créditos se a geração falhar?', 'how-credits-work'],
    ['cadê meu vídeo?', 'stuck-processing'],
    ['qual é o e-mail do suporte?', 'contact-support'],
    ['por que meu saldo diminuiu?', 'credits-page'],
    ['por que o mesmo prompt às vezes falha?', 'retrying'],
  ],
};

describe('knowledge in five languages', () => {
  it('has every article in every language, under the same id', () => {
    for (const locale of others) expect(translations[locale as keyof typeof translations].map((a) => a.id).sort()).toEqual(ids);
  });

  for (const locale of others) {
    it(`${locale}: answers each article's own questions from that article, in ${locale}`, () => {
      for (const article of translations[locale as keyof typeof translations]) {
        for (const question of article.questions) {
          const answer = kb.answer(question, locale);
          expect(answer?.articleId, `${locale}: ${question}`).toBe(article.id);
          expect(article.body).toContain(answer?.text.replace(/…$/, ''));
          expect(answer?.title).toBe(article.title);
        }
      }
    });

    it(`${locale}: answers questions in users' own words`, () => {
      for (const [question, id] of ASKED[locale] ?? []) {
        const answer = kb.answer(question, locale);
        expect(answer?.articleId, question).toBe(id);
        expect(kb.get(id, locale)?.body).toContain(answer?.text.replace(/…$/, ''));
      }
    });
  }

  it('answers no small talk, in any language', () => {
    const talk: [string, string][] = [
      ['fr', 'merci, ça marche maintenant'],
      ['fr', 'oui'],
      ['es', 'gracias, ya funciona'],
      ['es', 'sigue fallando'],
      ['de', 'danke, es klappt jetzt'],
      ['de', 'immer noch kaputt'],
      ['pt', 'obrigado, funcionou'],
      ['pt', 'ainda está dando erro'],
    ];
    for (const [locale, text] of talk) expect(kb.answer(text, locale), `${locale}: ${text}`).toBeNull();
  });

  it('picks the passage of the article that answers, in the user’s language', () => {
    expect(kb.answer('Quelles informations faut-il mettre dans un e-mail à l’assistance ?', 'fr')?.text).toContain('fuseau horaire');
    expect(kb.answer('¿Qué incluyo en el correo a soporte?', 'es')?.text).toContain('zona horaria');
    expect(kb.answer('Was gehört in die E-Mail an den Support?', 'de')?.text).toContain('Zeitzone');
    expect(kb.answer('O que incluir no e-mail para o suporte?', 'pt')?.text).toContain('fuso horário');
  });

  it('tells questions by the language’s own question words', () => {
    expect(kb.isQuestion('pourquoi ça échoue', 'fr')).toBe(true);
    expect(kb.isQuestion('¿dónde está mi vídeo', 'es')).toBe(true);
    expect(kb.isQuestion('warum schlägt das fehl', 'de')).toBe(true);
    expect(kb.isQuestion('onde está meu vídeo', 'pt')).toBe(true);
    expect(kb.isQuestion('ça marche', 'fr')).toBe(false);
    expect(kb.isQuestion('es klappt', 'de')).toBe(false);
  });

  it('reads a language it has no articles in as English', () => {
    expect(kb.answer('Do I lose credits if a generation fails?', 'ja')?.articleId).toBe('how-credits-work');
    expect(kb.get('retrying', 'ja')?.title).toBe('Retrying a failed generation');
    expect(kb.get('retrying', 'de')?.title).toBe('Eine fehlgeschlagene Generierung wiederholen');
  });
});
