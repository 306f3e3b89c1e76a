/**
 * The words the reply rules are made of, folded (lower case, no accents) and in the spelling
 * src/engage/replies/spelling.ts brings them to. Grouped by what they do in a request to stop.
 */

const set = (...words: string[]): ReadonlySet<string> => new Set(words);

// ---- shared ------------------------------------------------------------------------------------

/** Words before a request that turn it around ("don't stop", "never unfollow", "n'arrête pas", "no pares"). */
export const NEGATIONS = set(
  'not', 'never', 'dont', 'doesnt', 'didnt', 'cant', 'cannot', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'isnt', 'arent', 'aint', 'neither', 'nor', 'hardly',
  'ne', 'n', 'pas', 'jamais', 'rien', 'personne', 'sans',
  'nunca', 'ni', 'tampoco', 'jamas', 'sin',
);
/** "no" negates a request only in these pairs: "no need to unfollow", "no way I'd stop". */
export const NO_PAIRS = set('need', 'way', 'reason', 'hace', 'necesidad', 'hay');
/** French negation after its verb: "j'arrête pas", "je me désabonne jamais". */
export const AFTER_VERB_NEGATIONS = set('pas', 'jamais', 'point', 'guere');

/**
 * Subjects and modals that make a stop verb the speaker's own plan or advice, not an order to us:
 * "I'll stop lurking", "we should stop pretending", "il faut arrêter de croire", "hay que dejar de".
 */
export const OWN_PLANS = set(
  'i', 'ill', 'im', 'id', 'ive', 'we', 'well', 'were', 'weve', 'lets', 'should', 'gotta', 'must', 'need', 'needs', 'gonna', 'going', 'trying', 'try', 'people', 'everyone', 'everybody', 'who', 'nobody', 'they', 'he', 'she', 'to',
  'je', 'j', 'on', 'nous', 'faut', 'fallait', 'faudrait', 'dois', 'doit', 'devrait', 'vais', 'va', 'essaie', 'essaye', 'peux', 'ils', 'elles', 'il', 'elle', 'qui',
  'yo', 'hay', 'tenemos', 'tengo', 'debemos', 'debo', 'debes', 'deberiamos', 'voy', 'vamos', 'intento', 'puedo', 'podemos', 'ellos', 'el', 'ella', 'quien',
);

/** Reported speech: the request is someone else's words ("my mom replied UNSUBSCRIBE", "favorite word is stop"). */
export const SPEECH = set(
  'said', 'says', 'say', 'replied', 'replies', 'reply', 'wrote', 'writes', 'texted', 'told', 'tweeted', 'yelled', 'screamed', 'commented', 'word', 'words', 'phrase', 'sign', 'button', 'song', 'lyrics', 'called',
  'dit', 'disait', 'ecrit', 'repondu', 'repond', 'mot', 'mots', 'phrase', 'crie', 'bouton', 'chanson',
  'dijo', 'dice', 'decia', 'escribio', 'respondio', 'puso', 'palabra', 'frase', 'grito', 'boton', 'cancion',
);
/** Who may speak the request themselves before a speech word: "I said stop", "te dije que no". */
export const FIRST_PERSON = set('i', 'ive', 'je', 'j', 'yo', 'te', 'les', 'os', 'ya', 'already');

/** Words that carry no meaning around a request: "please just stop it now", "stop ya porfa". */
export const FILLERS = set(
  'please', 'just', 'now', 'already', 'it', 'that', 'this', 'ok', 'okay', 'so', 'oh', 'and', 'seriously', 'right', 'away', 'immediately', 'asap', 'thanks', 'thank', 'you', 'bro', 'dude', 'man', 'mate', 'guys', 'sir', 'maam', 'fr', 'ffs', 'omg', 'ugh', 'yo', 'hey', 'hi', 'hello', 'oi', 'then', 'kindly', 'really', 'all', 'everything', 'again', 'pls', 'xstop', 'bot', 'bots', 'for', 'god', 'sake', 'the', 'love', 'of', 'damn', 'fucking', 'lol', 'no', 'nope', 'yes', 'well', 'can', 'could', 'would', 'will', 'u', 'period', 'full', 'thx', 'bye', 'mkay', 'k', 'pal', 'buddy', 'man', 'forever', 'spammer', 'ever',
  'stp', 'merci', 'maintenant', 'tout', 'de', 'suite', 'donc', 'bon', 'mais', 'non', 'serieux', 'serieusement', 'la', 'ca', 'ici', 'svp', 'vite', 'bordel', 'putain', 'oh', 'vraiment', 'allez', 'hein', 'enfin', 'franchement', 'toi', 'vous',
  'porfavor', 'por', 'favor', 'ya', 'tio', 'tia', 'hombre', 'pues', 'gracias', 'ahora', 'mismo', 'de', 'una', 'vez', 'con', 'esto', 'eso', 'che', 'wey', 'guey', 'hermano', 'amigo', 'joder', 'coño', 'pesado', 'pesados', 'y', 'todo',
);

