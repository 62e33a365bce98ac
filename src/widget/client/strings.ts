import type { Locale } from '../../i18n/locales.ts';

/**
 * The widget's own few strings in each language. The bot's texts and option labels come from the
 * server in the conversation's language; only the frame around them is here, so the widget stays
 * small with all five languages.
 */
export interface WidgetStrings {
  help: string;
  title: string;
  subtitle: string;
  close: string;
  language: string;
  log: string;
  typing: string;
  replies: string;
  label: string;
  placeholder: string;
  send: string;
  you: string;
  support: string;
  restart: string;
  retry: string;
  notSent: string;
  sent: string;
  reference: string;
  studio: string;
  when: string;
  error: string;
  refund: string;
  credits: (n: number) => string;
  stillNeeded: string;
  account: string;
  signedIn: string;
  notSignedIn: string;
  missing: { accountEmail: string; studio: string; prompt: string; timestamp: string };
  /** The launcher's badge, read out: staff replies that came while the panel was closed. */
  newReplies: (n: number) => string;
  /** Which language support staff answer in; empty in English. */
  staffLanguage: string;
  network: string;
  rateLimited: (seconds: number) => string;
  unauthorized: string;
  refused: (detail: string) => string;
  failed: string;
}

/** Each language by its own name, for the language menu. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français', es: 'Español', de: 'Deutsch', pt: 'Português' };

export const STRINGS: Record<Locale, WidgetStrings> = {
  en: {
    help: 'Help',
    title: 'PrismPoster support',
    subtitle: 'We answer right away',
    close: 'Close help',
    language: 'Language',
    log: 'Conversation',
    typing: 'Support is typing…',
    replies: 'Quick replies',
    label: 'Your message',
    placeholder: 'Type your message…',
    send: 'Send',
    you: 'You: ',
    support: 'Support: ',
    restart: 'Start a new conversation',
    retry: 'Retry',
    notSent: ' · not sent',
    sent: 'Sent to support',
    reference: 'Reference ',
    studio: 'Studio',
    when: 'When',
    error: 'Error',
    refund: 'Refund',
    credits: (n) => `${n} credits proposed`,
    stillNeeded: 'Still needed',
    account: 'Account',
    signedIn: 'signed in',
    notSignedIn: 'not signed in',
    missing: { accountEmail: 'your account email', studio: 'the studio', prompt: 'the prompt', timestamp: 'when it happened' },
    newReplies: (n) => `${n} new ${n === 1 ? 'reply' : 'replies'}`,
    staffLanguage: '',
    network: 'We can’t reach support right now. Check your connection, then try again.',
    rateLimited: (s) => `Too many messages at once. Please wait ${s} ${s === 1 ? 'second' : 'seconds'}, then try again.`,
    unauthorized: 'We couldn’t confirm that you’re signed in. Reload the page and try again.',
    refused: (detail) => `That couldn’t be sent: ${detail}`,
    failed: 'Something went wrong on our side. Please try again.',
  },
  fr: {
    help: 'Aide',
    title: 'Assistance PrismPoster',
    subtitle: 'Nous répondons tout de suite',
    close: 'Fermer l’aide',
    language: 'Langue',
    log: 'Conversation',
    typing: 'L’assistance écrit…',
    replies: 'Réponses rapides',
    label: 'Votre message',
    placeholder: 'Écrivez votre message…',
    send: 'Envoyer',
    you: 'Vous : ',
    support: 'Assistance : ',
    restart: 'Nouvelle conversation',
    retry: 'Réessayer',
    notSent: ' · non envoyé',
    sent: 'Transmis à l’assistance',
    reference: 'Référence ',
    studio: 'Studio',
    when: 'Quand',
    error: 'Erreur',
    refund: 'Remboursement',
    credits: (n) => `${n} crédits proposés`,
    stillNeeded: 'Il nous manque',
    account: 'Compte',
    signedIn: 'connecté',
    notSignedIn: 'non connecté',
    missing: { accountEmail: 'l’e-mail de votre compte', studio: 'le studio', prompt: 'le prompt', timestamp: 'le moment où c’est arrivé' },
    newReplies: (n) => `${n} ${n > 1 ? 'nouvelles réponses' : 'nouvelle réponse'}`,
    staffLanguage: 'Notre équipe vous répondra en anglais.',
    network: 'Impossible de joindre l’assistance pour le moment. Vérifiez votre connexion, puis réessayez.',
    rateLimited: (s) => `Trop de messages d’un coup. Patientez ${s} seconde${s > 1 ? 's' : ''}, puis réessayez.`,
    unauthorized: 'Nous n’avons pas pu confirmer que vous êtes connecté. Rechargez la page, puis réessayez.',
    refused: () => 'Ce message n’a pas pu être envoyé.',
    failed: 'Un problème est survenu de notre côté. Veuillez réessayer.',
  },
  es: {
    help: 'Ayuda',
    title: 'Soporte de PrismPoster',
    subtitle: 'Te respondemos al instante',
    close: 'Cerrar la ayuda',
    language: 'Idioma',
    log: 'Conversación',
    typing: 'Soporte está escribiendo…',
    replies: 'Respuestas rápidas',
    label: 'Tu mensaje',
    placeholder: 'Escribe tu mensaje…',
    send: 'Enviar',
    you: 'Tú: ',
    support: 'Soporte: ',
    restart: 'Empezar otra conversación',
    retry: 'Reintentar',
    notSent: ' · no enviado',
    sent: 'Enviado a soporte',
    reference: 'Referencia ',
    studio: 'Estudio',
    when: 'Cuándo',
    error: 'Error',
    refund: 'Reembolso',
    credits: (n) => `${n} créditos propuestos`,
    stillNeeded: 'Aún falta',
    account: 'Cuenta',
    signedIn: 'sesión iniciada',
    notSignedIn: 'sin iniciar sesión',
    missing: { accountEmail: 'el correo de tu cuenta', studio: 'el estudio', prompt: 'el prompt', timestamp: 'cuándo pasó' },
    newReplies: (n) => `${n} ${n === 1 ? 'respuesta nueva' : 'respuestas nuevas'}`,
    staffLanguage: 'Nuestro equipo te responderá en inglés.',
    network: 'Ahora mismo no podemos conectar con soporte. Revisa tu conexión y vuelve a intentarlo.',
    rateLimited: (s) => `Demasiados mensajes seguidos. Espera ${s} ${s === 1 ? 'segundo' : 'segundos'} y vuelve a intentarlo.`,
    unauthorized: 'No pudimos confirmar que hayas iniciado sesión. Recarga la página y vuelve a intentarlo.',
    refused: () => 'No se pudo enviar ese mensaje.',
    failed: 'Algo falló por nuestra parte. Vuelve a intentarlo.',
  },
  de: {
    help: 'Hilfe',
    title: 'PrismPoster-Support',
    subtitle: 'Wir antworten sofort',
    close: 'Hilfe schließen',
    language: 'Sprache',
    log: 'Unterhaltung',
    typing: 'Der Support schreibt …',
    replies: 'Schnellantworten',
    label: 'Ihre Nachricht',
    placeholder: 'Nachricht eingeben …',
    send: 'Senden',
    you: 'Sie: ',
    support: 'Support: ',
    restart: 'Neues Gespräch beginnen',
    retry: 'Erneut versuchen',
    notSent: ' · nicht gesendet',
    sent: 'An den Support übergeben',
    reference: 'Referenz ',
    studio: 'Studio',
    when: 'Wann',
    error: 'Fehler',
    refund: 'Erstattung',
    credits: (n) => `${n} Credits vorgeschlagen`,
    stillNeeded: 'Es fehlt noch',
    account: 'Konto',
    signedIn: 'angemeldet',
    notSignedIn: 'nicht angemeldet',
    missing: { accountEmail: 'die E-Mail-Adresse Ihres Kontos', studio: 'das Studio', prompt: 'der Prompt', timestamp: 'wann es passiert ist' },
    newReplies: (n) => `${n} ${n === 1 ? 'neue Antwort' : 'neue Antworten'}`,
    staffLanguage: 'Unser Team antwortet Ihnen auf Englisch.',
    network: 'Der Support ist gerade nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es dann erneut.',
    rateLimited: (s) => `Zu viele Nachrichten auf einmal. Bitte warten Sie ${s} ${s === 1 ? 'Sekunde' : 'Sekunden'} und versuchen Sie es dann erneut.`,
    unauthorized: 'Wir konnten nicht bestätigen, dass Sie angemeldet sind. Laden Sie die Seite neu und versuchen Sie es erneut.',
    refused: () => 'Diese Nachricht konnte nicht gesendet werden.',
    failed: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.',
  },
  pt: {
    help: 'Ajuda',
    title: 'Suporte PrismPoster',
    subtitle: 'Respondemos na hora',
    close: 'Fechar a ajuda',
    language: 'Idioma',
    log: 'Conversa',
    typing: 'O suporte está digitando…',
    replies: 'Respostas rápidas',
    label: 'Sua mensagem',
    placeholder: 'Digite sua mensagem…',
    send: 'Enviar',
    you: 'Você: ',
    support: 'Suporte: ',
    restart: 'Começar uma nova conversa',
    retry: 'Tentar de novo',
    notSent: ' · não enviada',
    sent: 'Enviado ao suporte',
    reference: 'Referência ',
    studio: 'Estúdio',
    when: 'Quando',
    error: 'Erro',
    refund: 'Reembolso',
    credits: (n) => `${n} créditos propostos`,
    stillNeeded: 'Ainda falta',
    account: 'Conta',
    signedIn: 'conectado',
    notSignedIn: 'não conectado',
    missing: { accountEmail: 'o e-mail da sua conta', studio: 'o estúdio', prompt: 'o prompt', timestamp: 'quando aconteceu' },
    newReplies: (n) => `${n} ${n === 1 ? 'resposta nova' : 'respostas novas'}`,
    staffLanguage: 'Nossa equipe vai responder em inglês.',
    network: 'Não conseguimos falar com o suporte agora. Verifique sua conexão e tente de novo.',
    rateLimited: (s) => `Muitas mensagens de uma vez. Aguarde ${s} ${s === 1 ? 'segundo' : 'segundos'} e tente de novo.`,
    unauthorized: 'Não conseguimos confirmar que você está conectado. Recarregue a página e tente de novo.',
    refused: () => 'Não foi possível enviar essa mensagem.',
    failed: 'Algo deu errado do nosso lado. Tente de novo.',
  },
};
