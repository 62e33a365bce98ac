import NormalizerDe from '@nlpjs/lang-de/src/normalizer-de.js';
import StemmerDe from '@nlpjs/lang-de/src/stemmer-de.js';
import registerTrigrams from '@nlpjs/lang-de/src/trigrams.js';
import * as chrono from 'chrono-node/de';
import type { LocalePack } from './locale-pack.ts';
import { list, rx, timeAgo, withParsers, words } from './pack-helpers.ts';

const normalizer = new NormalizerDe();
const stemmer = new StemmerDe();
const EMAIL = String.raw`([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})`;

/** German, du and Sie: "geht immer noch nicht", "hat geklappt", umlauts typed or not ("zurueck"). */
export const de: LocalePack = {
  locale: 'de',
  alpha3: 'deu',
  registerTrigrams: (guesser) => registerTrigrams({ get: () => guesser }),
  normalize: (text) => normalizer.normalize(text),
  stem: (tokens) => stemmer.stem(tokens),
  // chrono-node's German lacks "vor einer halben Stunde".
  parseDates: withParsers(chrono.casual, [timeAgo(/\bvor\s+(einer halben|ner halben|einer|ner|\d+|zwei|drei|vier|fünf|zehn|zwanzig|dreißig)\s+(stunden?|std|minuten?|min)\b/i, { 'einer halben': 0.5, 'ner halben': 0.5, einer: 1, ner: 1, zwei: 2, drei: 3, vier: 4, fünf: 5, zehn: 10, zwanzig: 20, dreißig: 30 })], /\bist\b/gi),

  // "geht's", "klappt's": the "es" is a word of its own.
  contractions: [
    [/'s\b/g, ' es'],
    // A separable verb's particle ends the clause: "brich das senden ab" is "abbrechen", then what it cancels.
    [/\b(?:brich|brecht|bricht|brechen sie)\b([^.!?,;\n]{0,40}?)\s+ab\b/g, 'abbrechen$1'],
  ],
  rewrites: {
    nich: 'nicht', net: 'nicht', ned: 'nicht', nit: 'nicht', nix: 'nichts', is: 'ist', isses: 'ist es', isch: 'ist', gehts: 'geht es', klappts: 'klappt es',
    gibts: 'gibt es', hats: 'hat es', wars: 'war es', gings: 'ging es', lief: 'lief', grad: 'gerade', nochmal: 'noch mal', nochmals: 'noch mal',
    okay: 'ok', okey: 'ok', oki: 'ok', okidoki: 'ok', jo: 'ja', jup: 'ja', jep: 'ja', jap: 'ja', joa: 'ja', jaa: 'ja', yes: 'ja', noe: 'nein', nee: 'nein', nope: 'nein', neee: 'nein',
    thx: 'danke', dnk: 'danke', dankee: 'danke', vllt: 'vielleicht', vll: 'vielleicht', hab: 'habe', habs: 'habe es', funzt: 'funktioniert', funkt: 'funktioniert',
    fuer: 'fur', zurueck: 'zuruck', moechte: 'mochte', koennen: 'konnen', koennt: 'konnt', koennte: 'konnte', waere: 'ware', geloest: 'gelost', haengt: 'hangt',
    haengen: 'hangen', rueckerstattung: 'ruckerstattung', zurueckerstattung: 'zuruckerstattung', ueber: 'uber', gruesse: 'grusse', hoeren: 'horen', laedt: 'ladt',
    laeuft: 'lauft', schoen: 'schon', koenntet: 'konntet', muesst: 'musst', fuenf: 'funf', geaendert: 'geandert', aendern: 'andern', moeglich: 'moglich',
    lg: 'liebe grusse', vg: 'viele grusse', mfg: 'mit freundlichen grussen', bzw: 'beziehungsweise', img: 'bild', vid: 'video', pls: 'bitte', plz: 'bitte', bidde: 'bitte',
    lol: 'haha', xd: 'haha', hallöchen: 'hallo', hallochen: 'hallo', hey: 'hey', moinsen: 'moin', tschau: 'tschuss', tschö: 'tschuss', tscho: 'tschuss', tschuess: 'tschuss',
  },
  // "nicht" follows the verb it negates in a main clause ("es geht nicht"), precedes a participle ("hat nicht geklappt").
  // "abbrechen" cancels what it governs, before or after it: "abbrechen das senden", "das senden abbrechen".
  negators: words('nicht nichts kein keine keinen keiner keinem keines nie niemals ohne weder abbrechen'),
  postNegators: words('nicht nichts nie niemals abbrechen'),
  finalNegators: words(''),
  leadingNo: { words: words(''), fillers: words(''), statementStart: words('') },
  scopeSkip: words('es mir mich dir der die das den dem ein eine einen mehr'),
  scopeBreakers: words('aber und also weil denn obwohl dann danach wenn falls oder sondern warum wieso ob dass trotzdem jedoch sonst bevor nachdem'),
  desire: words('will willst mochte mochten brauche braucht bitte muss musste sollte soll wie kann kannst konnen konnt konnten ware wunsche hoffe hatte'),
  failureNouns: words('fehler fehlermeldung problem probleme meldung absturz timeout bug'),
  cessation: words('weg verschwunden behoben gelost vorbei'),
  lookups: {
    success: list('funktioniert|geht|klappt|geklappt|hat funktioniert|läuft|gelaufen|fertig|durchgelaufen|ist durch|erfolgreich|behoben|gelöst|erledigt|angekommen|erschienen|aufgetaucht|generiert|in meiner bibliothek|in der bibliothek|heruntergeladen|perfekt|super|top|emoji_ok|emoji_happy|läuft wieder|geht wieder|endlich'),
    failure: list('fehlgeschlagen|fehler|fehlermeldung|meldung|gleiche meldung|schlägt fehl|scheitert|gescheitert|abgestürzt|stürzt ab|absturz|kaputt|hängt|timeout|abgebrochen|bricht ab|gleiche fehler|gleicher fehler|derselbe fehler|dasselbe|das gleiche|nichts geändert|bringt nichts|hat nichts gebracht|nutzlos|emoji_bad|mist|buggt|failed|geht kaputt'),
    send: list('schick|schicken|schicke|schickt|senden|sende|absenden|abschicken|weiterleiten|leite weiter|einreichen|melden|los|mach das|machen sie|nur zu|ticket|bestätige|bestätigen|passt so|übermitteln|raus damit|ab damit|senden sie'),
    hold: list('lass|lassen|lass mal|vergiss es|vergessen sie|später|morgen|abbrechen|brich ab|lohnt sich nicht|warte|warten sie|jetzt nicht|nicht nötig|nicht notwendig|unnötig|selbst|selber|stopp|stop|lieber nicht|nein danke|brauchst nicht'),
    yes: list('ja|klar|sicher|genau|richtig|korrekt|stimmt|ok|passt|gerne|natürlich|selbstverständlich|jawohl|auf jeden fall|absolut|logo|emoji_ok|einverstanden|in ordnung|jep'),
    no: list('nein|nö|ne|auf keinen fall|keineswegs|falsch|eher nicht|emoji_bad|negativ|nicht wirklich|gar nicht|nein nein'),
    repeat: list('immer noch|noch immer|wieder|noch mal|erneut|schon wieder|jedes mal|zweimal|dreimal|mehrmals|gleiche|dasselbe|weiterhin|nach wie vor|mehr'),
    waiting: list('lädt|laden|lade|wird geladen|verarbeitet|verarbeitung|warteschlange|in bearbeitung|ausstehend|wartet|warte|dreht sich|hängt|hängt fest|steckt fest|eingefroren|stunden|minuten|ewig|ewigkeit|noch nicht|emoji_wait|generiert noch|rendert|läuft noch|kreist|bewegt sich nicht|tut sich nichts|passiert nichts|seit'),
    greet: list('hallo|hi|hey|moin|servus|grüß gott|guten tag|guten morgen|guten abend|jemand da|ist jemand da|grüezi|tach|huhu'),
    thanks: list('danke|dankeschön|vielen dank|besten dank|danke sehr|merci'),
    bye: list('tschüss|ciao|auf wiedersehen|bis dann|bis später|schönen tag|das wars|das war es|das ist alles|sonst nichts|nichts weiter|alles gut|alles erledigt|wir sind fertig|bin fertig|mehr nicht|schluss'),
    person: list('mensch|person|mitarbeiter|mitarbeiterin|agent|jemand|echten|echte|echter|bot|roboter|sprechen|reden|anrufen|telefon|support|kundenservice|kundendienst|berater|chef|vorgesetzten|kontakt|erreichen'),
    money: list('erstattung|rückerstattung|zurückerstatten|erstatten|guthaben|credits|credit|geld|bezahlt|gezahlt|abgebucht|berechnet|abgezogen|kosten|kostet|zurück|verloren|euro'),
    ask: list('wie|warum|wieso|weshalb|was|welche|welcher|wann|wo|wie viel|wie viele|gibt es|kann ich|muss ich|ist es|soll ich|woran'),
    studio: list('video|bild|bilder|musik|song|lied|storyboard|clip|foto|render|track|studio|generierung|prompt'),
    other: list('anderer|andere|anderes|anders|was anderes|etwas anderes|keiner|keine davon|keins|nicht dabei|nicht in der liste|nicht aufgeführt|älter|letzte woche|hat nichts damit zu tun|ein anderer|ein anderes'),
  },
  fields: {
    studios: [
      ['video', rx(/\bvideo(?:s|-? ?studio|generierung|erstellung)?\b|\b(?:vids?|clips?|animation(?:en)?|films?)\b/i)],
      ['image', rx(/\b(?:bild(?:er)?|fotos?|images?|grafik(?:en)?|illustration(?:en)?|pictures?)\b|\b(?:bild|image)-? ?studio\b|\bbildgenerierung\b/i)],
      ['music', rx(/\b(?:musik|music|songs?|lied(?:er)?|tracks?|audio|melodien?|soundtracks?)\b|\b(?:musik|music)-? ?studio\b|\bmusikgenerierung\b/i)],
      ['storyboard', rx(/\bstory ?-?boards?\b|\bstoryboard-? ?studio\b/i)],
    ],
    explicitStudio: rx(/\b(video|image|music|storyboard|bild|musik)-? ?studio\b/i),
    clauses: rx(/(?<=[.!?;])\s+|\n+|,?\s+\b(?:aber|während|wohingegen|obwohl|und dann|dann|danach|but|while)\b\s+|,\s+(?=(?:der|die|das|mein|meine|aber|und|the|my)\b)/i),
    promptLine: rx(/\b(?:prompt|eingabe)(?: (?:war|ist|lautete|lautet|was|is))?\s*[:\-–]\s*([^\n]{3,600})/i),
    errorAfterColon: rx(
      /\b(?:(?:die )?fehlermeldung(?: (?:war|ist|lautete|lautet))?|(?:der )?fehler(?: (?:war|ist|lautete|lautet))?|meldung(?: war)?|(?:es|da) (?:stand|steht|kam|kommt)|fehlgeschlagen mit|(?:the )?error(?: message)?(?: was| said)?|failed with|it said)\s*[:\-–]\s*([^\n]{3,400})/i,
    ),
    settings: {
      references: rx(/\b(\d{1,2}|kein|keine|ein|eine|einem|zwei|drei|vier|fünf|sechs|no|a|an|one|two|three|four|five)\s+(?:referenz-?bilder[n]?|referenz-?bild|referenzfotos?|referenzen|reference (?:images?|photos?))\b/i),
      referencesLabel: rx(/\b(?:referenz-?bilder|referenzen|reference images?)\s*[:=]\s*(\d{1,2})\b/i),
      duration: rx(/\b(\d{1,3})[-\s]?(?:sekunden|sek|s)[-\s]?(?:langes?|lange[rn]?|video|clip|song|lied|track|animation)\w*|\b(?:dauer|länge|duration)\D{0,12}?(\d{1,3})\s?(?:sekunden|seconds?|sek|secs?|s)\b/i),
      numbers: { kein: 0, keine: 0, ein: 1, eine: 1, einem: 1, zwei: 2, drei: 3, vier: 4, fünf: 5, sechs: 6, no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5 },
    },
    timeHint: rx(/\d{1,2}[:.]\d\d\b|\d{1,2}\s?uhr\b|\bvor\s+(?:\d+|einer|einem|ner|zwei|drei|einigen|ein paar|einer halben)\s+\p{L}+|\b(?:mittag|mitternacht|ago|noon)\b|\b(?:um|gegen|ca\.?|etwa|seit|at|around)\s+\d{1,2}\b|\d\s?[ap]\.?m\b/iu),
    bareHour: {
      pattern: rx(/\b(?:gegen|etwa|ca\.?|circa|ungefähr)\s+(\d{1,2})(?![\d:.,]|\s*(?:uhr|min|stunden?|credits?|%|x\b|k\b|p\b|s\b|tagen?|mal|sekunden|bilder?|videos?))/gi),
      prefix: 'um ',
      // chrono-node's German reads "um 11 ist" as a quarter past: the hour needs its "Uhr".
      suffix: ' uhr',
    },
    beforePrompt: rx(/\b(?:prompts?|eingabe|eingegeben|geschrieben|getippt)\b[^.!?\n"“„«']{0,40}$/i),
    afterPrompt: rx(/^\s*(?:war|ist) (?:der|mein) prompt\b|^\s*(?:as|was|is) (?:the|my) prompt\b/i),
    beforeError: rx(
      /\b(?:fehler|fehlermeldung|meldung|stand|steht|kam|kommt|zeigt|zeigte|angezeigt|bekommen|bekam|kriege|krieg|mit|hinweis|error|said|says|got|with)\b[^.!?\n"“„«']{0,40}$/i,
    ),
    labels: {
      prompt: rx(/^(?:(?:der |mein )?(?:prompt|eingabe)(?: text)?|prompt(?: text| used)?)$/i),
      error: rx(/^(?:fehler|fehlermeldung|meldung|grund|ursache|details?|error(?: message)?|reason|failure reason)$/i),
      time: rx(/^(?:zeit|uhrzeit|datum|wann|zeitpunkt|gestartet|erstellt|eingereicht|zeit \(utc\)|time|date|started|submitted|created|failed at|timestamp|time \(utc\))$/i),
      studio: rx(/^(?:studio|werkzeug|tool|app|anwendung)$/i),
      account: rx(/^(?:konto|e-?mail|konto-?e-?mail|e-mail-adresse|benutzer|login|account(?: email)?)$/i),
      generation: rx(/^(?:generierungs-?id|generation(?: id)?|id|run(?: id)?|job(?: id)?|auftrags-?id|lauf-?id)$/i),
    },
    account: rx(
      new RegExp(
        String.raw`\b(?:mein konto(?: ist| lautet)?|konto\s*(?:ist|:)|(?:angemeldet|eingeloggt|registriert) (?:mit|als|unter)|mein (?:account|konto) (?:läuft )?(?:unter|auf)|meine (?:e-?mail|mail|adresse)(?: ist| lautet)?|my account(?: email)?(?: is)?)\s*:?\s*<?${EMAIL}>?`,
        'i',
      ),
    ),
    trouble: rx(/\b(?:fehlgeschlagen|fehler\w*|schlägt fehl|scheitert|gescheitert|abgestürzt|stürzt ab|absturz|hängt|hängen|kaputt|geht nicht|klappt nicht|funktioniert nicht|abgebrochen|berechnet|abgebucht|verloren|fail\w*|errors?|stuck)\b/i),
    fine: rx(/\b(?:hat funktioniert|funktioniert|hat geklappt|klappt|ging|lief|war in ordnung|war ok|fertig|erfolgreich|ohne probleme|worked|was fine)\b/i),
    steps: [
      ['retry', rx(/\b(?:erneut (?:versucht|probiert|gestartet)|noch ?mal (?:probiert|versucht|gestartet|generiert)|neu gestartet|wiederholt|(?:zweimal|dreimal|mehrmals|\d+ ?mal) (?:versucht|probiert)|neu generiert|retried|tried again)\b/i)],
      ['simplify', rx(/\b(?:vereinfacht|kürzere[nr]? prompt|prompt gekürzt|auflösung (?:reduziert|verringert|runtergesetzt|heruntergesetzt)|niedrigere auflösung|referenzbild\w* (?:entfernt|rausgenommen|weggelassen))/i)],
      ['checked_credits', rx(/\b(?:(?:credits|guthaben|kontostand) (?:geprüft|überprüft|nachgesehen|kontrolliert)|(?:credits|guthaben) (?:wurden |sind )?(?:abgebucht|abgezogen|weniger)|credit-?verlauf)/i)],
    ],
    morning: rx(/\b(?:morgens|heute morgen|heute früh|vormittags?|früh|am morgen|am vormittag|a\.m\.|morning)\b/i),
    evening: rx(/\b(?:abends?|nachmittags?|nachts?|heute nacht|gestern abend|pm|p\.m\.|evening|night|afternoon)\b/i),
  },
};