/** "not interested right now but ping me in Q3": a later, not a no. */
export const LATER = set(
  'now', 'yet', 'moment', 'atm', 'currently', 'quarter', 'month', 'year', 'until', 'later', 'maybe', 'ping', 'circle', 'q1', 'q2', 'q3', 'q4', 'next', 'budget', 'but', 'though', 'today', 'week', 'this', 'soon',
  'instant', 'encore', 'tard', 'recontactez', 'recontacte', 'recontacter', 'septembre', 'janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'octobre', 'novembre', 'decembre', 'prochaine', 'prochain', 'mais', 'annee', 'mois', 'semaine',
  'ahora', 'todavia', 'aun', 'adelante', 'momento', 'proximo', 'proxima', 'pero', 'quizas', 'quiza', 'vez', 'septiembre', 'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'octubre', 'noviembre', 'diciembre', 'escribeme', 'luego', 'ano', 'mes', 'semana',
);

/** A later anywhere in the reply: "not interested. but ping me in Q3", "ahora no, pero escríbeme en septiembre". */
export const LATER_ANYWHERE = set(
  'later', 'ping', 'circle', 'q1', 'q2', 'q3', 'q4', 'next', 'yet', 'tard', 'recontactez', 'recontacte', 'recontacter', 'encore', 'todavia', 'escribeme', 'adelante', 'luego', 'momento', 'instant', 'moment', 'atm', 'currently',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'septembre', 'janvier', 'fevrier', 'avril', 'juin', 'juillet', 'aout', 'octobre', 'novembre', 'decembre',
  'septiembre', 'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'octubre', 'noviembre', 'diciembre',
);
/** A no with a "but" after it: held for a person. */
export const BUT = set('but', 'mais', 'pero', 'though', 'sin', 'embargo', 'however', 'cependant');
/** "put me in the beta instead", "mettez-moi dans la bêta", "méteme en la beta": moved, not removed. */
export const MOVE_ME: readonly (readonly string[])[] = [
  ['put', 'me'], ['add', 'me'], ['sign', 'me', 'up'], ['mettez', 'moi'], ['mets', 'moi'], ['ajoutez', 'moi'], ['ajoute', 'moi'], ['inscrivez', 'moi'], ['inscris', 'moi'], ['passez', 'moi'],
  ['meteme'], ['metanme'], ['agregame'], ['agreguenme'], ['anademe'], ['inscribeme'], ['inscribanme'], ['ponme'], ['ponganme'], ['pasame'], ['pasenme'],
];
/** After a request, giving leave rather than asking: "unfollow me if you want", "si tu veux", "si quieres". */
export const IF_YOU_WANT: readonly (readonly string[])[] = [
  ['if', 'you', 'want'], ['if', 'you', 'like'], ['if', 'you', 'wish'], ['if', 'you', 'must'], ['if', 'u', 'want'], ['si', 'tu', 'veux'], ['si', 'vous', 'voulez'], ['si', 'quieres'], ['si', 'quieren'], ['si', 'queres'], ['si', 'usted', 'quiere'],
];
/** A reply that moves the talk elsewhere ("don't write me here, better by email") is not a request to stop. */
export const ELSEWHERE = set('instead', 'better', 'rather', 'prefer', 'plutot', 'prefere', 'mejor', 'prefiero', 'mieux');
export const CHANNELS = set('here', 'email', 'mail', 'linkedin', 'phone', 'ici', 'aqui', 'correo', 'telephone', 'telefono', 'whatsapp', 'slack');

// ---- English ----------------------------------------------------------------------------------

