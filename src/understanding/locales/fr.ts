import NormalizerFr from '@nlpjs/lang-fr/src/normalizer-fr.js';
import StemmerFr from '@nlpjs/lang-fr/src/stemmer-fr.js';
import registerTrigrams from '@nlpjs/lang-fr/src/trigrams.js';
import * as chrono from 'chrono-node/fr';
import type { LocalePack } from './locale-pack.ts';
import { list, rx, withParsers, words } from './pack-helpers.ts';

const normalizer = new NormalizerFr();
const stemmer = new StemmerFr();
const EMAIL = String.raw`([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})`;

/** French, as people type it: "ça marche plus", "j'ai pas reçu", tu and vous, SMS spellings. */
export const fr: LocalePack = {
  locale: 'fr',
  alpha3: 'fra',
  registerTrigrams: (guesser) => registerTrigrams({ get: () => guesser }),
  normalize: (text) => normalizer.normalize(text),
  stem: (tokens) => stemmer.stem(tokens),
  parseDates: withParsers(chrono.casual, [], /\best\b/gi),

  // Elisions ("n'a", "j'ai", "c'est") split at the apostrophe; `rewrites` spells them out. "plus"
  // negates only before "de", "du tout", "depuis"… or at the end ("ça marche plus", "plus d'erreur"),
  // not as "more" ("un prompt plus court"): that one is `nplus`.
  contractions: [
    [/\baujourd'hui\b/g, 'aujourdhui'],
    [/\b(a|ai|as|ont|avons|avez) plus\b/g, '$1 nplus'],
    [/\b(est|sont|suis|es) plus(?= +(?:revenue?s?|reapparue?s?|apparue?s?|bloquee?s?|plantee?s?|coincee?s?|tombee?s?|la|en erreur|en echec)\b)/g, '$1 nplus'],
    [/\bplus(?= +(?:d'|de |du |des |jamais|rien|depuis|maintenant|non plus|vraiment|du tout|a |la |le |les |aucun|cette fois|trop|ca |du coup|ce )| *(?:$|[.,;!?:)\n]))/g, 'nplus'],
  ],
  rewrites: {
    n: 'ne', j: 'je', c: 'ce', l: 'le', d: 'de', m: 'me', t: 'te', s: 'se', qu: 'que', jusqu: 'jusque',
    cest: 'ce est', jai: 'je ai', jsuis: 'je suis', chui: 'je suis', chuis: 'je suis', jsp: 'je sais pas', jpp: 'je peux plus',
    jcomprends: 'je comprends', ya: 'il y a', yavait: 'il y avait', yaura: 'il y aura', pa: 'pas',
    tjrs: 'toujours', tjr: 'toujours', tjs: 'toujours', encor: 'encore', mm: 'meme', mem: 'meme',
    bcp: 'beaucoup', pk: 'pourquoi', pq: 'pourquoi', pcq: 'parce que', psk: 'parce que', prcq: 'parce que', cmt: 'comment', koi: 'quoi',
    pr: 'pour', ds: 'dans', qd: 'quand', tt: 'tout', tte: 'toute', vs: 'vous', ns: 'nous', dc: 'donc', ac: 'avec', avc: 'avec',
    mrc: 'merci', mci: 'merci', merchi: 'merci', mercii: 'merci', slt: 'salut', bjr: 'bonjour', bsr: 'bonsoir', cc: 'coucou', wesh: 'salut', wsh: 'salut',
    dsl: 'desole', stp: 'svp', sil: 'svp', nn: 'non', nan: 'non', nope: 'non', ouai: 'ouais', ouaip: 'ouais', ouep: 'ouais', wai: 'ouais', oue: 'ouais',
    oki: 'ok', okay: 'ok', okk: 'ok', dac: 'de accord', dacc: 'de accord', dak: 'de accord', daccord: 'de accord',
    mdr: 'haha', ptdr: 'haha', lol: 'haha', jpense: 'je pense', jcrois: 'je crois', jveux: 'je veux', jvais: 'je vais', jme: 'je me',
    img: 'image', vid: 'video', vids: 'videos', credit: 'credits', creds: 'credits', gen: 'generation', gens: 'generations',
    aprem: 'apres midi', apm: 'apres midi', rdv: 'rendez vous', bug: 'bug', beug: 'bug', beugue: 'bugue', plantee: 'plante',
  },
  // "pas", "plus", "jamais" and "rien" follow the verb they negate ("ça marche plus"), "ne" comes first.
  // Cancelling negates what it governs: "annule l'envoi" is no send.
  negators: words('ne pas nplus jamais rien aucun aucune sans ni nul nulle guere annule annuler annulez'),
  postNegators: words('pas nplus jamais rien'),
  finalNegators: words(''),
  leadingNo: { words: words(''), fillers: words(''), statementStart: words('') },
  scopeSkip: words('le la les l de d du des un une me te se y en'),
  scopeBreakers: words('mais et donc car parce puis alors pourtant quand lorsque si ou sauf comme pourquoi enfin bref cependant sinon'),
  desire: words('veux voudrais voudrait veut voulais faut faudrait besoin aimerais aimerait svp peux pouvez pourriez pourrais dois devrait comment souhaite souhaiterais esperer espere'),
  failureNouns: words('erreur erreurs bug bugs probleme problemes souci soucis message plantage echec'),
  cessation: words('disparu disparue parti partie partis envole envolee resolu resolue regle corrige'),
  lookups: {
    success: list("marche|marcher|fonctionne|fonctionner|reussi|réussie|passe|passé|resolu|réglé|corrigé|fini|terminé|arrivé|apparu|généré|nickel|parfait|impec|impeccable|c'est bon|ça y est|dans ma bibliothèque|dans la bibliothèque|téléchargé|reçu|emoji_ok|emoji_happy|top|super|génial"),
    failure: list("échoué|échoue|échec|erreur|erreurs|bug|bugue|plante|planté|crash|crashé|cassé|timeout|expiré|même erreur|pareil|rien changé|ça change rien|foire|raté|nul|emoji_bad|toujours pareil|même chose|même problème"),
    send: list("envoie|envoyer|envoyez|envoyé|transmets|transmettre|transmettez|vas-y|allez-y|go|fais-le|faites-le|valide|valider|confirme|confirmer|ticket|signale|signaler|remonte|remonter|ça me va|ça me convient"),
    hold: list("laisse tomber|laissez tomber|laisse|oublie|oubliez|plus tard|demain|annule|annuler|attends|attendez|pas maintenant|pas besoin|pas la peine|inutile|moi-même|moi même|stop|non merci|pas nécessaire"),
    yes: list("oui|ouais|ok|d'accord|bien sûr|exact|exactement|c'est ça|voilà|carrément|absolument|évidemment|tout à fait|correct|yes|yep|volontiers|si|emoji_ok|ouep"),
    no: list("non|pas du tout|pas vraiment|surtout pas|négatif|emoji_bad|pas ça|je crois pas|je pense pas"),
    repeat: list("toujours|encore|pareil|même|chaque fois|à chaque fois|deux fois|trois fois|réessayé|relancé|de nouveau|à nouveau|plus"),
    waiting: list("en cours|attente|file d'attente|chargement|charge|tourne|mouline|bloqué|coincé|figé|traitement|heures|minutes|longtemps|éternité|pas encore|emoji_wait|rame|patiente|toujours rien|depuis|génère|rien ne se passe"),
    greet: list("bonjour|salut|coucou|bonsoir|hello|hey|yo|quelqu'un|ça va|allo|il y a quelqu'un"),
    thanks: list("merci|remercie|sympa|cimer|thx|merci beaucoup"),
    bye: list("au revoir|bonne journée|bonne soirée|à plus|bye|ciao|c'est tout|rien d'autre|ce sera tout|tout est bon|ça ira|c'est bon pour moi|rien de plus|salut|bonne fin"),
    person: list("humain|personne|agent|conseiller|conseillère|quelqu'un|vrai|réel|robot|bot|parler|appeler|téléphone|support|service client|opérateur|responsable|contacter|joindre|vraie personne|être humain"),
    money: list("rembourse|remboursé|remboursement|crédits|crédit|argent|payé|facturé|débité|prélevé|solde|coût|coûte|retiré|perdu|récupérer|rendre|thunes|fric|euros"),
    ask: list("comment|pourquoi|quoi|quel|quelle|quels|combien|est-ce que|c'est quoi|où|quand|est-ce|faut-il|dois-je|peut-on"),
    studio: list("vidéo|image|musique|chanson|storyboard|clip|photo|rendu|morceau|studio|génération|prompt"),
    other: list("autre|un autre|une autre|différent|différente|aucun|aucune|ni l'un ni l'autre|pas dans la liste|pas celui-là|pas celle-là|pas là|plus ancien|semaine dernière|rien à voir|autre chose|ailleurs"),
  },
  fields: {
    studios: [
      ['video', rx(/\b(?:vid[ée]os?|vids?|clips?|animations?|films?)\b|\bvideo ?studio\b|\bstudio (?:de )?vid[ée]o\b/i)],
      ['image', rx(/\b(?<!r[ée]f[ée]rence )(?:images?|photos?|pictures?|illustrations?|dessins?|imgs?|visuels?)\b(?! de r[ée]f[ée]rence)|\bimage ?studio\b|\bstudio (?:d'|d’)?images?\b/i)],
      ['music', rx(/\b(?:musiques?|music|chansons?|morceaux|morceau|audio|pistes?|m[ée]lodies?|songs?)\b|\bmusic ?studio\b|\bstudio (?:de )?musique\b/i)],
      ['storyboard', rx(/\bstory ?-?boards?\b|\bstoryboard ?studio\b|\bstudio storyboard\b/i)],
    ],
    explicitStudio: rx(/\b(video|image|music|storyboard) ?studio\b|\bstudio (?:de |d'|d’)?(vid[ée]o|images?|musique|storyboard)\b/i),
    clauses: rx(/(?<=[.!?;])\s+|\n+|,?\s+\b(?:mais|alors que|tandis que|par contre|puis|ensuite|et puis|but|while)\b\s+|,\s+(?=(?:le|la|les|l'|mon|ma|mes|mais|et|the|my)\b)/i),
    promptLine: rx(/\b(?:prompt|invite|consigne)(?: (?:était|etait|c'était|est|utilisée?|was|is))?\s*[:\-–]\s*([^\n]{3,600})/i),
    errorAfterColon: rx(
      /\b(?:(?:l')?erreur(?: (?:était|etait|disait|dit|affichée?|indiquait))?|(?:le )?message(?: d'erreur)?(?: (?:était|etait|disait|dit))?|(?:il|ça|ca) (?:a |m'a )?(?:dit|affiche|affiché|marque|marqué|indique|indiqué|mis)|[ée]chou[ée]e? avec|(?:the )?error(?: message)?(?: was| said)?|failed with|it said)\s*[:\-–]\s*([^\n]{3,400})/i,
    ),
    settings: {
      references: rx(/\b(\d{1,2}|aucune|une?|deux|trois|quatre|cinq|six|no|a|an|one|two|three|four|five)\s+(?:images? de r[ée]f[ée]rence|photos? de r[ée]f[ée]rence|r[ée]f[ée]rences|reference (?:images?|photos?))\b/i),
      referencesLabel: rx(/\b(?:images? de r[ée]f[ée]rence|r[ée]f[ée]rences|reference images?)\s*[:=]\s*(\d{1,2})\b/i),
      duration: rx(/\b(?:vid[ée]o|clip|chanson|morceau|musique|animation|piste|son)s? de (\d{1,3})\s?(?:secondes?|sec|s)\b|\b(?:dur[ée]e|duration)\D{0,12}?(\d{1,3})\s?(?:secondes?|seconds?|secs?|sec|s)\b/i),
      numbers: { aucune: 0, aucun: 0, un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5 },
    },
    timeHint: rx(/\d{1,2}\s?(?::|h)\s?\d{0,2}\b|\bil y a\b|\bya\b|\b(?:midi|minuit|ago|noon)\b|\b(?:à|a|vers|depuis|autour de|at|around)\s+\d{1,2}\b|\d\s?[ap]\.?m\b/i),
    bareHour: { pattern: rx(/\b(?:vers|environ|autour de)\s+(\d{1,2})(?![\d:.,h]|\s*(?:min|heures?|cr[ée]dits?|%|x\b|k\b|p\b|s\b|jours?|fois|secondes?|images?|vid[ée]os?))/gi), prefix: 'à ' },
    // An apostrophe inside a word ("c'était") is no quote.
    beforePrompt: rx(/\b(?:prompts?|invite|consigne|tap[ée]e?|[ée]crit|mis)\b(?:[^.!?\n"“„«']|(?<=\p{L})'(?=\p{L})){0,40}$/iu),
    afterPrompt: rx(/^\s*(?:[ée]tait|c'[ée]tait|est) (?:le|mon) prompt\b|^\s*(?:as|was|is) (?:the|my) prompt\b/i),
    beforeError: rx(
      /\b(?:erreur|erreurs|message|dit|disait|affiche|affich[ée]e?|marqu[ée]|indique|indiqu[ée]|re[çc]u|eu|avec|notification|popup|pop-up|bandeau|error|said|says|got|with)\b(?:[^.!?\n"“„«']|(?<=\p{L})'(?=\p{L})){0,40}$/iu,
    ),
    labels: {
      prompt: rx(/^(?:(?:le |mon )?(?:prompt|invite|consigne)(?: utilis[ée]e?)?|prompt(?: text| used)?)$/i),
      error: rx(/^(?:(?:l')?erreur|message(?: d'erreur)?|raison|motif|d[ée]tails?|cause|error(?: message)?|reason|failure reason)$/i),
      time: rx(/^(?:heure|date|quand|date et heure|horodatage|d[ée]marr[ée]e?|lanc[ée]e?|cr[ée][ée]e?|heure \(utc\)|time|date|started|submitted|created|failed at|timestamp|time \(utc\))$/i),
      studio: rx(/^(?:studio|outil|app|application|tool)$/i),
      account: rx(/^(?:compte|e-?mail|adresse(?: e-?mail| mail)?|courriel|identifiant|login|account(?: email)?|e-?mail du compte)$/i),
      generation: rx(/^(?:(?:id|identifiant) (?:de )?(?:la )?g[ée]n[ée]ration|g[ée]n[ée]ration(?: id)?|id|run(?: id)?|job(?: id)?)$/i),
    },
    account: rx(
      new RegExp(
        String.raw`\b(?:mon compte(?: e-?mail)?(?: est| c'est| =)?|compte(?: e-?mail)?\s*(?:est|:)|(?:je me )?connect[ée]e? (?:avec|en tant que|sous)|inscrite? (?:avec|sous)|compte (?:sous|avec|au nom de)|mon (?:adresse|mail|e-?mail)(?: de connexion| du compte)?(?: est| c'est)?|my account(?: email)?(?: is)?)\s*:?\s*<?${EMAIL}>?`,
        'i',
      ),
    ),
    trouble: rx(
      /\b(?:[ée]chou\w*|[ée]chec|erreurs?|plant\w*|bug\w*|crash\w*|bloqu\w*|coinc\w*|marche (?:pas|plus)|fonctionne (?:pas|plus)|rat[ée]e?|cass[ée]e?|perdu\w*|factur\w*|fail\w*|errors?|stuck)\b/i,
    ),
    fine: rx(/\b(?:[ée]tait (?:ok|bien|bonne?|nickel)|a march[ée]|marche bien|a fonctionn[ée]|fonctionne bien|s'est bien pass[ée]e?|est pass[ée]e?|r[ée]ussi\w*|termin[ée]e?|nickel|sans (?:souci|probl[èe]me)|worked|was fine)\b/i),
    steps: [
      ['retry', rx(/\b(?:r[ée]essay[ée]e?s?|r[ée]essaie|r[ée]essay[ée]|relanc[ée]e?s?|relancer|r[ée]g[ée]n[ée]r[ée]e?|recommenc[ée]|refait|(?:essay[ée]|tent[ée]) (?:encore|[àa] nouveau|de nouveau|\d+ fois|plusieurs fois|deux fois|trois fois)|retried|tried again)\b/i)],
      ['simplify', rx(/\b(?:simplifi[ée]e?|prompt plus court|raccourci|(?:baiss[ée]|r[ée]duit|diminu[ée]) (?:la )?r[ée]solution|(?:enlev[ée]|retir[ée]|supprim[ée]) (?:l'|les |la )?(?:images? de )?r[ée]f[ée]rence)/i)],
      ['checked_credits', rx(/\b(?:v[ée]rifi[ée] (?:mes |les )?(?:cr[ée]dits|solde)|mes cr[ée]dits ont (?:baiss[ée]|diminu[ée])|cr[ée]dits (?:ont [ée]t[ée] |[ée]t[ée] )?(?:d[ée]bit[ée]s|retir[ée]s|pr[ée]lev[ée]s)|historique des cr[ée]dits|regard[ée] mon solde)/i)],
    ],
    morning: rx(/\b(?:matin|matin[ée]e|am|a\.m\.|morning)\b/i),
    evening: rx(/\b(?:soir|soir[ée]e|apr[èe]s-midi|apr[èe]s midi|aprem|apr[èe]m|nuit|pm|p\.m\.|evening|night)\b/i),
  },
};