export const EN_STOP = set('stop', 'quit', 'cease', 'refrain', 'xstop', 'desist', 'halt');
/** Doing something to someone on X: what a request to stop names. */
export const EN_ENGAGING = set(
  'following', 'liking', 'tagging', 'messaging', 'mentioning', 'contacting', 'dming', 'dmming', 'spamming', 'emailing', 'texting', 'calling', 'pinging', 'pitching', 'bothering', 'harassing', 'pestering', 'bugging',
  'hounding', 'stalking', 'engaging', 'replying', 'commenting', 'sending', 'adding', 'retweeting', 'notifying', 'targeting', 'marketing', 'selling', 'sliding', 'reaching', 'writing', 'favoriting', 'faving', 'hassling',
  'annoying', 'promoting', 'interacting', 'soliciting', 'chasing', 'nagging', 'tweeting', 'quoting', 'boosting', 'shilling', 'advertising', 'hitting', 'prospecting', 'botting', 'automating', 'watching',
);
export const EN_ENGAGE = set(
  'contact', 'follow', 'dm', 'message', 'tag', 'mention', 'like', 'reach', 'email', 'text', 'call', 'ping', 'pitch', 'spam', 'bother', 'harass', 'pester', 'bug', 'add', 'write', 'engage', 'sell', 'market',
  'reply', 'comment', 'send', 'notify', 'target', 'solicit', 'hit', 'hassle', 'interact', 'tweet', 'retweet', 'recontact', 'approach', 'fav', 'favorite', 'quote', 'promote', 'advertise', 'prospect', 'chase',
  'contacted', 'followed', 'dmed', 'messaged', 'tagged', 'mentioned', 'liked', 'emailed', 'spammed', 'added', 'targeted', 'pitched',
);
/** What people get too much of: "no more likes", "stop the spam". */
export const EN_ENGAGEMENT = set(
  'communication', 'communications', 'correspondence', 'contact', 'contacts', 'likes', 'follows', 'messages', 'message', 'dms', 'dm', 'mentions', 'tags', 'notifications', 'notification', 'notifs', 'emails', 'email', 'spam', 'pitches', 'pitch', 'outreach', 'promos', 'promo', 'ads', 'sales',
  'texts', 'calls', 'replies', 'comments', 'pings', 'marketing', 'solicitation', 'solicitations', 'requests', 'follow', 'likes', 'engagement', 'automation', 'bots', 'bot', 'harassment', 'stalking', 'nonsense', 'crap', 'shit',
  'retweets', 'tagging', 'liking', 'following', 'spamming',
);
/** Objects that make a request about the reader: "stop following me", "remove my data". */
export const EN_ME = set('me', 'my', 'us', 'our', 'mine', 'myself', 'account', 'profile', 'posts', 'tweets', 'stuff', 'timeline', 'feed', 'mentions', 'notifications', 'dms', 'inbox');
/** Objects that point elsewhere: "stop following him", "leave her alone". */
export const OTHERS = set('him', 'her', 'them', 'his', 'their', 'les', 'lui', 'leur', 'leurs', 'lo', 'la', 'los', 'las', 'le', 'su', 'sus');
/** My data: "delete my info", "remove my account". */
export const EN_DATA = set('data', 'info', 'information', 'details', 'account', 'handle', 'name', 'email', 'number', 'contact', 'profile', 'address', 'username', 'record', 'records', 'personal');
/** Lists people ask to be taken off. */
export const EN_LISTS = set('list', 'lists', 'crm', 'database', 'outreach', 'funnel', 'sequence', 'sequences', 'campaign', 'campaigns', 'pipeline', 'mailing', 'whatever', 'this', 'your', 'these', 'it', 'you', 'all', 'everything', 'here');

// ---- French -----------------------------------------------------------------------------------

export const FR_STOP = set('halte', 'arrete', 'arretez', 'arretes', 'arreter', 'arretons', 'cesse', 'cessez', 'cesser', 'stop', 'stoppe', 'stoppez', 'xstop');
/** Verb stems of engaging someone ("me suivre", "m'identifier", "me relancer"). */
export const FR_ENGAGE_STEMS = [
  'suiv', 'sui', 'lik', 'aim', 'spam', 'identifi', 'tag', 'tagu', 'mentionn', 'mention', 'contact', 'recontact', 'ecri', 'envoy', 'sollicit', 'relanc', 'harcel', 'ajout', 'interpell', 'notifi', 'demarch',
  'prospect', 'ping', 'embet', 'emmerd', 'ecoeur', 'achal', 'stalk', 'saoul', 'soul', 'pourri', 'bombard', 'inond', 'dm', 'mp', 'follow', 'abonn', 'parl', 'appel', 'cibl', 'fav', 'retweet', 'rt', 'soll',
] as const;
export const FR_ENGAGEMENT = set(
  'communication', 'communications', 'relances', 'relance', 'messages', 'message', 'dm', 'dms', 'likes', 'like', 'notifs', 'notif', 'notifications', 'mentions', 'tags', 'spam', 'pubs', 'pub', 'publicites', 'publicite', 'sollicitations', 'mails', 'emails',
  'appels', 'demarchage', 'prospection', 'cirque', 'manege', 'harcelement', 'conneries', 'bots', 'bot', 'follows', 'abonnements', 'spams', 'messages',
);
export const FR_DETERMINERS = set('vos', 'tes', 'ces', 'les', 'ce', 'cette', 'votre', 'ton', 'ta', 'de', 'avec', 'du', 'des', 'tous', 'toutes', 'toute', 'ca', 'cela', 'ceci', 'tout', 'aux', 'au', 'a', 'd', 'le', 'la', 'immediatement', 'tout', 'vite');
export const FR_ME = set('me', 'm', 'nous', 'moi');
export const FR_DATA = set('adresse', 'contact', 'contacts', 'donnees', 'coordonnees', 'infos', 'informations', 'compte', 'profil', 'nom', 'email', 'mail', 'numero', 'fichier', 'fiche');

// ---- Spanish ----------------------------------------------------------------------------------

export const ES_STOP_DEJAR = set('deja', 'dejen', 'deje', 'dejad', 'dejes', 'dejar', 'dejas', 'dejeis', 'dejame', 'dejenme', 'dejeme');
export const ES_STOP_PARAR = set('cesar', 'cesen', 'cese', 'cesa', 'para', 'paren', 'pare', 'parad', 'pares', 'parale', 'parenle', 'parenla', 'parala', 'detente', 'detenganse', 'detengase', 'cesa', 'cesen', 'cese', 'stop', 'xstop', 'basta');
/** Infinitive stems of engaging someone, with or without the clitic ("seguirme", "etiquetarme", "molestar"). */
export const ES_ENGAGE_STEMS = [
  'segui', 'etiquet', 'escribi', 'menciona', 'molesta', 'spame', 'manda', 'envia', 'contacta', 'agrega', 'anadi', 'likea', 'llama', 'joder', 'jode', 'fastidia', 'acosa', 'taggea', 'tagea', 'stalke', 'hablarme', 'darme',
  'dar like', 'escribir', 'seguir', 'insisti', 'bombardea', 'notifica', 'incordia', 'chingar', 'hinchar',
] as const;
/** Present subjunctive forms after "no me": "no me sigas", "no me contacten", "no me escribas". */
export const ES_NEG_FORMS = [
  /^sig(a|as|an|ais)$/, /^contact(e|es|en|eis)$/, /^escrib(a|as|an|ais)$/, /^mencion(e|es|en|eis)$/, /^etiquet(e|es|en|eis)$/, /^agregu(e|es|en|eis)$/, /^mand(e|es|en|eis)$/, /^envi(e|es|en|eis)$/,
  /^molest(e|es|en|eis)$/, /^spame(e|es|en|eis)$/, /^llam(e|es|en|eis)$/, /^habl(e|es|en|eis)$/, /^tague(e|es|en)$/, /^likee(s|n)?$/, /^jod(a|as|an)$/, /^escrib(as|an)$/, /^añad(a|as|an)$/, /^anad(a|as|an)$/,
  /^sigu(e|es|en)$/,
] as const;
export const ES_ENGAGEMENT = set(
  'comunicaciones', 'comunicacion', 'contacto', 'spam', 'mensajes', 'mensaje', 'menciones', 'mencion', 'likes', 'like', 'notificaciones', 'notificacion', 'publicidad', 'etiquetas', 'dms', 'dm', 'correos', 'emails', 'llamadas', 'bots', 'bot', 'tonterias', 'mierda', 'acoso',
);
export const ES_DATA = set('datos', 'informacion', 'cuenta', 'usuario', 'perfil', 'correo', 'numero', 'contacto');
